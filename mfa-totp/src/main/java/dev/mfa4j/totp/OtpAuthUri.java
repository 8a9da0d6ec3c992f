package dev.mfa4j.totp;

import dev.mfa4j.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An {@code otpauth://totp/} Key URI (Google Authenticator's Key-Uri-Format): label {@code
 * Issuer:account}, parameters {@code secret}, {@code issuer}, {@code algorithm}, {@code digits},
 * {@code period}. Written with every parameter and RFC 3986 percent-encoding of UTF-8 (only
 * unreserved characters stay literal; the one literal {@code :} separates issuer and account).
 *
 * <p>{@link #parse} is strict: it reads back everything {@link #uri()} writes and rejects, with
 * {@link InvalidOtpAuthUriException}, any other scheme or type, a fragment, bad or non-UTF-8
 * percent escapes, a repeated or empty parameter, an issuer parameter that contradicts the label,
 * an unsupported algorithm, digits or period, and a missing or short secret. Unknown parameters
 * (e.g. {@code image}) are ignored, as the format asks.
 *
 * <p>Secret-bearing: {@code toString} is redacted and the URI text comes only from {@link #uri()}.
 */
public final class OtpAuthUri {
  private static final int MAX_URI = 4096;
  private static final int MAX_NAME = 256;

  private final String issuer;
  private final String account;
  private final TotpSecret secret;
  private final TotpParameters parameters;

  private OtpAuthUri(String issuer, String account, TotpSecret secret, TotpParameters parameters) {
    this.issuer = issuer;
    this.account = account;
    this.secret = secret;
    this.parameters = parameters;
  }

  /**
   * A Key URI for an account at an issuer.
   *
   * @param issuer the practice or product shown in the app, e.g. {@code "Zoë's Clinic & Co"}
   * @param account the user's name in the app, e.g. an e-mail address
   * @param secret the shared secret
   * @param parameters algorithm, digits and period
   * @return the URI
   * @throws InvalidInputException if a name is blank, longer than 256 characters or contains
   *     control characters; leading and trailing white space is removed
   */
  public static OtpAuthUri of(String issuer, String account, TotpSecret secret,
      TotpParameters parameters) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(parameters, "parameters");
    return new OtpAuthUri(checkName(issuer, "issuer"), checkName(account, "account"), secret,
        parameters);
  }

  /** Validates a display name (used by the factor for its builder and enrollment parameters). */
  static String checkName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw new InvalidInputException(what + " must be 1 to 256 characters, not blank");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new InvalidInputException(what + " contains a control character");
      }
    }
    // the name an authenticator app lists: no U+202E and the like (Unicode Cf)
    if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.FORMAT)) {
      throw new InvalidInputException(what
          + " must not contain invisible or direction-changing characters");
    }
    return name.strip();
  }

  /** {@return the issuer (practice or product name)} */
  public String issuer() {
    return issuer;
  }

  /** {@return the account name} */
  public String account() {
    return account;
  }

  /** {@return the secret} */
  public TotpSecret secret() {
    return secret;
  }

  /** {@return the code parameters} */
  public TotpParameters parameters() {
    return parameters;
  }

  /** {@return the URI text, which contains the secret: show it only to its owner (as a QR code)} */
  public String uri() {
    StringBuilder b = new StringBuilder(128);
    b.append("otpauth://totp/");
    encode(issuer, b);
    b.append(':');
    encode(account, b);
    b.append("?secret=").append(secret.base32());
    b.append("&issuer=");
    encode(issuer, b);
    b.append("&algorithm=").append(parameters.algorithm().uriName());
    b.append("&digits=").append(parameters.digits());
    b.append("&period=").append(parameters.periodSeconds());
    return b.toString();
  }

  /** Redacted. */
  @Override
  public String toString() {
    return "OtpAuthUri[issuer=" + issuer + ", account=" + account + ", " + parameters
        + ", secret redacted]";
  }

  /**
   * Parses a Key URI strictly (see the class description). {@code algorithm}, {@code digits} and
   * {@code period} default to SHA1, 6 and 30 when absent; {@code issuer} comes from the parameter or
   * the label prefix, and is required.
   *
   * @param text an {@code otpauth://totp/…} URI
   * @return the parsed URI
   * @throws InvalidOtpAuthUriException if malformed
   */
  public static OtpAuthUri parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > MAX_URI) {
      throw new InvalidOtpAuthUriException("URI is longer than " + MAX_URI + " characters");
    }
    String prefix = "otpauth://";
    if (!text.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw new InvalidOtpAuthUriException("scheme must be otpauth://");
    }
    int typeEnd = text.indexOf('/', prefix.length());
    if (typeEnd < 0) {
      throw new InvalidOtpAuthUriException("missing label");
    }
    String type = text.substring(prefix.length(), typeEnd);
    if (!type.equalsIgnoreCase("totp")) {
      throw new InvalidOtpAuthUriException("type must be totp");
    }
    if (text.indexOf('#') >= 0) {
      throw new InvalidOtpAuthUriException("URI has a fragment (an unencoded #)");
    }
    int q = text.indexOf('?', typeEnd);
    if (q < 0) {
      throw new InvalidOtpAuthUriException("missing parameters");
    }
    String rawLabel = text.substring(typeEnd + 1, q);
    checkCharacters(rawLabel, "label");
    if (rawLabel.indexOf('/') >= 0) {
      throw new InvalidOtpAuthUriException("label contains an unencoded /");
    }
    Map<String, String> params = parseQuery(text.substring(q + 1));

    String labelIssuer = null;
    String account;
    int colon = rawLabel.indexOf(':');
    if (colon >= 0) {
      if (rawLabel.indexOf(':', colon + 1) >= 0) {
        throw new InvalidOtpAuthUriException("label has more than one unencoded colon");
      }
      labelIssuer = decode(rawLabel.substring(0, colon), "label issuer");
      account = decode(rawLabel.substring(colon + 1), "label account");
    } else {
      account = decode(rawLabel, "label");
      String p = params.get("issuer");
      if (p != null && account.startsWith(p + ":")) {
        labelIssuer = p;
        account = account.substring(p.length() + 1);
      }
    }
    account = account.replaceFirst("^ +", "");
    String issuer = params.get("issuer");
    if (issuer != null && labelIssuer != null && !issuer.equals(labelIssuer)) {
      throw new InvalidOtpAuthUriException("issuer parameter differs from the label's issuer");
    }
    if (issuer == null) {
      issuer = labelIssuer;
    }
    if (issuer == null) {
      throw new InvalidOtpAuthUriException("missing issuer");
    }

    String secretText = params.get("secret");
    if (secretText == null) {
      throw new InvalidOtpAuthUriException("missing secret");
    }
    TotpSecret secret;
    try {
      String upper = secretText.toUpperCase(java.util.Locale.ROOT);
      if (upper.indexOf('=') >= 0) {
        throw new InvalidOtpAuthUriException("secret must not be padded");
      }
      secret = TotpSecret.of(TotpSecret.decodeStrict(upper));
    } catch (InvalidOtpAuthUriException e) {
      throw e;
    } catch (InvalidInputException | IllegalArgumentException e) {
      throw new InvalidOtpAuthUriException("secret: " + e.getMessage(), e);
    }

    OtpAlgorithm algorithm = OtpAlgorithm.SHA1;
    String alg = params.get("algorithm");
    if (alg != null) {
      algorithm = switch (alg.toUpperCase(java.util.Locale.ROOT)) {
        case "SHA1" -> OtpAlgorithm.SHA1;
        case "SHA256" -> OtpAlgorithm.SHA256;
        case "SHA512" -> OtpAlgorithm.SHA512;
        default -> throw new InvalidOtpAuthUriException("algorithm must be SHA1, SHA256 or SHA512");
      };
    }
    int digits = number(params.get("digits"), 6, "digits");
    int period = number(params.get("period"), 30, "period");
    TotpParameters parameters;
    try {
      parameters = TotpParameters.of(algorithm, digits, period);
    } catch (IllegalArgumentException e) {
      throw new InvalidOtpAuthUriException(e.getMessage(), e);
    }
    try {
      return of(issuer, account, secret, parameters);
    } catch (InvalidInputException e) {
      throw new InvalidOtpAuthUriException(e.getMessage(), e);
    }
  }

  private static int number(String value, int absent, String name) {
    if (value == null) {
      return absent;
    }
    if (value.isEmpty() || value.length() > 3) {
      throw new InvalidOtpAuthUriException(name + " is not a small number");
    }
    int n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidOtpAuthUriException(name + " is not a number");
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static Map<String, String> parseQuery(String query) {
    checkCharacters(query, "query");
    Map<String, String> params = new HashMap<>();
    if (query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new InvalidOtpAuthUriException("parameter without a name or value");
      }
      String name = pair.substring(0, eq).toLowerCase(java.util.Locale.ROOT);
      String value = decode(pair.substring(eq + 1), "parameter " + safeName(name));
      if (value.isEmpty()) {
        throw new InvalidOtpAuthUriException("parameter " + safeName(name) + " is empty");
      }
      if (params.put(name, value) != null) {
        throw new InvalidOtpAuthUriException("parameter " + safeName(name) + " is repeated");
      }
    }
    return params;
  }

  private static String safeName(String name) {
    return name.matches("[a-z]{1,16}") ? name : "(unnamed)";
  }

  /** Only printable ASCII may appear in a URI; everything else must be percent-encoded. */
  private static void checkCharacters(String s, String part) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^'
          || c == '`' || c == '{' || c == '|' || c == '}') {
        throw new InvalidOtpAuthUriException(part + " has a character that must be percent-encoded");
      }
    }
  }

  private static String decode(String s, String part) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new InvalidOtpAuthUriException(part + " has a truncated percent escape");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new InvalidOtpAuthUriException(part + " has an invalid percent escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidOtpAuthUriException(part + " is not UTF-8", e);
    }
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** RFC 3986 percent-encoding of UTF-8: everything but ALPHA, DIGIT, '-', '.', '_', '~'. */
  static void encode(String s, StringBuilder b) {
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
          || c == '.' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
  }
}
