package dev.mfa4j.spi;

/**
 * Receives every audit event after it is stored. Called on the caller's thread; must be quick and
 * must not throw (exceptions are logged and ignored).
 */
@FunctionalInterface
public interface AuditListener {
  /** One event. */
  void onEvent(AuditEvent event);
}
