/**
 * One-time codes sent by SMS or e-mail, and the sender SPI.
 */
module dev.mfa4j.sms {
  requires transitive dev.mfa4j.core;
  requires org.slf4j;
  requires com.google.i18n.phonenumbers.libphonenumber;
  requires java.net.http;

  exports dev.mfa4j.sms;
}
