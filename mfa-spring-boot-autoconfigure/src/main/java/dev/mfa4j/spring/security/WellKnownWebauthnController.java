package dev.mfa4j.spring.security;

import java.util.Objects;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /.well-known/webauthn}: the related origins of WebAuthn Level 3 §5.11 ({@code
 * mfa4j.webauthn.related-origins}), the same bytes on every node, as {@code application/json}.
 * Browsers fetch it without cookies and follow no redirect: a security filter chain of its own
 * lets anyone read it.
 */
@RestController
class WellKnownWebauthnController {
  /** The path browsers fetch. */
  static final String PATH = "/.well-known/webauthn";

  private final String json;

  /** Serves {@code json}, a checked {@code RelatedOrigins.wellKnownJson} document. */
  WellKnownWebauthnController(String json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  /** The document. */
  @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> wellKnown() {
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
        .cacheControl(CacheControl.noCache()).body(json);
  }
}
