package dev.mfa4j.examples;

import dev.mfa4j.webauthn.RelatedOrigins;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /.well-known/webauthn}: the other sites of the practice that may use this site's
 * passkeys (WebAuthn related origins), for browsers. Only when the demo is configured with some
 * ({@code MFA4J_DEMO_RELATED_ORIGINS}); otherwise 404.
 */
@RestController
final class WellKnownController {
  private final DemoConfig config;

  WellKnownController(DemoConfig config) {
    this.config = config;
  }

  @GetMapping(path = "/.well-known/webauthn")
  ResponseEntity<String> relatedOrigins() {
    if (config.relatedOrigins().isEmpty()) {
      return ResponseEntity.notFound().build();
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
        .body(RelatedOrigins.wellKnownJson(config.relatedOrigins()));
  }
}
