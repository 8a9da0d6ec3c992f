/**
 * SMS and voice-call one-time codes: the delivery SPI an integrator implements ({@link
 * dev.mfa4j.sms.MessageSender}), the factor provider built on it ({@link
 * dev.mfa4j.sms.OneTimeCodeFactor}), a reference adapter for a Twilio-style REST API ({@link
 * dev.mfa4j.sms.TwilioSender}) and an in-memory outbox for demos and tests ({@link
 * dev.mfa4j.sms.OutboxSender}).
 *
 * <p>Public API: {@link dev.mfa4j.sms.Channel}, {@link dev.mfa4j.sms.OutboundMessage}, {@link
 * dev.mfa4j.sms.SendResult}, {@link dev.mfa4j.sms.MessageSender}, {@link
 * dev.mfa4j.sms.DeliveryException}, {@link dev.mfa4j.sms.OneTimeCodeFactor}, {@link
 * dev.mfa4j.sms.SendLimit}, {@link dev.mfa4j.sms.MessageTemplates}, {@link
 * dev.mfa4j.sms.PhoneEnrollment}, {@link dev.mfa4j.sms.TwilioSender}, {@link
 * dev.mfa4j.sms.OutboxSender}. Everything else is package-private.
 *
 * <p>Every parameter is non-null and every method returns non-null unless documented otherwise.
 */
package dev.mfa4j.sms;
