package dev.mfa4j.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MessageTemplatesTest {
  MessageTemplates english = MessageTemplates.english();

  @Test
  void render_smsEnglish_hasPracticeCodeAndMinutes() {
    assertThat(english.render(Channel.SMS, Locale.US, "Sunrise Therapy", "492039",
        Duration.ofMinutes(3))).isEqualTo("492039 is your Sunrise Therapy verification code."
            + " It expires in 3 minutes. Never share it: Sunrise Therapy will not ask you for it.");
  }

  @Test
  void render_voice_readsDigitsOneByOneAndRepeats() {
    String text = english.render(Channel.VOICE, Locale.ENGLISH, "Sunrise", "49203911",
        Duration.ofMinutes(5));
    assertThat(text).doesNotContain("49203911")
        .contains("Your verification code is: 4, 9, 2, 0, 3, 9, 1, 1. Again, your code is: 4, 9,"
            + " 2, 0, 3, 9, 1, 1.");
  }

  @Test
  void render_lifetimeNotWholeMinutes_roundsUp() {
    assertThat(english.render(Channel.SMS, Locale.ENGLISH, "P", "123456", Duration.ofSeconds(90)))
        .contains("2 minutes");
  }

  @Test
  void render_practiceNameWithPlaceholder_notExpanded() {
    assertThat(english.render(Channel.SMS, Locale.ENGLISH, "{code}", "123456",
        Duration.ofMinutes(3))).startsWith("123456 is your {code} verification code.");
  }

  @Test
  void render_localeFallback_exactThenLanguageThenEnglish() {
    MessageTemplates t = MessageTemplates.builder()
        .locale(Locale.FRENCH, "fr {code}", "fr {code} {code}", "fr notice")
        .locale(Locale.CANADA_FRENCH, "fr-CA {code}", "fr-CA {code} {code}", "fr-CA notice")
        .build();
    assertThat(t.render(Channel.SMS, Locale.CANADA_FRENCH, "P", "1", Duration.ofMinutes(1)))
        .isEqualTo("fr-CA 1");
    assertThat(t.render(Channel.SMS, Locale.FRANCE, "P", "1", Duration.ofMinutes(1)))
        .isEqualTo("fr 1");
    assertThat(t.render(Channel.SMS, Locale.GERMAN, "P", "123456", Duration.ofMinutes(1)))
        .startsWith("123456 is your P");
    assertThat(t.riskNotice(Locale.FRANCE)).isEqualTo("fr notice");
    assertThat(t.riskNotice(Locale.JAPANESE)).isEqualTo(MessageTemplates.DEFAULT_RISK_NOTICE);
  }

  @Test
  void builder_patternsWithoutCode_refused() {
    assertThatThrownBy(() -> MessageTemplates.builder().locale(Locale.GERMAN, "kein Code",
        "{code} {code}", "n")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MessageTemplates.builder().locale(Locale.GERMAN, "{code}",
        "nur einmal {code}", "n")).isInstanceOf(IllegalArgumentException.class);
  }
}
