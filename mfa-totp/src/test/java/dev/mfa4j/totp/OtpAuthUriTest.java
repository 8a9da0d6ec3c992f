package dev.mfa4j.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mfa4j.InvalidInputException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OtpAuthUriTest {
  static final TotpSecret SEED =
      TotpSecret.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
  static final String S = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  @Test
  void uri_practiceWithApostropheAmpersandAndUmlaut_isPercentEncoded() {
    OtpAuthUri u = OtpAuthUri.of("Zoë's Clinic & Co", "dr.amy@zoe.example", SEED,
        TotpParameters.DEFAULTS);
    assertThat(u.uri()).isEqualTo("otpauth://totp/Zo%C3%AB%27s%20Clinic%20%26%20Co:"
        + "dr.amy%40zoe.example?secret=" + S + "&issuer=Zo%C3%AB%27s%20Clinic%20%26%20Co"
        + "&algorithm=SHA1&digits=6&period=30");
    // java.net.URI agrees on the structure: no fragment, one query, label decodes back
    URI parsed = URI.create(u.uri());
    assertThat(parsed.getScheme()).isEqualTo("otpauth");
    assertThat(parsed.getHost()).isEqualTo("totp");
    assertThat(parsed.getPath()).isEqualTo("/Zoë's Clinic & Co:dr.amy@zoe.example");
    assertThat(parsed.getRawFragment()).isNull();
    assertThat(parsed.getRawQuery().split("&")).hasSize(5);
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(delimiter = '|', value = {
      "Zoë's Clinic & Co | amy@zoe.example",
      "Sunrise Therapy | Amy Smith",
      "Practice: North | amy:admin",
      "Room #4 | a#b",
      "100% Care+ | x?y=z&w",
      "日本語クリニック | 患者 一",
      "Slash/Clinic | a/b",
      "Tab Less  Spaces | lead space kept inside"})
  void parse_whatWeWrite_roundTrips(String issuer, String account) {
    TotpParameters p = TotpParameters.of(OtpAlgorithm.SHA256, 8, 60);
    TotpSecret secret = TotpSecret.generate(new SecureRandom(), OtpAlgorithm.SHA256);
    OtpAuthUri written = OtpAuthUri.of(issuer, account, secret, p);
    String text = written.uri();
    assertThat(text).doesNotContain(" ").doesNotContain("#").doesNotContain("+");
    assertThat(text.chars().allMatch(c -> c > 0x20 && c < 0x7f)).isTrue();
    OtpAuthUri back = OtpAuthUri.parse(text);
    assertThat(back.issuer()).isEqualTo(issuer);
    assertThat(back.account()).isEqualTo(account);
    assertThat(back.parameters()).isEqualTo(p);
    assertThat(back.secret().reveal()).isEqualTo(secret.reveal());
    assertThat(back.uri()).isEqualTo(text);
  }

  @Test
  void parse_googleStyleWithDefaultsOmitted_usesSha1SixThirty() {
    OtpAuthUri u = OtpAuthUri.parse("otpauth://totp/ACME%20Co:john.doe@email.com?secret=" + S
        + "&issuer=ACME%20Co");
    assertThat(u.issuer()).isEqualTo("ACME Co");
    assertThat(u.account()).isEqualTo("john.doe@email.com");
    assertThat(u.parameters()).isEqualTo(TotpParameters.DEFAULTS);
  }

  @Test
  void parse_encodedColonSeparatorWithIssuerParameter_splitsLabel() {
    OtpAuthUri u = OtpAuthUri.parse("otpauth://totp/ACME%3Ajohn?secret=" + S + "&issuer=ACME");
    assertThat(u.issuer()).isEqualTo("ACME");
    assertThat(u.account()).isEqualTo("john");
  }

  @Test
  void parse_issuerOnlyInLabel_andSpaceAfterColon_accepted() {
    OtpAuthUri u = OtpAuthUri.parse("otpauth://totp/ACME:%20john?secret=" + S.toLowerCase());
    assertThat(u.issuer()).isEqualTo("ACME");
    assertThat(u.account()).isEqualTo("john");
    assertThat(u.secret().reveal()).isEqualTo(SEED.reveal());
  }

  @Test
  void parse_unknownParameter_ignored() {
    OtpAuthUri u = OtpAuthUri.parse("otpauth://totp/A:b?secret=" + S
        + "&issuer=A&image=https%3A%2F%2Fexample.com%2Fa.png");
    assertThat(u.issuer()).isEqualTo("A");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "https://totp/A:b?secret=" + S + "&issuer=A",
      "otpauth://hotp/A:b?secret=" + S + "&issuer=A&counter=0",
      "otpauth://totp?secret=" + S,
      "otpauth://totp/A:b",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A#frag",
      "otpauth://totp/A:b?secret=" + S + "&issuer=B",
      "otpauth://totp/b?secret=" + S,
      "otpauth://totp/A:b?issuer=A",
      "otpauth://totp/A:b?secret=&issuer=A",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&secret=" + S,
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&algorithm=MD5",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&algorithm=SHA-1",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&digits=9",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&digits=5",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&digits=six",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&digits=-6",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&period=45",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&period=99999999999",
      "otpauth://totp/A:b?secret=" + S + "====&issuer=A",
      "otpauth://totp/A:b?secret=" + S + "1&issuer=A",
      "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A",
      "otpauth://totp/A:b:c?secret=" + S + "&issuer=A",
      "otpauth://totp/A b:c?secret=" + S + "&issuer=A",
      "otpauth://totp/A:b%G1?secret=" + S + "&issuer=A",
      "otpauth://totp/A:b%4?secret=" + S + "&issuer=A",
      "otpauth://totp/A:b%C3%28?secret=" + S + "&issuer=A",
      "otpauth://totp/A:%20?secret=" + S + "&issuer=A",
      "otpauth://totp/A:b%0A?secret=" + S + "&issuer=A",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&&",
      "otpauth://totp/A:b?secret=" + S + "&issuer=A&noval",
      "otpauth://totp/A:ü?secret=" + S + "&issuer=A"})
  void parse_malformed_throwsTypedErrorWithoutSecret(String text) {
    assertThatThrownBy(() -> OtpAuthUri.parse(text))
        .isInstanceOf(InvalidOtpAuthUriException.class)
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(S)
            .doesNotContain("JBSWY3DPEHPK3PXP"));
  }

  @Test
  void parse_tooLong_throws() {
    String text = "otpauth://totp/A:" + "b".repeat(5000) + "?secret=" + S;
    assertThatThrownBy(() -> OtpAuthUri.parse(text)).isInstanceOf(InvalidOtpAuthUriException.class);
  }

  @Test
  void generatedUri_secretDecodesToAtLeastTwentyBytes_andDefaults() {
    TotpSecret secret = TotpSecret.generate(new SecureRandom(), OtpAlgorithm.SHA1);
    String text = OtpAuthUri.of("Sunrise", "amy", secret, TotpParameters.DEFAULTS).uri();
    String b32 = text.replaceAll(".*[?&]secret=([A-Z2-7]+).*", "$1");
    assertThat(TotpSecret.fromBase32(b32).length()).isGreaterThanOrEqualTo(20);
    assertThat(text).contains("algorithm=SHA1").contains("digits=6").contains("period=30")
        .startsWith("otpauth://totp/Sunrise:amy?").contains("issuer=Sunrise");
  }

  @Test
  void parsedUri_producesSameCodesAsSource() {
    OtpAuthUri u = OtpAuthUri.parse("otpauth://totp/A:b?secret=" + S
        + "&issuer=A&digits=8&algorithm=SHA1&period=30");
    assertThat(Otp.totp(u.secret().reveal(), Instant.ofEpochSecond(59), u.parameters()))
        .isEqualTo("94287082");
  }

  @Test
  void toString_isRedacted() {
    OtpAuthUri u = OtpAuthUri.of("A", "b", SEED, TotpParameters.DEFAULTS);
    assertThat(u.toString()).doesNotContain(S).doesNotContain("secret=");
  }

  @Test
  void of_blankOrControlNames_throw() {
    assertThatThrownBy(() -> OtpAuthUri.of(" ", "b", SEED, TotpParameters.DEFAULTS))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> OtpAuthUri.of("A", "b\u0000", SEED, TotpParameters.DEFAULTS))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void of_invisibleOrDirectionChangingCharacters_throw() {
    // "amy@evil\u202Eelpmaxe.com" would read as amy@evilmoc.example… in the app's list
    assertThatThrownBy(() -> OtpAuthUri.of("A", "amy@evil\u202Eelpmaxe.com", SEED,
        TotpParameters.DEFAULTS)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invisible or direction-changing");
    assertThatThrownBy(() -> OtpAuthUri.of("Sun\u200Brise", "b", SEED, TotpParameters.DEFAULTS))
        .isInstanceOf(InvalidInputException.class);
  }
}
