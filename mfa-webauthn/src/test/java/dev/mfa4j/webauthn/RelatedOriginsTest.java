package dev.mfa4j.webauthn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code /.well-known/webauthn} document of WebAuthn Level 3 §5.11 and its checks. */
class RelatedOriginsTest {
  @Test
  void wellKnownJson_origins_sortedDocument() {
    assertThat(RelatedOrigins.wellKnownJson(Set.of("https://sunrise-therapy.example.de",
        "https://app.sunrise.example:8443", "http://localhost:8080", "https://sunrise.example")))
        .isEqualTo("{\"origins\":[\"http://localhost:8080\",\"https://app.sunrise.example:8443\","
            + "\"https://sunrise-therapy.example.de\",\"https://sunrise.example\"]}");
  }

  @Test
  void wellKnownJson_sameBytesWhateverTheSetsOrder() {
    Set<String> forward = new LinkedHashSet<>(
        List.of("https://b.example", "https://a.example", "https://c.example"));
    Set<String> backward = new LinkedHashSet<>(
        List.of("https://c.example", "https://a.example", "https://b.example"));
    assertThat(RelatedOrigins.wellKnownJson(forward))
        .isEqualTo(RelatedOrigins.wellKnownJson(backward))
        .isEqualTo("{\"origins\":[\"https://a.example\",\"https://b.example\","
            + "\"https://c.example\"]}");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://app.example",            // http only on localhost
      "ftp://app.example",
      "app.example",                   // no scheme
      "https://app.example/",          // a path, even "/"
      "https://app.example/login",
      "https://app.example?x=1",
      "https://app.example#top",
      "https://user@app.example",
      "https://App.example",           // browsers write hosts in lower case
      "https://app.example:443",       // browsers leave the default port out
      "http://localhost:80",
      "https://app.example:0",
      "https://app.example:65536",
      "https://app.example:",
      "https://192.0.2.1",             // an IP address has no registrable domain
      "https://[::1]",
      "https://intranet",              // a single label other than localhost
      "https://bad_host.example",
      "https://-bad.example",
      "https://b\u00fccher.example",   // an IDN is written as xn--
      "https://app.example.",
      "",
      "https://"})
  void wellKnownJson_notAnOriginAsBrowsersWriteIt_illegalArgument(String origin) {
    assertThatThrownBy(() -> RelatedOrigins.wellKnownJson(Set.of(origin)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wellKnownJson_punycodeAndPorts_accepted() {
    assertThat(RelatedOrigins.wellKnownJson(Set.of("https://xn--bcher-kva.example:8443")))
        .isEqualTo("{\"origins\":[\"https://xn--bcher-kva.example:8443\"]}");
  }

  @Test
  void wellKnownJson_fiveLabels_accepted() {
    assertThat(RelatedOrigins.wellKnownJson(Set.of("https://one.example", "https://www.one.example",
        "https://two.example", "https://three.example", "https://four.example",
        "https://app.five.example", "http://localhost:8080")))
        .startsWith("{\"origins\":[");
  }

  @Test
  void wellKnownJson_sixLabels_refused() {
    assertThatThrownBy(() -> RelatedOrigins.wellKnownJson(Set.of("https://one.example",
        "https://two.example", "https://three.example", "https://four.example",
        "https://five.example", "https://six.example")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("related origins span 6 labels; browsers honour at most 5");
  }

  @Test
  void wellKnownJson_sameLabelUnderOtherSuffixes_countsOnce() {
    // sunrise.com, sunrise.de and sunrise.fr share the label "sunrise"
    assertThat(RelatedOrigins.wellKnownJson(Set.of("https://sunrise.com", "https://sunrise.de",
        "https://www.sunrise.fr", "https://one.example", "https://two.example",
        "https://three.example", "https://four.example")))
        .contains("https://www.sunrise.fr");
  }

  @Test
  void wellKnownJson_empty_illegalArgument() {
    assertThatThrownBy(() -> RelatedOrigins.wellKnownJson(Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
