package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void h_markupAndQuotes_areEscaped() {
    assertThat(Html.h("<a href=\"x\" title='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void jsonBlock_cannotCloseItsScriptElement() {
    assertThat(Views.jsonBlock("x", "{\"a\":\"</script><script>alert(1)</script>\"}"))
        .doesNotContain("</script><script>")
        .endsWith("</script>");
  }
}
