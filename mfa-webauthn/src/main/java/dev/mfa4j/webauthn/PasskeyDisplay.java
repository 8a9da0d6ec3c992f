package dev.mfa4j.webauthn;

/**
 * The keys of {@link PasskeyFactor#display} (shown in {@code FactorSummary.display()}). None is
 * secret. Names follow SimpleWebAuthn's ({@code deviceType}, {@code backedUp}).
 */
public final class PasskeyDisplay {
  /** {@code "true"} for a synced (multi-device, backup-eligible) passkey, else {@code "false"}. */
  public static final String SYNCED = "synced";
  /**
   * Where the passkey lives, for people: {@link #STORAGE_SYNCED} or {@link #STORAGE_DEVICE}. Show
   * it as "Synced passkey" or "This device only".
   */
  public static final String STORAGE = "storage";
  /**
   * {@link #STORAGE}: backup eligible, so the passkey manager syncs it to the person's other devices
   * (shown as "Synced passkey").
   */
  public static final String STORAGE_SYNCED = "synced";
  /**
   * {@link #STORAGE}: device-bound, it never leaves the authenticator, such as a security key
   * (shown as "This device only").
   */
  public static final String STORAGE_DEVICE = "device";
  /** {@code "multiDevice"} (synced passkey) or {@code "singleDevice"} (device-bound key). */
  public static final String DEVICE_TYPE = "deviceType";
  /** {@code "true"} if the authenticator last said the credential is backed up. */
  public static final String BACKED_UP = "backedUp";
  /** When the passkey was registered, ISO-8601 UTC. */
  public static final String CREATED = "created";
  /** When it last signed in, ISO-8601 UTC; absent if never. */
  public static final String LAST_USED = "lastUsed";
  /** How the browser can reach it, comma-separated ({@code internal}, {@code usb}, {@code hybrid}…). */
  public static final String TRANSPORTS = "transports";
  /** The authenticator model's AAGUID (all zeros when the authenticator does not tell). */
  public static final String AAGUID = "aaguid";
  /** A known provider name for the AAGUID ("iCloud Keychain", "Google Password Manager"…). */
  public static final String PROVIDER = "provider";

  private PasskeyDisplay() {}
}
