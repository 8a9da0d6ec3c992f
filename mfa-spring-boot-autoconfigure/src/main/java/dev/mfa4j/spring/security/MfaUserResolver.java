package dev.mfa4j.spring.security;

import dev.mfa4j.PracticeId;
import dev.mfa4j.UserId;
import dev.mfa4j.UserRef;
import java.util.Objects;
import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * Maps the application's signed-in principal to the mfa4j user it is: the practice (tenant), the
 * user id, the audience and the administrator flag. The application defines exactly one bean of
 * this type; mfa4j's sign-in steps, pages and API refuse to start without it.
 *
 * <pre>{@code
 * @Bean
 * MfaUserResolver mfaUsers(AccountRepository accounts) {
 *   return authentication -> accounts.findByEmail(authentication.getName())
 *       .map(a -> new UserRef(PracticeId.of(a.practiceId()), UserId.of(a.id()),
 *           a.isClient() ? Audience.CLIENT : Audience.STAFF, a.isAdmin()));
 * }
 * }</pre>
 *
 * <p>A sign-in that starts with a passkey goes the other way, from the mfa4j user the passkey
 * names to the application's principal: see {@link MfaPrincipalLookup}, whose default (over the
 * application's {@code UserDetailsService}) loads the user named by {@link #username(PracticeId,
 * UserId)} and checks that this resolver maps it back to the same mfa4j user.
 *
 * <p>Called on the request thread for every request of a signed-in user, so keep it cheap (read
 * what the principal already carries, or cache). It must be stable: the same principal always
 * maps to the same user, and two principals never to one.
 */
@FunctionalInterface
public interface MfaUserResolver {
  /**
   * The mfa4j user of an authenticated principal; empty if mfa4j does not apply to it (a service
   * account, say: then no second step is asked and no mfa4j factor is granted). Must not return
   * null.
   */
  Optional<UserRef> resolve(Authentication authentication);

  /**
   * The user name Spring Security's {@code UserDetailsService} knows this user by, for the
   * password check mfa4j makes before sensitive changes when the application has no {@code
   * PrimaryCredentials} of its own. Default: the user id.
   */
  default String username(UserRef user) {
    return user.user().value();
  }

  /**
   * The user name of the mfa4j user {@code user} of {@code practice}, for a sign-in that starts
   * with a passkey (no password named the principal yet): what the default {@link
   * MfaPrincipalLookup} passes to the {@code UserDetailsService}. Default: the user id. Override it
   * together with {@link #username(UserRef)}.
   */
  default String username(PracticeId practice, UserId user) {
    return user.value();
  }

  /**
   * The one practice every principal of this application belongs to, if there is one: the
   * practice of passkey sign-in when {@code mfa4j.web.practice} is not set. Default: empty;
   * {@link #singlePractice} names its practice.
   */
  default Optional<PracticeId> practice() {
    return Optional.empty();
  }

  /**
   * A resolver for an application with one practice, whose user names are valid mfa4j user ids
   * (1 to 128 of {@code A-Z a-z 0-9 - _ . @ :}): every user is staff, none an administrator. A
   * name that is not a valid id fails the request rather than skipping the second step.
   */
  static MfaUserResolver singlePractice(String practice) {
    Objects.requireNonNull(practice, "practice");
    PracticeId id = PracticeId.of(practice);
    return new MfaUserResolver() {
      @Override
      public Optional<UserRef> resolve(Authentication authentication) {
        return Optional.of(UserRef.staff(practice, authentication.getName()));
      }

      @Override
      public Optional<PracticeId> practice() {
        return Optional.of(id);
      }

      @Override
      public String toString() {
        return "MfaUserResolver.singlePractice(" + practice + ")";
      }
    };
  }
}
