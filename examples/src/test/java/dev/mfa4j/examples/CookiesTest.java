package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CookiesTest {
  @Test
  void session_overHttps_isSecureWithHostPrefix() {
    Cookies c = new Cookies(true);
    assertThat(c.sessionName()).isEqualTo("__Host-session");
    assertThat(c.session("abc")).isEqualTo(
        "__Host-session=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
  }

  @Test
  void session_overHttp_isNotSecure() {
    assertThat(new Cookies(false).session("abc"))
        .isEqualTo("session=abc; Path=/; HttpOnly; SameSite=Lax");
  }

  @Test
  void device_isStrictHttpOnlyAndLivesAsLongAsThePolicySays() {
    assertThat(new Cookies(true).device("tok", Duration.ofDays(30))).isEqualTo(
        "mfa4j_device=tok; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict; Secure");
  }
}
