package dev.mfa4j.webauthn;

import dev.mfa4j.tck.FakeFactorContext;
import dev.mfa4j.tck.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.Answer;
import dev.mfa4j.FactorKind;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.Enrollment;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.FactorState;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The opt-in P-256 verifier: agrees with the JDK, and stays out of everyone else's way. */
class BouncyCastleP256ProviderTest {
  static final String ALG = "SHA256withECDSA";
  static final SecureRandom RANDOM = new SecureRandom();

  @BeforeAll
  static void install() {
    BouncyCastleP256Provider.installJvmWide();
  }

  static KeyPair keys(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec(curve), RANDOM);
    return g.generateKeyPair();
  }

  static byte[] sign(KeyPair k, byte[] message) throws Exception {
    Signature s = Signature.getInstance(ALG, "SunEC");
    s.initSign(k.getPrivate());
    s.update(message);
    return s.sign();
  }

  static Signature verifier(KeyPair k, byte[] message) throws Exception {
    Signature v = Signature.getInstance(ALG);
    v.initVerify(k.getPublic());
    v.update(message);
    return v;
  }

  @Test
  void install_twice_oneProviderAtFirstPosition() {
    BouncyCastleP256Provider.installJvmWide();
    assertThat(BouncyCastleP256Provider.installedJvmWide()).isTrue();
    assertThat(java.security.Security.getProviders()[0].getName())
        .isEqualTo(BouncyCastleP256Provider.PROVIDER_NAME);
    assertThat(java.util.Arrays.stream(java.security.Security.getProviders())
        .filter(p -> p.getName().equals(BouncyCastleP256Provider.PROVIDER_NAME))).hasSize(1);
  }

  @Test
  void verify_insideScope_fastPathAgreesWithJdk() throws Exception {
    for (int i = 0; i < 8; i++) {
      KeyPair k = keys("secp256r1");
      byte[] message = new byte[1 + RANDOM.nextInt(300)];
      RANDOM.nextBytes(message);
      byte[] sig = sign(k, message);
      byte[] bad = sig.clone();
      bad[bad.length - 1] ^= 1;
      byte[] otherMessage = message.clone();
      otherMessage[0] ^= 1;

      long before = BouncyCastleP256Provider.FAST_VERIFICATIONS.sum();
      BouncyCastleP256Provider.scoped(() -> {
        try {
          Signature v = verifier(k, message);
          assertThat(v.getProvider().getName()).isEqualTo(BouncyCastleP256Provider.PROVIDER_NAME);
          assertThat(v.verify(sig)).isTrue();
          assertThat(verifier(k, message).verify(bad)).isFalse();
          assertThat(verifier(k, otherMessage).verify(sig)).isFalse();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return null;
      });
      assertThat(BouncyCastleP256Provider.FAST_VERIFICATIONS.sum() - before).isEqualTo(3);
    }
  }

  @Test
  void verify_malformedDer_signatureExceptionLikeTheJdk() throws Exception {
    KeyPair k = keys("secp256r1");
    byte[] message = "m".getBytes(StandardCharsets.UTF_8);
    byte[] sig = sign(k, message);
    byte[] trailing = java.util.Arrays.copyOf(sig, sig.length + 1);
    for (byte[] bad : new byte[][] {{0x30, 0x03, 0x02, 0x01}, trailing, new byte[0]}) {
      BouncyCastleP256Provider.scoped(() -> {
        assertThatThrownBy(() -> verifier(k, message).verify(bad))
            .isInstanceOf(SignatureException.class);
        return null;
      });
    }
  }

  @Test
  void verify_outsideScope_jdkProviderServes() throws Exception {
    KeyPair k = keys("secp256r1");
    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] sig = sign(k, message);
    long before = BouncyCastleP256Provider.FAST_VERIFICATIONS.sum();

    Signature v = verifier(k, message);

    assertThat(v.getProvider().getName()).isNotEqualTo(BouncyCastleP256Provider.PROVIDER_NAME);
    assertThat(v.verify(sig)).isTrue();
    assertThat(BouncyCastleP256Provider.FAST_VERIFICATIONS.sum()).isEqualTo(before);
  }

  @Test
  void sign_insideScope_jdkProviderServes() throws Exception {
    KeyPair k = keys("secp256r1");
    BouncyCastleP256Provider.scoped(() -> {
      try {
        Signature s = Signature.getInstance(ALG);
        s.initSign(k.getPrivate());
        assertThat(s.getProvider().getName()).isNotEqualTo(BouncyCastleP256Provider.PROVIDER_NAME);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return null;
    });
  }

  @Test
  void verify_otherCurveInsideScope_jdkProviderServes() throws Exception {
    KeyPair k = keys("secp384r1");
    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] sig = sign(k, message);
    BouncyCastleP256Provider.scoped(() -> {
      try {
        Signature v = verifier(k, message);
        assertThat(v.getProvider().getName()).isNotEqualTo(BouncyCastleP256Provider.PROVIDER_NAME);
        assertThat(v.verify(sig)).isTrue();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return null;
    });
  }

  @Test
  void providerBoundBeforeKey_delegatesSignAndVerify() throws Exception {
    KeyPair k = keys("secp256r1");
    byte[] message = "bound early".getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance(ALG);
    assertThat(s.getProvider().getName()).isEqualTo(BouncyCastleP256Provider.PROVIDER_NAME);
    s.initSign(k.getPrivate());
    s.update(message);
    byte[] sig = s.sign();

    Signature v = Signature.getInstance(ALG);
    v.getProvider();
    v.initVerify(k.getPublic());
    v.update(message);
    assertThat(v.verify(sig)).isTrue();
  }

  @Test
  void passkeyFactor_optedIn_verifiesThroughFastPathAndStillRefusesBadSignatures() {
    PasskeyFactor fast = PasskeyFactor.builder().relyingParty("app.example.com", "S")
        .origins(Set.of("https://app.example.com")).fastEs256Verify(true).build();
    MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
    FakeFactorContext ctx = FakeFactorContext.of(UserRef.staff("c", "u"), FactorKind.PASSKEY, clock);
    SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
    FakeFactorContext enroll = ctx.newCeremony();
    Enrollment e = fast.begin(enroll, enroll.pending("Key"), Map.of());
    FactorRecord r = fast.confirm(enroll, e.pending(), Answer.response(e.pending().id(),
        key.register(((PasskeyEnrollment) e.details()).creationOptionsJson(),
            "https://app.example.com"))).updated().orElseThrow().withState(FactorState.ACTIVE);
    ctx.store(r);

    long before = BouncyCastleP256Provider.FAST_VERIFICATIONS.sum();
    FakeFactorContext step = ctx.newCeremony();
    String req = fast.prompt(step, r, Map.of()).clientJson().orElseThrow();
    Verification ok = fast.verify(step, r, Answer.response(r.id(),
        key.assertion(req, "https://app.example.com")));
    assertThat(ok.outcome()).isEqualTo(VerificationOutcome.ACCEPTED);
    assertThat(BouncyCastleP256Provider.FAST_VERIFICATIONS.sum()).isEqualTo(before + 1);

    FakeFactorContext step2 = ctx.newCeremony();
    String req2 = fast.prompt(step2, r, Map.of()).clientJson().orElseThrow();
    assertThat(fast.verify(step2, r, Answer.response(r.id(),
        key.answer(req2, "https://app.example.com").flipSignatureBit().json())).outcome())
        .isEqualTo(VerificationOutcome.INVALID);
    FakeFactorContext step3 = ctx.newCeremony();
    String req3 = fast.prompt(step3, r, Map.of()).clientJson().orElseThrow();
    assertThat(fast.verify(step3, r, Answer.response(r.id(),
        key.answer(req3, "https://app.example.com").garbleSignature().json())).outcome())
        .isEqualTo(VerificationOutcome.INVALID);
  }
}
