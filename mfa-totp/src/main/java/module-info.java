/**
 * TOTP (RFC 6238) authenticator-app factor.
 */
module dev.mfa4j.totp {
  requires transitive dev.mfa4j.core;
  requires org.slf4j;
  requires org.apache.commons.codec;
  requires com.google.zxing;
  requires java.desktop;

  exports dev.mfa4j.totp;
}
