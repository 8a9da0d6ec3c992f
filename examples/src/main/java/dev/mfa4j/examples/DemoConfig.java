package dev.mfa4j.examples;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How the demo runs. Each setting is a system property ({@code -Dmfa4j.demo.port=9090}) or an
 * environment variable ({@code MFA4J_DEMO_PORT=9090}).
 *
 * @param port where to listen on 127.0.0.1 (default 8080; 0 picks a free port)
 * @param jdbcUrl the database (default: an in-memory H2 database); a PostgreSQL URL such as {@code
 *     jdbc:postgresql://localhost/mfa4j} uses PostgreSQL
 * @param jdbcUser the database user, if the URL does not carry it
 * @param jdbcPassword the database password, if the URL does not carry it
 * @param origin the address browsers use (default {@code http://localhost:PORT}); passkeys are
 *     bound to its host name, and an {@code https} origin turns on Secure cookies
 * @param secretKey a base64 AES-256 key for factor secrets at rest; without it a random key is made
 *     at each start, so factors stored in a persistent database cannot be read after a restart
 * @param auditLog a file to which every audit event is appended as a JSON line as it happens
 *     ({@link JsonLinesAuditForwarder}, the shape of a SIEM forwarder); none by default
 * @param relatedOrigins other sites of the practice that may use this site's passkeys
 *     (comma-separated, e.g. {@code https://book.sunrise.example}): accepted in passkey answers
 *     and listed at {@code /.well-known/webauthn} for browsers; none by default
 */
record DemoConfig(int port, String jdbcUrl, Optional<String> jdbcUser,
    Optional<String> jdbcPassword, Optional<String> origin, Optional<String> secretKey,
    Optional<String> auditLog, Set<String> relatedOrigins) {

  static final String DEFAULT_JDBC_URL = "jdbc:h2:mem:mfa4j-demo;DB_CLOSE_DELAY=-1";

  DemoConfig {
    relatedOrigins = Set.copyOf(relatedOrigins);
  }

  /** The defaults, on a port of one's choice and a database of one's own (for tests). */
  static DemoConfig of(int port, String jdbcUrl) {
    return new DemoConfig(port, jdbcUrl, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Set.of());
  }

  static DemoConfig fromEnvironment() {
    return new DemoConfig(
        Integer.parseInt(setting("port").orElse("8080")),
        setting("jdbc.url").orElse(DEFAULT_JDBC_URL),
        setting("jdbc.user"),
        setting("jdbc.password"),
        setting("origin"),
        setting("secret.key"),
        setting("audit.log"),
        setting("related.origins").map(DemoConfig::origins).orElse(Set.of()));
  }

  DemoConfig withPort(int newPort) {
    return new DemoConfig(newPort, jdbcUrl, jdbcUser, jdbcPassword, origin, secretKey, auditLog,
        relatedOrigins);
  }

  DemoConfig withAuditLog(String file) {
    return new DemoConfig(port, jdbcUrl, jdbcUser, jdbcPassword, origin, secretKey,
        Optional.of(file), relatedOrigins);
  }

  DemoConfig withRelatedOrigins(Set<String> origins) {
    return new DemoConfig(port, jdbcUrl, jdbcUser, jdbcPassword, origin, secretKey, auditLog,
        origins);
  }

  DemoConfig withDatabase(String url, String user, String password) {
    return new DemoConfig(port, url, Optional.of(user), Optional.of(password), origin, secretKey,
        auditLog, relatedOrigins);
  }

  /** The address browsers use. */
  String originOrDefault() {
    return origin.orElse("http://localhost:" + port);
  }

  /** Whether browsers reach the demo over https: then its cookies are Secure. */
  boolean secure() {
    return originOrDefault().startsWith("https://");
  }

  private static Set<String> origins(String commaSeparated) {
    Set<String> out = new LinkedHashSet<>();
    for (String o : commaSeparated.split(",")) {
      if (!o.isBlank()) {
        out.add(o.strip());
      }
    }
    return out;
  }

  private static Optional<String> setting(String name) {
    String p = System.getProperty("mfa4j.demo." + name);
    if (p != null && !p.isBlank()) {
      return Optional.of(p);
    }
    String env = System.getenv("MFA4J_DEMO_" + name.toUpperCase(Locale.ROOT).replace('.', '_'));
    return env == null || env.isBlank() ? Optional.empty() : Optional.of(env);
  }

  /** The JDBC URL without a password in it. */
  String safeJdbcUrl() {
    return jdbcUrl.replaceAll("(?i)password=[^&;]*", "password=…");
  }

  @Override
  public String toString() {
    return "DemoConfig[port=" + port + ", jdbcUrl=" + safeJdbcUrl() + ", origin="
        + origin.orElse("default") + ", auditLog=" + auditLog.orElse("none")
        + ", relatedOrigins=" + relatedOrigins + "]";
  }
}
