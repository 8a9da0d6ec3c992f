package dev.mfa4j.webauthn;

import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.ECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A JCA security provider, installed JVM-wide, that verifies P-256 ECDSA signatures with Bouncy
 * Castle: the opt-in fast ES256 path ({@link PasskeyFactor.Builder#fastEs256Verify(boolean)}).
 * Installing it changes the JVM's provider list ({@code Security.insertProviderAt(…, 1)}) for
 * every library in the process, for as long as the JVM runs; what follows is why that is safe.
 *
 * <p>Yubico verifies with {@code Signature.getInstance(alg)} and offers no provider parameter
 * (2.9.0 {@code Crypto.verifySignature}), so the only way to change its verifier is a JCA provider
 * ahead of the JDK's. Registering Bouncy Castle's whole provider first would change every
 * algorithm for the whole JVM. This provider instead:
 *
 * <ul>
 *   <li>offers one service, {@code Signature.SHA256withECDSA}, for <em>verification</em> only;
 *   <li>claims a key only for P-256 public keys and only on a thread that is inside a passkey check
 *       of a factor that opted in ({@link #scoped}); for any other key, thread or for signing, JCA's
 *       provider selection passes it by and the next provider (SunEC) serves as before;
 *   <li>if JCA bound it before seeing the key ({@code Signature.getProvider()} before {@code
 *       init}), delegates every call to the next provider's implementation;
 *   <li>verifies with Bouncy Castle's lightweight {@link ECDSASigner} on its fixed-curve P-256
 *       arithmetic ({@link CustomNamedCurves}), strict DER decoding, and public-point validation.
 * </ul>
 *
 * <p>It is registered (at position 1) only when a host builds a factor with the option on; nothing
 * is registered by default.
 */
final class BouncyCastleP256Provider {
  static final String PROVIDER_NAME = "mfa4j-p256";
  static final String ALGORITHM = "SHA256withECDSA";

  private static final X9ECParameters X9 = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN = new ECDomainParameters(
      X9.getCurve(), X9.getG(), X9.getN(), X9.getH(), X9.getSeed());
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  /** Verifications done on the fast path (for tests and benchmarks). */
  static final LongAdder FAST_VERIFICATIONS = new LongAdder();

  private BouncyCastleP256Provider() {}

  /**
   * Installs the provider for the whole JVM, at position 1 of {@link Security#getProviders()},
   * once; later calls do nothing. It is never removed.
   */
  static synchronized void installJvmWide() {
    if (Security.getProvider(PROVIDER_NAME) == null) {
      Security.insertProviderAt(new P256Provider(), 1);
    }
  }

  /** Whether {@link #installJvmWide} ran in this JVM. */
  static boolean installedJvmWide() {
    return Security.getProvider(PROVIDER_NAME) != null;
  }

  /** Runs {@code action} with the fast path active on this thread. */
  static <T> T scoped(Supplier<T> action) {
    int[] depth = DEPTH.get();
    depth[0]++;
    try {
      return action.get();
    } finally {
      depth[0]--;
    }
  }

  static boolean active() {
    return DEPTH.get()[0] > 0;
  }

  static boolean isP256(Key key) {
    if (!(key instanceof ECPublicKey)) {
      return false;
    }
    ECParameterSpec p = ((ECPublicKey) key).getParams();
    if (p == null || p.getCofactor() != 1) {
      return false;
    }
    return p.getOrder().equals(X9.getN())
        && p.getCurve().getA().equals(X9.getCurve().getA().toBigInteger())
        && p.getCurve().getB().equals(X9.getCurve().getB().toBigInteger())
        && p.getCurve().getField() instanceof java.security.spec.ECFieldFp
        && ((java.security.spec.ECFieldFp) p.getCurve().getField()).getP()
            .equals(X9.getCurve().getField().getCharacteristic())
        && p.getGenerator().getAffineX().equals(X9.getG().getAffineXCoord().toBigInteger())
        && p.getGenerator().getAffineY().equals(X9.getG().getAffineYCoord().toBigInteger());
  }

  /** Strict DER ECDSA-with-SHA-256 verification on P-256. */
  static boolean verify(ECPublicKeyParameters key, byte[] message, byte[] der)
      throws SignatureException {
    BigInteger[] rs;
    try {
      rs = StandardDSAEncoding.INSTANCE.decode(DOMAIN.getN(), der);
    } catch (java.io.IOException | RuntimeException e) {
      throw new SignatureException("malformed ECDSA signature encoding");
    }
    byte[] hash = sha256(message);
    ECDSASigner signer = new ECDSASigner();
    signer.init(false, key);
    boolean ok = signer.verifySignature(hash, rs[0], rs[1]);
    FAST_VERIFICATIONS.increment();
    return ok;
  }

  static ECPublicKeyParameters publicKey(ECPublicKey key) throws InvalidKeyException {
    try {
      ECPoint point = DOMAIN.getCurve().validatePoint(
          key.getW().getAffineX(), key.getW().getAffineY());
      return new ECPublicKeyParameters(point, DOMAIN);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("not a valid P-256 public point");
    }
  }

  private static byte[] sha256(byte[] message) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** The next provider's SHA256withECDSA, for everything this one does not claim. */
  static Signature fallback() throws InvalidKeyException {
    for (Provider p : Security.getProviders()) {
      if (!PROVIDER_NAME.equals(p.getName()) && p.getService("Signature", ALGORITHM) != null) {
        try {
          return Signature.getInstance(ALGORITHM, p);
        } catch (NoSuchAlgorithmException e) {
          // try the next provider
        }
      }
    }
    throw new InvalidKeyException("no other provider offers " + ALGORITHM);
  }

  /** The provider: one service, claiming P-256 public keys inside {@link #scoped} only. */
  static final class P256Provider extends Provider {
    private static final long serialVersionUID = 1L;

    P256Provider() {
      super(PROVIDER_NAME, "1.0", "mfa4j: Bouncy Castle P-256 ECDSA verification, active only"
          + " inside mfa4j passkey checks that opted in");
      putService(new P256Service(this));
    }
  }

  private static final class P256Service extends Provider.Service {
    P256Service(Provider provider) {
      super(provider, "Signature", ALGORITHM, Spi.class.getName(), List.of(),
          Map.of("SupportedKeyClasses", "java.security.interfaces.ECPublicKey"));
    }

    @Override
    public boolean supportsParameter(Object parameter) {
      return active() && parameter instanceof Key && isP256((Key) parameter);
    }

    @Override
    public Object newInstance(Object constructorParameter) {
      return new Spi();
    }
  }

  /** Verifies on the fast path, or delegates every call to the next provider. */
  static final class Spi extends SignatureSpi {
    private ECPublicKeyParameters key;
    private java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(256);
    private Signature delegate;

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
      if ((delegate == null || key != null) && active() && isP256(publicKey)) {
        key = publicKey((ECPublicKey) publicKey);
        buffer.reset();
        delegate = null;
        return;
      }
      key = null;
      delegate = fallback();
      delegate.initVerify(publicKey);
    }

    @Override
    protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
      key = null;
      delegate = fallback();
      delegate.initSign(privateKey);
    }

    @Override
    protected void engineInitSign(PrivateKey privateKey, SecureRandom random)
        throws InvalidKeyException {
      key = null;
      delegate = fallback();
      delegate.initSign(privateKey, random);
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
      if (delegate != null) {
        delegate.update(b);
      } else {
        buffer.write(b);
      }
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
      if (delegate != null) {
        delegate.update(b, off, len);
      } else {
        buffer.write(b, off, len);
      }
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
      if (delegate == null) {
        throw new SignatureException("not initialized for signing");
      }
      return delegate.sign();
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
      if (delegate != null) {
        return delegate.verify(sigBytes);
      }
      if (key == null) {
        throw new SignatureException("not initialized for verification");
      }
      byte[] message = buffer.toByteArray();
      buffer.reset();
      return verify(key, message, sigBytes);
    }

    @Override
    protected void engineSetParameter(AlgorithmParameterSpec params)
        throws InvalidAlgorithmParameterException {
      if (delegate != null) {
        delegate.setParameter(params);
      } else if (params != null) {
        throw new InvalidAlgorithmParameterException("no parameters for " + ALGORITHM);
      }
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
      throw new InvalidParameterException("no parameters for " + ALGORITHM);
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
      throw new InvalidParameterException("no parameters for " + ALGORITHM);
    }
  }
}
