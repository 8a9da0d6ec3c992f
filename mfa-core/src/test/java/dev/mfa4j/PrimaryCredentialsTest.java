package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.NotificationType;
import dev.mfa4j.spi.PasswordRules;
import dev.mfa4j.spi.PrimaryCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The engine's password steps through the {@link PrimaryCredentials} SPI alone: a host with only a
 * verify function gets a clear refusal, and a host with its own password table that implements
 * the capabilities gets the forced change, the user's change and the administrator's reset.
 */
class PrimaryCredentialsTest {
  private static final UserRef JANE = UserRef.staff("sunrise", "jane");
  private static final UserRef ADMIN = UserRef.admin("sunrise", "boss");
  private static final String NEW = "lantern by the quiet harbour";

  /** A host's own password table: plain text for brevity, compared in constant time. */
  static final class HostTable implements PrimaryCredentials {
    record Row(String password, boolean mustChange) {}

    final Map<UserRef, Row> rows = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    private static String text(Password p) {
      return new String(p.chars());
    }

    private static boolean same(String a, String b) {
      return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
          b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean verify(UserRef user, Password password) {
      Row row = rows.get(user);
      return row != null && same(row.password(), text(password));
    }

    @Override
    public boolean changeRequired(UserRef user) {
      Row row = rows.get(user);
      return row != null && row.mustChange();
    }

    @Override
    public PasswordCheck check(UserRef user, Password candidate, PasswordRules rules) {
      List<PasswordCheck.Problem> problems = text(candidate).length() < rules.minLength()
          ? List.of(new PasswordCheck.Problem(PasswordCheck.Reason.TOO_SHORT, "Too short."))
          : List.of();
      return new PasswordCheck(problems, rules.minLength(), 64);
    }

    @Override
    public PasswordCheck completeChange(UserRef user, Password next, PasswordRules rules) {
      if (!changeRequired(user)) {
        throw new PasswordRejectedException();
      }
      return replace(user, next, rules);
    }

    @Override
    public PasswordCheck change(UserRef user, Password current, Password next,
        PasswordRules rules) {
      if (!verify(user, current)) {
        throw new PasswordRejectedException();
      }
      return replace(user, next, rules);
    }

    @Override
    public PasswordCheck replace(UserRef user, Password next, PasswordRules rules) {
      PasswordCheck check = check(user, next, rules);
      if (check.accepted()) {
        rows.put(user, new Row(text(next), false));
      }
      return check;
    }

    @Override
    public boolean hasPassword(UserRef user) {
      return rows.containsKey(user);
    }

    @Override
    public TemporaryPassword issueTemporary(UserRef user) {
      TemporaryPassword t = TemporaryPassword.generate(random,
          java.time.Instant.now().plus(Duration.ofHours(1)));
      rows.put(user, new Row(t.reveal(), true));
      return t;
    }

    @Override
    public boolean requireChangeIfShorter(UserRef user, int minLength) {
      Row row = rows.get(user);
      if (row == null || row.mustChange() || row.password().length() >= minLength) {
        return false;
      }
      rows.put(user, new Row(row.password(), true));
      return true;
    }
  }

  private final HostTable table = new HostTable();

  private Fixture withTable() {
    table.rows.put(JANE, new HostTable.Row(Fixture.PASSWORD, false));
    return new Fixture(PracticePolicy.defaults(), b -> b.primaryCredentials(table), null);
  }

  @Test
  void verifyOnly_passwordStepsThrowUnsupportedNamingTheCapability_nothingAudited() {
    Fixture own = new Fixture();
    assertThatThrownBy(() -> own.engine.account(JANE).changePassword(Fixture.password(),
        Password.of(NEW), own.request)).isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("change(").hasMessageContaining("dev.mfa4j.passwords.Passwords");
    assertThatThrownBy(() -> own.engine.admin(ADMIN).resetPassword(JANE, own.request))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("issueTemporary(");
    assertThatThrownBy(() -> own.engine.setPassword(JANE, Password.of(NEW), own.request))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("hasPassword(");
    assertThat(own.auditCount(AuditType.PASSWORD_RESET)).isZero();
    assertThat(own.auditCount(AuditType.PASSWORD_CHANGED)).isZero();
    assertThat(own.engine.login().afterPrimary(JANE, own.request))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void hostTable_adminResetThenForcedChange_refusedThenAcceptedThenSignedIn() {
    Fixture fx = withTable();
    TemporaryPassword t = fx.engine.admin(ADMIN).resetPassword(JANE, fx.request);
    assertThat(table.verify(JANE, Password.of(t.reveal()))).isTrue();
    assertThat(fx.auditCount(AuditType.PASSWORD_RESET)).isEqualTo(1);
    assertThat(fx.noticeCount(NotificationType.PASSWORD_RESET)).isEqualTo(1);

    LoginStep step = fx.engine.login().afterPrimary(JANE, fx.request);
    assertThat(step).isInstanceOf(LoginStep.PasswordChangeRequired.class);
    LoginStep.PasswordChangeRequired p = (LoginStep.PasswordChangeRequired) step;
    assertThat(p.minLength()).isEqualTo(PasswordRules.SINGLE_FACTOR_MIN_LENGTH);

    LoginStep refused = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of("too short"), fx.request);
    assertThat(refused).isInstanceOf(LoginStep.PasswordChangeRequired.class);
    assertThat(((LoginStep.PasswordChangeRequired) refused).problems())
        .extracting(PasswordCheck.Problem::reason).containsExactly(PasswordCheck.Reason.TOO_SHORT);
    assertThat(table.changeRequired(JANE)).isTrue();

    LoginStep done = fx.engine.login().completePasswordChange(JANE, p.challenge(),
        Password.of(NEW), fx.request);
    assertThat(done).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(table.verify(JANE, Password.of(NEW))).isTrue();
    assertThat(table.changeRequired(JANE)).isFalse();
    assertThat(fx.noticeCount(NotificationType.PASSWORD_CHANGED)).isEqualTo(1);
  }

  @Test
  void hostTable_changePassword_wrongCurrentCountedAndAudited_rightCurrentStored() {
    Fixture fx = withTable();
    assertThatThrownBy(() -> fx.engine.account(JANE).changePassword(Password.of("wrong one"),
        Password.of(NEW), fx.request)).isInstanceOf(PasswordRejectedException.class);
    assertThat(fx.auditCount(AuditType.PASSWORD_REJECTED)).isEqualTo(1);
    assertThat(fx.store.users().find(JANE.practice(), JANE.user()).orElseThrow()
        .consecutiveFailures()).isEqualTo(1);

    PasswordCheck check = fx.engine.account(JANE).changePassword(Fixture.password(),
        Password.of(NEW), fx.request);
    assertThat(check.accepted()).isTrue();
    assertThat(table.verify(JANE, Password.of(NEW))).isTrue();
    assertThat(fx.noticeCount(NotificationType.PASSWORD_CHANGED)).isEqualTo(1);
  }

  @Test
  void hostTable_setPassword_replacesAndSaysSo() {
    Fixture fx = withTable();
    PasswordCheck check = fx.engine.setPassword(JANE, Password.of(NEW), fx.request);
    assertThat(check.accepted()).isTrue();
    assertThat(table.verify(JANE, Password.of(NEW))).isTrue();
    assertThat(fx.events).anyMatch(e -> e.type() == AuditType.PASSWORD_CHANGED
        && "true".equals(e.details().get("replaced")));
  }

  @Test
  void hostTable_twoFactorTurnedOff_shortPasswordMustBeChanged() {
    Fixture fx = withTable();
    fx.enroll(JANE);
    table.rows.put(JANE, new HostTable.Row("abcd-1234", false));
    fx.engine.account(JANE).disableTwoFactor(Password.of("abcd-1234"), fx.request);
    assertThat(table.changeRequired(JANE)).isTrue();
    assertThat(fx.engine.login().afterPrimary(JANE, fx.request))
        .isInstanceOf(LoginStep.PasswordChangeRequired.class);
  }

  @Test
  void passwordRules_followThePolicyAndTheSecondFactor() {
    PracticePolicy none = PracticePolicy.defaults();
    assertThat(PasswordRules.of(none, false)).isEqualTo(new PasswordRules(15, 0));
    assertThat(PasswordRules.of(none, true)).isEqualTo(new PasswordRules(8, 0));
    assertThatThrownBy(() -> new PasswordRules(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordRules(8, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
