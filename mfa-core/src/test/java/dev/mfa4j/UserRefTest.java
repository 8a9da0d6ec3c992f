package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UserRefTest {
  private static final PracticeId P1 = PracticeId.of("p1");

  @Test
  void clientAdministrator_cannotBeBuilt() {
    assertThatThrownBy(() -> new UserRef(P1, UserId.of("carol"), Audience.CLIENT, true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("client cannot be an administrator");
  }

  @Test
  void clientAdministrator_neverReachesAdministration() {
    Fixture fx = new Fixture();
    UserRef alice = UserRef.staff("p1", "alice");
    fx.enroll(alice);
    // the review's attack: a client ref marked admin disabling a staff member's two-factor
    assertThatThrownBy(() -> fx.engine.admin(
            new UserRef(P1, UserId.of("carol"), Audience.CLIENT, true))
        .disableTwoFactor(alice, "lost phone", fx.request))
        .isInstanceOf(InvalidInputException.class);
    assertThat(fx.engine.account(alice).twoFactorEnabled()).isTrue();
    // a plain client is refused by Administration itself
    assertThatThrownBy(() -> fx.engine.admin(UserRef.client("p1", "carol"))
        .disableTwoFactor(alice, "lost phone", fx.request))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(fx.engine.account(alice).twoFactorEnabled()).isTrue();
  }

  @Test
  void staffAdministrator_andClient_stillBuilt() {
    assertThat(UserRef.admin("p1", "a").admin()).isTrue();
    assertThat(new UserRef(P1, UserId.of("a"), Audience.STAFF, true).audience())
        .isEqualTo(Audience.STAFF);
    assertThat(UserRef.client("p1", "c").admin()).isFalse();
  }

  @Test
  void nullComponent_npeNamingIt() {
    assertThatThrownBy(() -> new UserRef(null, UserId.of("a"), Audience.STAFF, false))
        .isInstanceOf(NullPointerException.class).hasMessage("practice");
    assertThatThrownBy(() -> new UserRef(P1, null, Audience.STAFF, false))
        .isInstanceOf(NullPointerException.class).hasMessage("user");
    assertThatThrownBy(() -> new UserRef(P1, UserId.of("a"), null, false))
        .isInstanceOf(NullPointerException.class).hasMessage("audience");
  }
}
