package dev.mfa4j.webauthn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.UUID;

/**
 * A WebAuthn authenticator and browser in plain Java for tests: an EC P-256 key, authenticator data
 * and client data built byte by byte, "none" attestation and hand-written CBOR. It answers the JSON
 * mfa4j gives the browser with the JSON {@code credential.toJSON()} would produce.
 *
 * <p>Layouts (WebAuthn Level 3 §6.1, §6.5.1, §5.8.1):
 *
 * <pre>
 * authData = SHA-256(rpId) | flags | be32(signCount) [| aaguid(16) | be16(len) | credId | COSE key]
 * flags: UP=0x01 UV=0x04 BE=0x08 BS=0x10 AT=0x40
 * COSE ES256 key = {1:2, 3:-7, -1:1, -2:x, -3:y}
 * attestationObject = {"fmt":"none","attStmt":{},"authData":authData}
 * assertion signature = ECDSA-SHA256(authData | SHA-256(clientDataJSON)), DER
 * </pre>
 */
public final class SoftwareAuthenticator {
  /** The AAGUID the fake reports (Google Password Manager's, so display names it). */
  public static final UUID GPM = UUID.fromString("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final KeyPair keys;
  private final byte[] credentialId;
  private final boolean synced;
  private final boolean userVerifying;
  private final UUID aaguid;
  private long counter;
  private byte[] userHandle = new byte[0];

  private SoftwareAuthenticator(boolean synced, boolean userVerifying, UUID aaguid,
      SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      this.keys = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    this.credentialId = new byte[32];
    random.nextBytes(credentialId);
    this.synced = synced;
    this.userVerifying = userVerifying;
    this.aaguid = aaguid;
  }

  /** A synced passkey: backup eligible and backed up, counter always 0, user verifying. */
  public static SoftwareAuthenticator syncedPasskey() {
    return new SoftwareAuthenticator(true, true, GPM, new SecureRandom());
  }

  /** A device-bound security key: counter counts up from 1, user verifying, zero AAGUID. */
  public static SoftwareAuthenticator securityKey() {
    return new SoftwareAuthenticator(false, true, new UUID(0, 0), new SecureRandom());
  }

  /** A device-bound key that cannot verify the user (touch only). */
  public static SoftwareAuthenticator touchOnlyKey() {
    return new SoftwareAuthenticator(false, false, new UUID(0, 0), new SecureRandom());
  }

  /** The credential id, base64url. */
  public String credentialId() {
    return B64.encodeToString(credentialId);
  }

  /** The user handle it stored at registration, base64url. */
  public String userHandle() {
    return B64.encodeToString(userHandle);
  }

  /** Sets the next signature counter (a clone would report an old one). */
  public void setCounter(long value) {
    this.counter = value;
  }

  /** The counter of the last assertion. */
  public long counter() {
    return counter;
  }

  /**
   * Answers {@code navigator.credentials.create} for the given options JSON.
   *
   * @return the {@code credential.toJSON()} of the new credential
   */
  public String register(String creationOptionsJson, String origin) {
    return register(creationOptionsJson, origin, flags());
  }

  /**
   * Answers {@code navigator.credentials.create({mediation: 'conditional'})} as a passkey manager
   * does (conditional create, WebAuthn Level 3): without asking the person, so neither UP nor UV
   * is set. Later assertions set them as usual.
   *
   * @return the {@code credential.toJSON()} of the new credential
   */
  public String registerConditionally(String creationOptionsJson, String origin) {
    return register(creationOptionsJson, origin, flags() & ~(0x01 | 0x04));
  }

  private String register(String creationOptionsJson, String origin, int flags) {
    try {
      JsonNode options = JSON.readTree(creationOptionsJson);
      String rpId = options.path("rp").path("id").asText();
      userHandle = B64D.decode(options.path("user").path("id").asText());
      byte[] clientData = clientData("webauthn.create", options.path("challenge").asText(), origin);
      byte[] cose = coseKey();
      ByteArrayOutputStream attested = new ByteArrayOutputStream();
      ByteBuffer uuid = ByteBuffer.allocate(16);
      uuid.putLong(aaguid.getMostSignificantBits()).putLong(aaguid.getLeastSignificantBits());
      attested.write(uuid.array());
      attested.write(credentialId.length >> 8);
      attested.write(credentialId.length & 0xff);
      attested.write(credentialId);
      attested.write(cose);
      long initial = synced ? 0 : counter;
      byte[] authData = authData(rpId, flags | 0x40, initial, attested.toByteArray());
      ByteArrayOutputStream att = new ByteArrayOutputStream();
      att.write(0xa3);
      text(att, "fmt");
      text(att, "none");
      text(att, "attStmt");
      att.write(0xa0);
      text(att, "authData");
      bytes(att, authData);
      return "{\"type\":\"public-key\",\"id\":\"" + credentialId() + "\",\"rawId\":\""
          + credentialId() + "\",\"authenticatorAttachment\":\"platform\",\"response\":{"
          + "\"clientDataJSON\":\"" + B64.encodeToString(clientData) + "\","
          + "\"attestationObject\":\"" + B64.encodeToString(att.toByteArray()) + "\","
          + "\"authenticatorData\":\"" + B64.encodeToString(authData) + "\","
          + "\"publicKeyAlgorithm\":-7,"
          + "\"transports\":[\"hybrid\",\"internal\"]},"
          + "\"clientExtensionResults\":{\"credProps\":{\"rk\":true}}}";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An assertion for the request JSON, to adjust before {@link Assertion#json()}. */
  public Assertion answer(String requestOptionsJson, String origin) {
    try {
      JsonNode options = JSON.readTree(requestOptionsJson);
      return new Assertion(options.path("challenge").asText(), options.path("rpId").asText(),
          origin);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers {@code navigator.credentials.get} as a well-behaved authenticator. */
  public String assertion(String requestOptionsJson, String origin) {
    return answer(requestOptionsJson, origin).json();
  }

  /** One assertion being made; each setter models a way a response can be wrong. */
  public final class Assertion {
    private String challenge;
    private String rpId;
    private String origin;
    private Long counterOverride;
    private boolean flipSignatureBit;
    private boolean garbleSignature;
    private boolean withUserHandle = true;
    private String type = "webauthn.get";
    private String claimedUserHandle;

    private Assertion(String challenge, String rpId, String origin) {
      this.challenge = challenge;
      this.rpId = rpId;
      this.origin = origin;
    }

    /** Signs for another RP id (the hash in authenticator data). */
    public Assertion rpId(String value) {
      this.rpId = value;
      return this;
    }

    /** Reports another challenge. */
    public Assertion challenge(String value) {
      this.challenge = value;
      return this;
    }

    /** Reports another client data type. */
    public Assertion type(String value) {
      this.type = value;
      return this;
    }

    /** Reports this counter instead of the next one. */
    public Assertion counter(long value) {
      this.counterOverride = value;
      return this;
    }

    /** Flips the lowest bit of the DER signature's last byte (still valid DER). */
    public Assertion flipSignatureBit() {
      this.flipSignatureBit = true;
      return this;
    }

    /** Sends bytes that are not a DER signature at all. */
    public Assertion garbleSignature() {
      this.garbleSignature = true;
      return this;
    }

    /** Leaves {@code userHandle} out (a non-discoverable credential). */
    public Assertion withoutUserHandle() {
      this.withUserHandle = false;
      return this;
    }

    /** Claims another user handle. */
    public Assertion userHandle(String base64Url) {
      this.claimedUserHandle = base64Url;
      return this;
    }

    /** The {@code credential.toJSON()} of the assertion. */
    public String json() {
      try {
        long count;
        if (counterOverride != null) {
          count = counterOverride;
        } else if (synced) {
          count = 0;
        } else {
          count = ++counter;
        }
        byte[] clientData = clientData(type, challenge, origin);
        byte[] authData = authData(rpId, flags(), count, new byte[0]);
        Signature s = Signature.getInstance("SHA256withECDSA", "SunEC");
        s.initSign(keys.getPrivate());
        s.update(authData);
        s.update(MessageDigest.getInstance("SHA-256").digest(clientData));
        byte[] sig = s.sign();
        if (flipSignatureBit) {
          sig[sig.length - 1] ^= 0x01;
        }
        if (garbleSignature) {
          sig = new byte[] {0x30, 0x03, 0x02, 0x01};
        }
        String handle = claimedUserHandle != null ? claimedUserHandle : SoftwareAuthenticator.this.userHandle();
        return "{\"type\":\"public-key\",\"id\":\"" + credentialId() + "\",\"rawId\":\""
            + credentialId() + "\",\"authenticatorAttachment\":\"platform\",\"response\":{"
            + "\"clientDataJSON\":\"" + B64.encodeToString(clientData) + "\","
            + "\"authenticatorData\":\"" + B64.encodeToString(authData) + "\","
            + "\"signature\":\"" + B64.encodeToString(sig) + "\""
            + (withUserHandle ? ",\"userHandle\":\"" + handle + "\"" : "")
            + "},\"clientExtensionResults\":{}}";
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private int flags() {
    int f = 0x01;
    if (userVerifying) {
      f |= 0x04;
    }
    if (synced) {
      f |= 0x08 | 0x10;
    }
    return f;
  }

  private static byte[] authData(String rpId, int flags, long count, byte[] attested)
      throws GeneralSecurityException {
    ByteBuffer b = ByteBuffer.allocate(37 + attested.length);
    b.put(MessageDigest.getInstance("SHA-256").digest(rpId.getBytes(StandardCharsets.UTF_8)));
    b.put((byte) flags);
    b.putInt((int) count);
    b.put(attested);
    return b.array();
  }

  private static byte[] clientData(String type, String challenge, String origin) {
    return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\""
        + origin + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
  }

  private byte[] coseKey() {
    ECPublicKey pub = (ECPublicKey) keys.getPublic();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20});
    out.writeBytes(fixed32(pub.getW().getAffineX()));
    out.writeBytes(new byte[] {0x22, 0x58, 0x20});
    out.writeBytes(fixed32(pub.getW().getAffineY()));
    return out.toByteArray();
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  private static void text(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(0x60 | b.length);
    out.writeBytes(b);
  }

  private static void bytes(ByteArrayOutputStream out, byte[] b) {
    if (b.length < 24) {
      out.write(0x40 | b.length);
    } else if (b.length < 256) {
      out.write(0x58);
      out.write(b.length);
    } else {
      out.write(0x59);
      out.write(b.length >> 8);
      out.write(b.length & 0xff);
    }
    out.writeBytes(b);
  }
}
