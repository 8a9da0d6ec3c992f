package dev.mfa4j.examples;

import jakarta.servlet.http.HttpServletRequest;
import java.io.Serial;
import java.io.Serializable;
import org.springframework.http.HttpHeaders;

/**
 * The browser a sign-in came from, kept as the details of the Spring Security authentication: its
 * address and User-Agent, for mfa4j's audit log and password throttle.
 *
 * @param ip the client's address as the server sees it (the demo listens on 127.0.0.1 only and is
 *     never behind a proxy, so no forwarded header is trusted)
 * @param userAgent the browser's User-Agent header
 */
record ClientInfo(String ip, String userAgent) implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  static ClientInfo of(HttpServletRequest request) {
    String ip = request.getRemoteAddr() == null ? "" : request.getRemoteAddr();
    String ua = request.getHeader(HttpHeaders.USER_AGENT);
    return new ClientInfo(ip.length() > 64 ? ip.substring(0, 64) : ip,
        ua == null ? "" : ua.length() > 512 ? ua.substring(0, 512) : ua);
  }
}
