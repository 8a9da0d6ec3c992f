package dev.mfa4j.examples;

import dev.mfa4j.AccountSecurity;
import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.Reauthentication;
import dev.mfa4j.TwoFactorRequirement;
import dev.mfa4j.spi.AuditEvent;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.webauthn.PasskeyDisplay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What mfa4j's values mean in the words of a practice's staff and clients: no enum names, no
 * standards' jargon (RESTRICTED, AAL, user verification), no algorithms or authenticator model
 * ids. Switches over mfa4j's enums are exhaustive on purpose: a new value fails the build here
 * until it has its words.
 */
final class Words {
  private Words() {}

  /** The name a person reads for a kind of sign-in method. */
  static String kindName(FactorKind kind) {
    return switch (kind.id()) {
      case "totp" -> "Authenticator app";
      case "phone" -> "Text message or voice call";
      case "passkey" -> "Passkey";
      case "backup_code" -> "Backup codes";
      default -> kind.id().replace('_', ' ');
    };
  }

  /** A method's details: where a passkey is kept, a masked number and how codes come. */
  static String details(FactorSummary f) {
    Map<String, String> d = f.display();
    return switch (f.kind().id()) {
      case "passkey" -> storage(d) + Optional.ofNullable(d.get(PasskeyDisplay.PROVIDER))
          .map(p -> ", in " + p).orElse("");
      case "phone" -> d.getOrDefault("destination", "") + ", by "
          + ("VOICE".equals(d.get("channel")) ? "voice call" : "text message");
      case "totp" -> "6-digit codes from the app";
      default -> "";
    };
  }

  /** "Synced passkey" (a phone's or password manager's) or "This device only". */
  static String storage(Map<String, String> display) {
    return PasskeyDisplay.STORAGE_SYNCED.equals(display.get(PasskeyDisplay.STORAGE))
        ? "Synced passkey" : "This device only";
  }

  /** A method's state as a person reads it. */
  static String stateName(FactorSummary f) {
    return switch (f.state()) {
      case ACTIVE -> "working";
      case DISABLED -> "turned off after " + f.failures() + " failed attempts: remove it and"
          + " add it again";
      case PENDING -> "being set up";
    };
  }

  /** mfa4j's advice for the security page, as a friendly suggestion. */
  static String advice(AccountSecurity.Advice advice) {
    return switch (advice) {
      case ADD_BACKUP_FOR_DEVICE_BOUND_PASSKEY -> "Your only way to sign in is a passkey kept on"
          + " one device. If you lose that device you could be locked out: get new backup codes,"
          + " or add a synced passkey (one your phone or password manager keeps for you).";
      case ADD_UNRESTRICTED_FACTOR -> "You only get codes by text message or call. An"
          + " authenticator app or a passkey is safer and works without phone signal: add one"
          + " below.";
    };
  }

  /** What a confirmed text or voice method means for the user (instead of mfa4j's notice). */
  static final String PHONE_NOTICE = "Codes by text message or call can be caught by someone who"
      + " takes over your phone number. Add an authenticator app or a passkey as well.";

  /** Who must use two-step verification. */
  static String requirement(TwoFactorRequirement t) {
    return switch (t) {
      case NONE -> "Nobody (each user may turn it on)";
      case ALL_STAFF -> "All staff";
      case ALL_STAFF_AND_CLIENTS -> "All staff and clients";
    };
  }

  /** What sensitive changes ask for. */
  static String reauthentication(Reauthentication rule) {
    return switch (rule) {
      case PASSWORD -> "the password";
      case STEP_UP -> "a second step (a code or a passkey)";
      case PASSWORD_AND_STEP_UP -> "both the password and a second step";
    };
  }

  /**
   * The practice policy's warnings in a manager's words. mfa4j writes them for compliance
   * officers (with references to NIST SP 800-63B-4); the page says what they mean for the
   * practice and what to do. A warning the demo does not know yet keeps mfa4j's words, without
   * the references.
   */
  static List<String> policyWarnings(List<String> warnings) {
    List<String> out = new ArrayList<>();
    for (String w : warnings) {
      String plain;
      if (w.startsWith("Staff are not offered a phishing-resistant method")) {
        plain = "Staff cannot use passkeys, the one method that cannot be phished. Tick"
            + " \u201cPasskey\u201d under \u201cStaff may use\u201d.";
      } else if (w.startsWith("Clients are not offered a phishing-resistant method")) {
        plain = "Clients cannot use passkeys, the one method that cannot be phished. Tick"
            + " \u201cPasskey\u201d under \u201cClients may use\u201d.";
      } else if (w.startsWith("A remembered device skips")) {
        plain = "A remembered browser skips the second step for more than a day. Security guidance"
            + " allows at most 24 hours: choose \u201cnever\u201d unless your"
            + " practice has weighed the risk.";
      } else if (w.startsWith("Text-message and voice codes are a RESTRICTED")) {
        plain = "People may rely on codes by text message or call alone. Those can be caught by"
            + " someone who takes over a phone number: encourage an authenticator app or a"
            + " passkey as well.";
      } else if (w.startsWith("The minimum password length of")) {
        plain = "Short passwords are allowed for people with two-step verification; people"
            + " without it still need at least 15 characters.";
      } else {
        plain = w.replaceAll("\\s*\\(?NIST SP 800-63B-4[^;.)]*\\)?", "")
            .replace("RESTRICTED", "less safe").replace(" ;", ";");
      }
      out.add(plain);
    }
    return out;
  }

  /**
   * What an audit event means, in the words of a practice's staff: "Signed in with authenticator
   * app". The browser and address are shown beside it.
   */
  static String event(AuditEvent e) {
    Map<String, String> d = e.details();
    String method = d.getOrDefault("method", "");
    return switch (e.type()) {
      case SIGN_IN_SUCCEEDED -> switch (d.getOrDefault("via", "")) {
        case "remembered_device" -> "Signed in with password on a remembered device";
        case "passwordless" -> "Signed in with a passkey";
        case "passkey_and_password" -> "Signed in with a passkey and password";
        default -> "none".equals(method) || method.isEmpty() ? "Signed in with password"
            : "Signed in with " + with(method);
      };
      case SIGN_IN_GRACE -> "Signed in without a second step (still to set one up)";
      case CHALLENGE_ISSUED -> "Asked for a further sign-in step";
      case SECOND_FACTOR_FAILED -> "passwordless".equals(d.get("via"))
          ? "A passkey sign-in was not accepted" : "A sign-in code was not accepted";
      case CODE_REPLAYED -> "A code was used a second time and refused";
      case LOCKED_OUT -> "Sign-in locked after too many failed attempts";
      case CODE_SENT -> "VOICE".equals(d.get("channel")) ? "Code read out by voice call"
          : "Code sent by text message";
      case CODE_SEND_FAILED -> "A code could not be sent";
      case ENROLLMENT_STARTED -> "Began setting up " + with(d.getOrDefault("kind", method));
      case FACTOR_ENROLLED -> "Added " + with(d.getOrDefault("kind", method));
      case FACTOR_RENAMED -> "Renamed a sign-in method";
      case FACTOR_REMOVED -> "Removed " + with(d.getOrDefault("kind", method));
      case FACTOR_DISABLED -> "A sign-in method was turned off after too many failed attempts";
      case CREDENTIAL_CLONE_SUSPECTED -> "A passkey may have been copied";
      case BACKUP_CODES_ISSUED -> "New backup codes made";
      case BACKUP_CODE_USED -> "Used a backup code";
      case DEVICE_REMEMBERED -> "Remembered this browser";
      case DEVICE_REVOKED -> "Forgot a remembered browser";
      case TWO_FACTOR_DISABLED -> e.actor().isPresent() && !e.actor().equals(e.subject())
          ? "Two-step verification turned off by an administrator"
          : "Turned off two-step verification";
      case POLICY_CHANGED -> "Changed the practice's sign-in rules";
      case PASSWORD_CHANGED -> "temporary_password".equals(d.get("via"))
          ? "Chose a new password after a reset" : "Changed the password";
      case PASSWORD_RESET -> "Password reset by an administrator";
      case PASSWORD_REJECTED -> "A new password was not accepted";
      case ACCESS_DENIED -> "Refused: not allowed";
      case AUDIT_VERIFIED -> "Checked the activity log";
      case AUDIT_EXPORTED -> "Downloaded the activity log";
      case AUDIT_PURGED -> "Removed activity older than the keeping period";
      case STEP_UP_SUCCEEDED -> "Confirmed it was them with " + with(method);
      case STEP_UP_REQUIRED -> "Asked to confirm it was them before a sensitive change";
    };
  }

  /** "authenticator app", "a passkey", … after "with" or "added". */
  private static String with(String kind) {
    return switch (kind) {
      case "totp" -> "authenticator app";
      case "phone" -> "a code by text or call";
      case "passkey" -> "a passkey";
      case "backup_code" -> "a backup code";
      case "" -> "a sign-in method";
      default -> kind.replace('_', ' ');
    };
  }

  /**
   * mfa4j's reason for refusing a change under the practice's policy, without its references to
   * standards; its messages name the method or rule that stands in the way.
   */
  static String policyRefusal(RuntimeException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    m = m.replaceAll("\\s*\\(?NIST SP 800-63B-4[^;.)]*\\)?", "").strip();
    return m.isEmpty() ? "" : Character.toUpperCase(m.charAt(0)) + m.substring(1)
        + (m.endsWith(".") ? "" : ".");
  }

  /** How an audit event ended, in plain words. */
  static String outcome(AuditOutcome outcome) {
    return switch (outcome) {
      case SUCCESS -> "done";
      case FAILURE -> "failed";
      case DENIED -> "refused";
    };
  }

  /** "45 seconds", "3 minutes", "a moment": how long until {@code until}. */
  static String wait(Instant now, Optional<Instant> until) {
    if (until.isEmpty()) {
      return "a few minutes";
    }
    long seconds = Math.max(1, Duration.between(now, until.get()).toSeconds());
    if (seconds < 90) {
      return seconds + (seconds == 1 ? " second" : " seconds");
    }
    long minutes = (seconds + 59) / 60;
    return minutes < 90 ? minutes + " minutes" : ((minutes + 59) / 60) + " hours";
  }

  /** "admin", "staff", "client". */
  static String role(DemoUser.Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }
}
