package dev.mfa4j.webauthn;

import com.yubico.webauthn.data.ByteArray;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Provider names of well-known passkey AAGUIDs, from the community list
 * passkeydeveloper/passkey-authenticator-aaguids. An all-zero AAGUID (security keys with "none"
 * attestation, some platforms) names nothing.
 */
final class Aaguids {
  private static final Map<String, String> KNOWN = Map.ofEntries(
      Map.entry("fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "iCloud Keychain"),
      Map.entry("dd4ec289-e01d-41c9-bb89-70fa845d4bf2", "iCloud Keychain (managed)"),
      Map.entry("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", "Google Password Manager"),
      Map.entry("adce0002-35bc-c60a-648b-0b25f1f05503", "Chrome on Mac"),
      Map.entry("08987058-cadc-4b81-b6e1-30de50dcbe96", "Windows Hello"),
      Map.entry("9ddd1817-af5a-4672-a2b9-3e3dd95000a9", "Windows Hello"),
      Map.entry("6028b017-b1d4-4c02-b4b3-afcdafc96bb2", "Windows Hello"),
      Map.entry("53414d53-554e-4700-0000-000000000000", "Samsung Pass"),
      Map.entry("bada5566-a7aa-401f-bd96-45619a55120d", "1Password"),
      Map.entry("d548826e-79b4-db40-a3d8-11116f7e8349", "Bitwarden"),
      Map.entry("531126d6-e717-415c-9320-3d9aa6981239", "Dashlane"));

  private Aaguids() {}

  /** The AAGUID in UUID form (lowercase, hyphenated). */
  static String format(ByteArray aaguid) {
    byte[] b = aaguid.getBytes();
    if (b.length != 16) {
      return "00000000-0000-0000-0000-000000000000";
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new UUID(buf.getLong(), buf.getLong()).toString();
  }

  static Optional<String> provider(String aaguid) {
    return Optional.ofNullable(KNOWN.get(aaguid));
  }
}
