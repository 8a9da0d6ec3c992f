/**
 * Passkey (WebAuthn) factor on Yubico's java-webauthn-server.
 */
module dev.mfa4j.webauthn {
  requires transitive dev.mfa4j.core;
  requires com.yubico.webauthn;
  requires com.fasterxml.jackson.annotation;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires org.bouncycastle.provider;
  requires org.slf4j;

  exports dev.mfa4j.webauthn;
}
