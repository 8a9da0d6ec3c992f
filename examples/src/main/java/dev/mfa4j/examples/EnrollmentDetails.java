package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import dev.mfa4j.EnrollmentStart;
import dev.mfa4j.sms.PhoneEnrollment;
import dev.mfa4j.totp.TotpEnrollment;
import dev.mfa4j.webauthn.PasskeyEnrollment;

/** What each provider shows while a method is being added, read through its documented type. */
final class EnrollmentDetails {
  private EnrollmentDetails() {}

  static Object read(EnrollmentStart start) {
    return switch (start.kind().id()) {
      case "totp" -> start.details(TotpEnrollment.class);
      case "phone" -> start.details(PhoneEnrollment.class);
      case "passkey" -> start.details(PasskeyEnrollment.class);
      default -> throw new IllegalStateException("no page for kind " + start.kind().id());
    };
  }

  static String render(Request r, Session.Enrolling e) {
    String form = "<form method=\"post\" action=\"/account/enroll/confirm\" id=\"confirm-form\">"
        + Layout.csrf(r);
    Object d = e.details();
    if (d instanceof TotpEnrollment totp) {
      return "<p>Scan this QR code with your authenticator app, or type the"
          + " key.</p><img id=\"qr\" alt=\"QR code for your authenticator app\" width=\"220\""
          + " height=\"220\" src=\"" + h(totp.qrDataUri()) + "\">"
          + "<p>Key: <code id=\"totp-key\">" + h(totp.groupedKey()) + "</code></p>"
          + "<p class=\"muted\">Account " + h(totp.account()) + " at " + h(totp.issuer()) + "</p>"
          + form + "<label>Code from the app <input name=\"code\" id=\"code\""
          + " inputmode=\"numeric\" autocomplete=\"one-time-code\" required></label>"
          + "<button>Confirm</button></form>";
    }
    if (d instanceof PhoneEnrollment phone) {
      return "<p id=\"code-sent\">We sent a code by "
          + (phone.channel().name().equals("VOICE") ? "voice call" : "text message") + " to "
          + h(phone.maskedNumber()) + ". It works until " + h(Views.time(phone.codeExpiresAt()))
          + ".</p><p class=\"warning\">" + h(SecurityController.PHONE_RISK) + "</p>"
          + form + "<label>Code <input name=\"code\" id=\"code\" inputmode=\"numeric\""
          + " autocomplete=\"one-time-code\" required></label><button>Confirm</button></form>";
    }
    if (d instanceof PasskeyEnrollment passkey) {
      return "<p>Your browser will ask you to create a passkey.</p>"
          + Views.jsonBlock("passkey-create", passkey.creationOptionsJson())
          + "<form method=\"post\" action=\"/account/enroll/confirm\" id=\"confirm-form\""
          + " class=\"passkey-create\">" + Layout.csrf(r)
          + "<input type=\"hidden\" name=\"response\" class=\"passkey-response\">"
          + "<button type=\"button\" class=\"passkey-go\" id=\"passkey-create-go\">Create passkey"
          + "</button><p class=\"error passkey-error\" hidden></p></form>";
    }
    throw new IllegalStateException("no page for " + e.kind());
  }
}
