package dev.mfa4j.spring.boot;

import dev.mfa4j.MfaEngine;

/**
 * Adjusts the auto-configured engine's builder before it is built: an audit signer, a policy
 * cache, a backup-code hasher. Every bean of this type is applied, in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * MfaEngineCustomizer auditSigning(AuditSigner signer) {
 *   return builder -> builder.auditSigner(signer);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface MfaEngineCustomizer {
  /** Adjusts the builder; must not build it. */
  void customize(MfaEngine.Builder builder);
}
