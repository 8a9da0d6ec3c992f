package dev.mfa4j.security;

import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.AesGcmSecretProtector;
import dev.mfa4j.Answer;
import dev.mfa4j.BackupCodeHasher;
import dev.mfa4j.EnrollmentOutcome;
import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.FactorId;
import dev.mfa4j.FactorKind;
import dev.mfa4j.InMemoryMfaStore;
import dev.mfa4j.MfaEngine;
import dev.mfa4j.Password;
import dev.mfa4j.PracticePolicy;
import dev.mfa4j.RequestContext;
import dev.mfa4j.StoreException;
import dev.mfa4j.TwoFactorRequirement;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.AuditQuery;
import dev.mfa4j.totp.Otp;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.totp.TotpFactor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Found by {@link EngineStatefulTest}: a store failure in the middle of an administrator's or a
 * user's settings change must leave nothing half-done (invariant 5, "bad input … changes
 * nothing", and 7, "if the store fails, … fails closed"). Each test fails the n-th store call of
 * one operation, for every n, and expects either a StoreException with the store exactly as
 * before, or the operation's complete effect.
 */
class StoreFaultAtomicityTest {
  private static final UserRef USER = UserRef.staff("sunrise", "u-1");
  private static final UserRef ADMIN = UserRef.admin("sunrise", "a-1");
  private static final RequestContext REQUEST = RequestContext.of("127.0.0.1", "Repro/1.0");

  /** One engine over an in-memory store behind a {@link FaultyStore}; the user enrolled TOTP. */
  static final class Setup {
    final InMemoryMfaStore memory = new InMemoryMfaStore();
    final FaultyStore store = new FaultyStore(memory);
    final MutableClock clock = MutableClock.at(SecurityFixture.START);
    final MfaEngine engine;
    final FactorId factor;

    Setup() {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      engine = MfaEngine.builder()
          .store(store)
          .secretProtector(AesGcmSecretProtector.fromKey("k1", key))
          .passwordVerifier((u, p) -> MessageDigest.isEqual(
              SecurityFixture.PASSWORD.getBytes(StandardCharsets.UTF_8),
              new String(p.chars()).getBytes(StandardCharsets.UTF_8)))
          .clock(clock)
          .backupCodeHasher(BackupCodeHasher.argon2id(64, 1, 1))
          .defaultPolicy(EngineSystem.INITIAL_POLICY)
          .policyCache(Duration.ZERO)
          .factor(TotpFactor.builder().issuer("Sunrise Therapy").build())
          .build();
      EnrollmentStart start = engine.account(USER).beginEnrollment(FactorKind.TOTP, "Phone",
          Password.of(SecurityFixture.PASSWORD), Map.of(), REQUEST);
      TotpEnrollment t = start.details(TotpEnrollment.class);
      String code = Otp.totp(t.keyUri().secret().reveal(), clock.instant(), t.parameters());
      EnrollmentOutcome out = engine.account(USER).confirmEnrollment(start.ceremony(),
          Answer.code(start.factor(), code), REQUEST);
      assertThat(out).isInstanceOf(EnrollmentOutcome.Confirmed.class);
      factor = start.factor();
    }

    /** What the user, the admin and the audit log can see. */
    List<String> observable() {
      List<String> out = new ArrayList<>();
      memory.factors().list(USER.practice(), USER.user())
          .forEach(f -> out.add("factor " + f.id().value() + " " + f.state()));
      out.add("backup codes " + memory.backupCodes().countUnused(USER.practice(), USER.user()));
      out.add("policy " + memory.policies().find(USER.practice()));
      out.add("audit " + memory.audit().find(new AuditQuery(USER.practice(), Optional.empty(),
          Optional.empty(), 500)).size());
      return out;
    }
  }

  /**
   * Fails call n of {@code operation} for n = 0, 1, …, until it completes without meeting the
   * fault; returns the fault points that threw but changed the store.
   */
  private static List<String> halfDone(Consumer<Setup> operation) {
    List<String> broken = new ArrayList<>();
    for (int skip = 0; skip < 50; skip++) {
      Setup s = new Setup();
      List<String> before = s.observable();
      s.store.arm(skip, 1);
      try {
        operation.accept(s);
      } catch (StoreException e) {
        List<String> after = s.observable();
        if (!after.equals(before)) {
          List<String> gone = new ArrayList<>(before);
          gone.removeAll(after);
          List<String> added = new ArrayList<>(after);
          added.removeAll(before);
          broken.add("fault at " + s.store.firstFault() + ": gone " + gone + ", new " + added);
        }
        continue;
      } finally {
        s.store.disarm();
      }
      return broken;
    }
    throw new AssertionError("the operation never completed");
  }

  @Test
  void setPolicy_storeFailsAtAnyCall_policyUnchangedOrAudited() {
    PracticePolicy next = EngineSystem.INITIAL_POLICY.toBuilder()
        .requirement(TwoFactorRequirement.ALL_STAFF).build();
    assertThat(halfDone(s -> s.engine.admin(ADMIN).setPolicy(next, REQUEST))).isEmpty();
  }

  @Test
  void adminDisableTwoFactor_storeFailsAtAnyCall_allOrNothing() {
    assertThat(halfDone(s -> s.engine.admin(ADMIN).disableTwoFactor(USER, "lost phone",
        REQUEST))).isEmpty();
  }

  @Test
  void removeLastFactor_storeFailsAtAnyCall_allOrNothing() {
    assertThat(halfDone(s -> s.engine.account(USER).remove(s.factor,
        Password.of(SecurityFixture.PASSWORD), REQUEST))).isEmpty();
  }
}
