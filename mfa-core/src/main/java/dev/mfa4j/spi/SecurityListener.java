package dev.mfa4j.spi;

/**
 * Receives security notices so the host can tell the user out of band. Called on the caller's
 * thread after the change is stored; must be quick (queue the e-mail) and must not throw
 * (exceptions are logged and ignored).
 */
@FunctionalInterface
public interface SecurityListener {
  /** One notice. */
  void onNotification(SecurityNotification notification);
}
