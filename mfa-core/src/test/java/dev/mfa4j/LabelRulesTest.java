package dev.mfa4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Free text from users cannot carry invisible or direction-changing characters (Unicode Cf). */
class LabelRulesTest {
  private static final UserRef ALICE = UserRef.staff("p1", "alice");
  private static final String RLO = "\u202E";
  private static final String ZWSP = "\u200B";
  private static final String MESSAGE = "must not contain invisible or direction-changing characters";

  @Test
  void checkLabel_formatCharacters_refused() {
    for (String bad : new String[] {"My " + RLO + "enohp", "Yubi" + ZWSP + "Key", "a\u200Fb",
        "a\u202Ab", "a\u2066b\u2069", "a\u2060b", "\uFEFFkey", "a\u061Cb", "tag\uDB40\uDC01"}) {
      assertThatThrownBy(() -> Engine.checkLabel(bad)).as(bad)
          .isInstanceOf(InvalidInputException.class).hasMessage("label " + MESSAGE);
    }
    assertThat(Engine.checkLabel(" Amy's phone \uD83D\uDCF1 ")).isEqualTo("Amy's phone \uD83D\uDCF1");
    assertThat(Engine.checkLabel("Téléphone de Zoë")).isEqualTo("Téléphone de Zoë");
  }

  @Test
  void enrollmentAndRename_bidiOrZeroWidthLabel_refusedNothingChanged() {
    Fixture fx = new Fixture();
    Fixture.Enrolled f = fx.enroll(ALICE);
    AccountSecurity a = fx.engine.account(ALICE);

    assertThatThrownBy(() -> a.beginEnrollment(FactorKind.TOTP, "gpj." + RLO + "exe", Fixture
        .password(), Map.of(), fx.request))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(MESSAGE);
    assertThatThrownBy(() -> a.rename(f.id(), "Yubi" + ZWSP + "Key", fx.request))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(MESSAGE);
    assertThat(a.factors()).singleElement().extracting(FactorSummary::label)
        .isEqualTo("My totp");
  }

  @Test
  void adminReason_bidiOrZeroWidth_refusedTwoFactorKept() {
    Fixture fx = new Fixture();
    fx.enroll(ALICE);
    Administration admin = fx.engine.admin(UserRef.admin("p1", "adm"));
    for (String reason : new String[] {"lost phone " + RLO + "2811 tekcit", "lost" + ZWSP}) {
      assertThatThrownBy(() -> admin.disableTwoFactor(ALICE, reason, fx.request))
          .isInstanceOf(InvalidInputException.class).hasMessage("reason " + MESSAGE);
    }
    assertThat(fx.engine.account(ALICE).twoFactorEnabled()).isTrue();
  }

  @Test
  void userAgent_formatCharactersStripped_soRememberedDeviceLabelIsPlain() {
    Fixture fx = new Fixture(PracticePolicy.builder().rememberDevice(Duration.ofDays(30)).build());
    Fixture.Enrolled f = fx.enroll(ALICE);
    RequestContext req = RequestContext.of("127.0.0.1", "Fire" + ZWSP + "fox " + RLO + "cbA");
    assertThat(req.userAgent()).isEqualTo("Firefox cbA");

    LoginStep step = fx.engine.login().afterPrimary(ALICE, req);
    fx.engine.login().verify(ALICE, ((LoginStep.SecondFactorRequired) step).challenge(),
        Answer.code(f.id(), f.code()), RememberDevice.YES, req);

    assertThat(fx.engine.account(ALICE).rememberedDevices()).singleElement()
        .extracting(RememberedDevice::label).isEqualTo("Firefox cbA");
  }

  @Test
  void userAgent_strippedBeforeTruncation() {
    String ua = ZWSP.repeat(600) + "x".repeat(600);
    assertThat(RequestContext.of("", ua).userAgent()).isEqualTo("x".repeat(512));
  }
}
