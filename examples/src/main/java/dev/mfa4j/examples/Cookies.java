package dev.mfa4j.examples;

import java.time.Duration;

/**
 * The demo's two cookies and their flags. Both are HttpOnly (no script reads them), SameSite
 * (not sent on cross-site subrequests or posts), and Secure when the demo is served over https.
 * Over https the session cookie takes the {@code __Host-} prefix, which also pins it to this host
 * and path {@code /}.
 */
final class Cookies {
  /** The remembered-device token: sent only on same-site requests. */
  static final String DEVICE = "mfa4j_device";

  private final boolean secure;
  private final String sessionName;

  Cookies(boolean secure) {
    this.secure = secure;
    this.sessionName = secure ? "__Host-session" : "session";
  }

  String sessionName() {
    return sessionName;
  }

  /** The session cookie: lives as long as the browser; SameSite=Lax keeps links from mail working. */
  String session(String id) {
    return sessionName + "=" + id + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
  }

  /** The remembered-device cookie: only ever needed on our own sign-in form, so Strict. */
  String device(String token, Duration lifetime) {
    return DEVICE + "=" + token + "; Path=/; Max-Age=" + lifetime.toSeconds()
        + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }
}
