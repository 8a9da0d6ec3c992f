package dev.mfa4j.examples;

import static dev.mfa4j.examples.Html.h;

import dev.mfa4j.FactorKind;
import dev.mfa4j.FactorSummary;
import dev.mfa4j.LoginStep;
import dev.mfa4j.spi.AuditOutcome;
import dev.mfa4j.spi.AuditType;
import dev.mfa4j.webauthn.PasskeyDisplay;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** HTML fragments shared by the controllers. Every outside value is escaped with {@link Html#h}. */
final class Views {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Views() {}

  static String time(Instant t) {
    return TIME.format(t);
  }

  static String time(Optional<Instant> t) {
    return t.map(Views::time).orElse("never");
  }

  /** A method's state as a person reads it (from {@link FactorSummary#state()}). */
  static String stateName(FactorSummary f) {
    return switch (f.state()) {
      case ACTIVE -> "active";
      case DISABLED -> "turned off after " + f.failures() + " failed attempts: remove it and"
          + " add it again";
      case PENDING -> "being set up";
    };
  }

  /** The name a person reads for a kind. */
  static String kindName(FactorKind kind) {
    return switch (kind.id()) {
      case "totp" -> "Authenticator app";
      case "phone" -> "Text message or voice call";
      case "passkey" -> "Passkey";
      case "backup_code" -> "Backup codes";
      default -> kind.id();
    };
  }

  /**
   * What an audit event means, in the words a practice's staff use. Exhaustive on purpose: a new
   * event type fails the build here until it has its words.
   */
  static String eventName(AuditType type) {
    return switch (type) {
      case SIGN_IN_SUCCEEDED -> "Signed in";
      case SIGN_IN_GRACE -> "Signed in without a second step (still to set one up)";
      case CHALLENGE_ISSUED -> "Asked for a further sign-in step";
      case SECOND_FACTOR_FAILED -> "Second step not accepted";
      case CODE_REPLAYED -> "A code was used a second time and refused";
      case LOCKED_OUT -> "Second step locked after too many tries";
      case CODE_SENT -> "Code sent by text message or call";
      case CODE_SEND_FAILED -> "Code could not be sent";
      case ENROLLMENT_STARTED -> "Began setting up a sign-in method";
      case FACTOR_ENROLLED -> "Added a sign-in method";
      case FACTOR_RENAMED -> "Renamed a sign-in method";
      case FACTOR_REMOVED -> "Removed a sign-in method";
      case FACTOR_DISABLED -> "Sign-in method turned off after too many failed tries";
      case CREDENTIAL_CLONE_SUSPECTED -> "A passkey may have been copied";
      case BACKUP_CODES_ISSUED -> "New backup codes made";
      case BACKUP_CODE_USED -> "Used a backup code";
      case DEVICE_REMEMBERED -> "Remembered a device";
      case DEVICE_REVOKED -> "Forgot a remembered device";
      case TWO_FACTOR_DISABLED -> "Turned off two-step verification";
      case POLICY_CHANGED -> "Changed the practice's sign-in rules";
      case PASSWORD_CHANGED -> "Changed the password";
      case PASSWORD_RESET -> "Password reset by an administrator";
      case PASSWORD_REJECTED -> "Password not accepted";
      case ACCESS_DENIED -> "Refused: not allowed";
      case AUDIT_VERIFIED -> "Checked the activity log";
      case AUDIT_EXPORTED -> "Downloaded the activity log";
      case AUDIT_PURGED -> "Removed activity older than the keeping period";
      case STEP_UP_SUCCEEDED -> "Confirmed it was them before a sensitive change";
      case STEP_UP_REQUIRED -> "Asked to confirm it was them before a sensitive change";
    };
  }

  /** How an audit event ended, in plain words. */
  static String outcomeName(AuditOutcome outcome) {
    return switch (outcome) {
      case SUCCESS -> "done";
      case FAILURE -> "failed";
      case DENIED -> "refused";
    };
  }

  /** An audit event's details; those of the activity log's own events in plain words. */
  static String eventFacts(AuditType type, Map<String, String> details) {
    if (type != AuditType.AUDIT_VERIFIED && type != AuditType.AUDIT_EXPORTED
        && type != AuditType.AUDIT_PURGED) {
      return facts(passkeyAndStepUpFacts(details));
    }
    Map<String, String> plain = new TreeMap<>();
    details.forEach((k, v) -> plain.put(switch (k) {
      case "seq" -> "entry";
      case "through" -> "up to entry";
      case "after" -> "after entry";
      case "kind" -> "problem";
      case "result" -> "result";
      case "removed" -> "entries removed";
      case "cutoff" -> "older than";
      default -> k;
    }, switch (v) {
      case "intact" -> "complete and unchanged";
      case "broken" -> "changed";
      default -> "kind".equals(k) ? v.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') : v;
    }));
    return facts(plain);
  }

  /**
   * A method's details as a person reads them: where a passkey is kept, the masked phone number
   * and how the code comes. Technical facts (algorithms, authenticator model ids) stay off the
   * page.
   */
  static String details(FactorSummary f) {
    Map<String, String> d = f.display();
    return switch (f.kind().id()) {
      case "passkey" -> {
        String where = PasskeyDisplay.STORAGE_SYNCED.equals(d.get(PasskeyDisplay.STORAGE))
            ? "Synced passkey" : "This device only";
        yield "<span class=\"fact storage\">" + h(where) + "</span>"
            + (d.containsKey(PasskeyDisplay.PROVIDER)
                ? " <span class=\"fact\">in " + h(d.get(PasskeyDisplay.PROVIDER)) + "</span>" : "");
      }
      case "phone" -> "<span class=\"fact\">" + h(d.getOrDefault("destination", "")) + "</span>"
          + " <span class=\"fact\">" + ("VOICE".equals(d.get("channel")) ? "voice call"
              : "text message") + "</span>";
      case "totp" -> "<span class=\"fact\">" + h(d.getOrDefault("digits", "6"))
          + "-digit codes</span>";
      default -> "";
    };
  }

  /** mfa4j's advice for the security page, as a friendly suggestion. */
  static String adviceText(dev.mfa4j.AccountSecurity.Advice advice) {
    return switch (advice) {
      case ADD_BACKUP_FOR_DEVICE_BOUND_PASSKEY -> "Your only way to sign in is a passkey kept on"
          + " one device. If you lose that device you could be locked out: get new backup"
          + " codes, or add a synced passkey (one your phone or password manager keeps for you).";
      case ADD_UNRESTRICTED_FACTOR -> "You only get codes by text message or call. An"
          + " authenticator app or a passkey is safer and works without phone signal: add one"
          + " below.";
    };
  }

  /**
   * The facts of passkey sign-ins and step-ups in staff words: whether the passkey checked it
   * was the person, a sign-in with a passkey first, what a confirmation was for and asked.
   */
  private static Map<String, String> passkeyAndStepUpFacts(Map<String, String> details) {
    Map<String, String> plain = new TreeMap<>();
    details.forEach((k, v) -> {
      switch (k) {
        case "userVerified" -> plain.put("checked it was the person", "true".equals(v) ? "yes" : "no");
        case "via" -> plain.put("how", "passwordless".equals(v) ? "passkey first" : v);
        case "action" -> plain.put("for", v.replace('_', ' '));
        case "needs" -> plain.put("asked for", "second_factor".equals(v) ? "a second step"
            : v.replace('_', ' '));
        default -> plain.put(k, v);
      }
    });
    return plain;
  }

  /** Display facts of a factor (masked number, channel, synced), never secret. */
  static String facts(Map<String, String> display) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(display).forEach((k, v) -> sb.append("<span class=\"fact\">").append(h(k))
        .append(": ").append(h(v)).append("</span> "));
    return sb.toString();
  }

  /**
   * A JSON document inside a {@code <script type="application/json">} data block: never executed,
   * so the strict Content-Security-Policy allows it; {@code <} is escaped so the text cannot close
   * the element.
   */
  static String jsonBlock(String id, String json) {
    return "<script type=\"application/json\" id=\"" + h(id) + "\">"
        + json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        + "</script>";
  }

  static String backupCodes(List<String> codes) {
    StringBuilder sb = new StringBuilder("<section class=\"codes\" id=\"backup-codes\">"
        + "<h2>Your backup codes</h2><p>Each code works once, if you cannot use your other methods."
        + " Save them now: they are shown only this once.</p><ol>");
    for (String c : codes) {
      sb.append("<li><code class=\"backup-code\">").append(h(c)).append("</code></li>");
    }
    return sb.append("</ol></section>").toString();
  }

  private static String remember(boolean offered) {
    return offered ? "<label class=\"check\"><input type=\"checkbox\" name=\"remember\""
        + " class=\"remember\"> Remember this device</label>" : "";
  }

  /** The second step: one section per method the user has, plus backup codes. */
  static String secondStep(Request r, LoginStep.SecondFactorRequired s,
      Optional<Session.Prompted> prompted, boolean rememberOffered) {
    return secondStep(r, s, prompted, rememberOffered, "/signin",
        "<p>Your password was right. Now confirm it is you with one of your methods.</p>");
  }

  /**
   * The second step's methods, posting to {@code base + "/send"} and {@code base + "/verify"}:
   * the sign-in's, or the same methods again to confirm it's you before a sensitive change.
   */
  static String secondStep(Request r, LoginStep.SecondFactorRequired s,
      Optional<Session.Prompted> prompted, boolean rememberOffered, String base, String intro) {
    StringBuilder sb = new StringBuilder(intro);
    // One passkey section for all of them: mfa4j's passkey request lists every passkey the user
    // has, so the browser offers whichever is at hand.
    List<String> passkeys = s.methods().stream().filter(m -> m.kind().id().equals("passkey"))
        .map(FactorSummary::label).toList();
    boolean passkeyShown = false;
    for (FactorSummary m : s.methods()) {
      String id = m.id().value();
      if (m.kind().id().equals("passkey")) {
        if (passkeyShown) {
          continue;
        }
        passkeyShown = true;
      }
      Optional<Session.Prompted> mine = prompted.filter(p -> p.factor().equals(id));
      String label = m.kind().id().equals("passkey") ? String.join(", ", passkeys) : m.label();
      sb.append("<section class=\"method\" data-kind=\"").append(h(m.kind().id()))
          .append("\"><h2>").append(h(kindName(m.kind()))).append(": ").append(h(label))
          .append("</h2>");
      if (m.display().containsKey("destination")) {
        sb.append("<p class=\"muted\">").append(h(m.display().get("destination"))).append("</p>");
      }
      switch (m.kind().id()) {
        case "phone" -> {
          sb.append(sendForm(r, base, id, "SMS", "Text me a code"))
              .append(sendForm(r, base, id, "VOICE", "Call me with a code"));
          mine.ifPresent(p -> sb.append(sent(p.prompt().display())));
          sb.append(codeForm(r, base, id, "phone", rememberOffered));
        }
        case "passkey" -> {
          if (mine.isPresent() && mine.get().prompt().clientJson().isPresent()) {
            sb.append(jsonBlock("passkey-request", mine.get().prompt().clientJson().get()))
                .append("<form method=\"post\" action=\"").append(base)
                .append("/verify\" class=\"verify passkey-get\" data-kind=\"passkey\">")
                .append(Layout.csrf(r))
                .append("<input type=\"hidden\" name=\"factor\" value=\"").append(h(id))
                .append("\"><input type=\"hidden\" name=\"response\" class=\"passkey-response\">")
                .append(remember(rememberOffered))
                .append("<button type=\"button\" class=\"passkey-go\">Use your passkey</button>"
                    + "<p class=\"error passkey-error\" hidden></p></form>");
          } else {
            sb.append(sendForm(r, base, id, "", "Use a passkey"));
          }
        }
        default -> sb.append(codeForm(r, base, id, m.kind().id(), rememberOffered));
      }
      sb.append("</section>");
    }
    if (s.backupCodesRemaining() > 0) {
      sb.append("<section class=\"method\" data-kind=\"backup_code\"><h2>Backup code</h2>"
              + "<form method=\"post\" action=\"").append(base).append("/verify\" class=\"verify\""
              + " data-kind=\"backup_code\">").append(Layout.csrf(r))
          .append("<label>Backup code <input name=\"backup_code\" autocomplete=\"off\""
              + " autocapitalize=\"characters\" spellcheck=\"false\" required></label>")
          .append(remember(rememberOffered))
          .append("<button>Verify</button></form><p class=\"muted\">")
          .append(s.backupCodesRemaining()).append(" unused backup codes left.</p></section>");
    }
    sb.append("<p class=\"muted\">This step expires at ").append(time(s.expiresAt()))
        .append(".</p>");
    return sb.toString();
  }

  /** "We sent a code by text message to +1 ••••••••00." from the prompt's display facts. */
  private static String sent(Map<String, String> display) {
    String how = "VOICE".equals(display.get("channel")) ? "called" : "sent a text message to";
    return "<p class=\"sent\" id=\"code-sent\">We " + how + " "
        + h(display.getOrDefault("destination", "your phone")) + " with a code.</p>";
  }

  private static String sendForm(Request r, String base, String factor, String channel,
      String label) {
    return "<form method=\"post\" action=\"" + base + "/send\" class=\"inline send\" data-channel=\""
        + h(channel) + "\">" + Layout.csrf(r)
        + "<input type=\"hidden\" name=\"factor\" value=\"" + h(factor) + "\">"
        + (channel.isEmpty() ? "" : "<input type=\"hidden\" name=\"channel\" value=\""
            + h(channel) + "\">")
        + "<button>" + h(label) + "</button></form> ";
  }

  private static String codeForm(Request r, String base, String factor, String kind,
      boolean remember) {
    return "<form method=\"post\" action=\"" + base + "/verify\" class=\"verify\" data-kind=\""
        + h(kind) + "\">" + Layout.csrf(r)
        + "<input type=\"hidden\" name=\"factor\" value=\"" + h(factor) + "\">"
        + "<label>Code <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\""
        + " pattern=\"[0-9 ]*\" maxlength=\"12\" required></label>" + remember(remember)
        + "<button>Verify</button></form>";
  }
}
