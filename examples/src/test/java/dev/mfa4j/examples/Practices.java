package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.Password;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Practices and people of the tests' own, made straight in the demo's directory, so that no test
 * sees another's policy or users.
 */
final class Practices {
  private static final AtomicInteger PRACTICES = new AtomicInteger();

  private Practices() {}

  /** Someone who can sign in, with the password they have. */
  record Person(DemoUser user, String password) {
    String email() {
      return user.email();
    }

    String id() {
      return user.id();
    }

    Person withPassword(String other) {
      return new Person(user, other);
    }
  }

  /** A practice with an administrator, a staff member and a client. */
  record Practice(String id, Person admin, Person staff, Person client) {}

  static Practice create(Demo demo) {
    String id = "p" + PRACTICES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000,
        36);
    demo.users().addPractice(id, "Practice " + id);
    return new Practice(id, person(demo, id, "admin", DemoUser.Role.ADMIN),
        person(demo, id, "staff", DemoUser.Role.STAFF),
        person(demo, id, "client", DemoUser.Role.CLIENT));
  }

  static Person person(Demo demo, String practice, String name, DemoUser.Role role) {
    DemoUser u = new DemoUser(practice, practice + "-" + name,
        name + "@" + practice + ".example",
        name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1) + " of " + practice,
        role);
    demo.users().add(u);
    String password = "tangerine-window-" + practice + "-" + role.ordinal() + "-harbor";
    assertThat(demo.passwords().set(u.ref(), Password.of(password), demo.policy(practice), false)
        .accepted()).isTrue();
    return new Person(u, password);
  }
}
