/**
 * The engine ({@code dev.mfa4j}) and the provider and store SPI ({@code dev.mfa4j.spi}).
 * {@code dev.mfa4j.internal} is exported only to the project's own modules that need it.
 */
module dev.mfa4j.core {
  requires org.slf4j;
  requires org.bouncycastle.provider;

  exports dev.mfa4j;
  exports dev.mfa4j.spi;
  exports dev.mfa4j.internal to
      dev.mfa4j.passwords,
      dev.mfa4j.sms,
      dev.mfa4j.store.jdbc,
      dev.mfa4j.store.tck;
}
