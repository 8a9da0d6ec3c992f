package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.internal.Argon2id;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.spi.BackupCodeRecord;
import dev.mfa4j.spi.NotificationType;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackupCodesTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");

  private static LoginStep useCode(Fixture fx, UserRef user, String code) {
    LoginStep.SecondFactorRequired s = fx.challenge(user);
    return fx.engine.login().verify(user, s.challenge(), Answer.backupCode(code),
        RememberDevice.NO, fx.request);
  }

  @Test
  void firstFactor_issuesTenGroupedCodesOfAtLeast64Bits() {
    Fixture fx = new Fixture();
    BackupCodes codes = fx.enroll(ALICE).backupCodes().orElseThrow();

    assertThat(codes.size()).isEqualTo(10);
    assertThat(codes.reveal()).allMatch(c -> c.matches("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}"));
    assertThat(codes.reveal().stream().map(c -> c.substring(0, 4)).distinct()).hasSize(10);
    // alphabet of 32 symbols: 5 bits each; the 16 secret symbols carry 80 bits
    assertThat(BackupCodeBook.ALPHABET).hasSize(32).doesNotContain("0", "O", "1", "I");
    assertThat(BackupCodeBook.SECRET_BITS).isGreaterThanOrEqualTo(64).isEqualTo(80);
    assertThat(codes.toString()).doesNotContain(codes.reveal().get(0));
    assertThat(fx.auditCount(AuditType.BACKUP_CODES_ISSUED)).isEqualTo(1);
    assertThat(fx.noticeCount(NotificationType.BACKUP_CODES_ISSUED)).isEqualTo(1);
  }

  @Test
  void secondFactor_doesNotIssueAnotherSet() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    assertThat(fx.enroll(ALICE, Fixture.PHONE).backupCodes()).isEmpty();
  }

  @Test
  void store_holdsSaltedArgon2idHashesAndNoCode() {
    Fixture fx = new Fixture();
    List<String> codes = fx.enroll(ALICE).backupCodes().orElseThrow().reveal();
    Set<String> salts = new HashSet<>();

    for (String code : codes) {
      String lookup = code.substring(0, 4);
      BackupCodeRecord rec =
          fx.store.backupCodes().find(ALICE.practice(), ALICE.user(), lookup).orElseThrow();
      String secret = code.substring(5).replace("-", "");
      assertThat(rec.hash()).startsWith("$argon2id$v=19$m=64,t=1,p=1$")
          .doesNotContain(secret).doesNotContain(code);
      assertThat(rec.toString()).doesNotContain(secret);
      assertThat(Argon2id.verify(secret, rec.hash())).isTrue();
      String salt = rec.hash().split("\\$")[4];
      assertThat(java.util.Base64.getDecoder().decode(salt)).hasSizeGreaterThanOrEqualTo(16);
      salts.add(salt);
    }
    assertThat(salts).hasSize(10);
  }

  @Test
  void defaultHasher_isOwaspArgon2id() {
    assertThat(BackupCodeHasher.owasp().toString()).contains("m=19456", "t=2", "p=1");
  }

  @Test
  void backupCode_signsInOnceAndNotifiesWithRemaining() {
    Fixture fx = new Fixture();
    String code = fx.enroll(ALICE).backupCodes().orElseThrow().reveal().get(3);

    LoginStep first = useCode(fx, ALICE, code);
    LoginStep reuse = useCode(fx, ALICE, code);

    assertThat(first).isInstanceOf(LoginStep.Authenticated.class);
    assertThat(((LoginStep.Authenticated) first).method()).contains(FactorKind.BACKUP_CODE);
    assertThat(reuse).isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isEqualTo(9);
    assertThat(fx.notices).filteredOn(n -> n.type() == NotificationType.BACKUP_CODE_USED)
        .singleElement().satisfies(n -> assertThat(n.details()).containsEntry("remaining", "9"));
    assertThat(fx.auditCount(AuditType.BACKUP_CODE_USED)).isEqualTo(1);
    assertThat(fx.auditCount(AuditType.CODE_REPLAYED)).isEqualTo(1);
    assertThat(fx.challenge(ALICE).backupCodesRemaining()).isEqualTo(9);
  }

  @Test
  void backupCode_typedLowercaseWithSpacesOrWithoutDashes_accepted() {
    Fixture fx = new Fixture();
    List<String> codes = fx.enroll(ALICE).backupCodes().orElseThrow().reveal();

    assertThat(useCode(fx, ALICE, codes.get(0).toLowerCase(Locale.ROOT)))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(useCode(fx, ALICE, codes.get(1).replace("-", "")))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(useCode(fx, ALICE, " " + codes.get(2).replace("-", " ") + " "))
        .isInstanceOf(LoginStep.Authenticated.class);
  }

  @Test
  void backupCode_wrongSecretRightLookup_refused() {
    Fixture fx = new Fixture();
    String code = fx.enroll(ALICE).backupCodes().orElseThrow().reveal().get(0);
    char last = code.charAt(code.length() - 1);
    String altered = code.substring(0, code.length() - 1) + (last == 'Z' ? 'Y' : 'Z');

    assertThat(useCode(fx, ALICE, altered)).isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isEqualTo(10);
  }

  @Test
  void backupCode_malformed_refusedWithoutHashing() {
    assertThat(BackupCodeBook.canonical("ABCD-EFGH")).isNull();
    assertThat(BackupCodeBook.canonical("ABCD-EFGH-JKMN-PQRS-TUV0")).isNull();
    assertThat(BackupCodeBook.canonical("ABCD-EFGH-JKMN-PQRS-TUVWX")).isNull();
    assertThat(BackupCodeBook.canonical("٢٣٤٥-EFGH-JKMN-PQRS-TUVW")).isNull();
    assertThat(BackupCodeBook.canonical("abcd-efgh-jkmn-pqrs-tuvw"))
        .isEqualTo("ABCDEFGHJKMNPQRSTUVW");
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    assertThat(useCode(fx, ALICE, "not a code")).isInstanceOf(LoginStep.Retry.class);
  }

  @Test
  void backupCodeOfAnotherUser_refused() {
    Fixture fx = new Fixture();
    UserRef bob = UserRef.staff("p1", "bob");
    String bobs = fx.enroll(bob).backupCodes().orElseThrow().reveal().get(0);
    fx.enroll(ALICE);

    assertThat(useCode(fx, ALICE, bobs)).isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.engine.account(bob).backupCodesRemaining()).isEqualTo(10);
  }

  @Test
  void regenerate_replacesWholeSet() {
    Fixture fx = new Fixture();
    List<String> old = fx.enroll(ALICE).backupCodes().orElseThrow().reveal();
    assertThat(useCode(fx, ALICE, old.get(0))).isInstanceOf(LoginStep.Authenticated.class);

    BackupCodes fresh = fx.engine.account(ALICE).regenerateBackupCodes(Fixture.password(),
        fx.request);

    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isEqualTo(10);
    assertThat(useCode(fx, ALICE, old.get(1))).isInstanceOf(LoginStep.Retry.class);
    assertThat(useCode(fx, ALICE, fresh.reveal().get(1)))
        .isInstanceOf(LoginStep.Authenticated.class);
    assertThat(fx.noticeCount(NotificationType.BACKUP_CODES_ISSUED)).isEqualTo(2);
  }

  @Test
  void regenerate_twoFactorOff_policyViolation() {
    Fixture fx = new Fixture();
    assertThatThrownBy(() -> fx.engine.account(ALICE).regenerateBackupCodes(Fixture.password(),
        fx.request)).isInstanceOf(PolicyViolationException.class);
    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isZero();
  }

  @Test
  void backupCodes_disallowedByPolicy_refusedAndHidden() {
    Fixture fx = new Fixture();
    String code = fx.enroll(ALICE).backupCodes().orElseThrow().reveal().get(0);
    fx.setPolicy(ALICE.practice(), PracticePolicy.builder()
        .staffMethods(Set.of(FactorKind.TOTP)).build());

    assertThat(fx.challenge(ALICE).backupCodesRemaining()).isZero();
    assertThat(useCode(fx, ALICE, code)).isInstanceOf(LoginStep.Retry.class);
    assertThat(fx.engine.account(ALICE).backupCodesRemaining()).isEqualTo(10);
  }

  @Test
  void backupCode_failuresCountTowardsLockout() {
    Fixture fx = new Fixture(PracticePolicy.builder()
        .lockout(3, Duration.ofMinutes(1), Duration.ofHours(1)).build());
    fx.enroll(ALICE);
    LoginStep.SecondFactorRequired s = fx.challenge(ALICE);
    LoginStep last = null;
    for (int i = 0; i < 3; i++) {
      last = fx.engine.login().verify(ALICE, s.challenge(),
          Answer.backupCode("2222-2222-2222-2222-2222"), RememberDevice.NO, fx.request);
    }
    assertThat(last).isInstanceOf(LoginStep.Locked.class);
  }
}
