package dev.mfa4j.examples;

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

  DemoConfig {
    relatedOrigins = Set.copyOf(relatedOrigins);
  }

  /** Without related origins. */
  DemoConfig(int port, String jdbcUrl, Optional<String> jdbcUser, Optional<String> jdbcPassword,
      Optional<String> origin, Optional<String> secretKey, Optional<String> auditLog) {
    this(port, jdbcUrl, jdbcUser, jdbcPassword, origin, secretKey, auditLog, Set.of());
  }

  static final String DEFAULT_JDBC_URL = "jdbc:h2:mem:mfa4j-demo;DB_CLOSE_DELAY=-1";

  /** Without a live audit log. */
  DemoConfig(int port, String jdbcUrl, Optional<String> jdbcUser, Optional<String> jdbcPassword,
      Optional<String> origin, Optional<String> secretKey) {
    this(port, jdbcUrl, jdbcUser, jdbcPassword, origin, secretKey, Optional.empty());
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

  private static Set<String> origins(String commaSeparated) {
    Set<String> out = new java.util.LinkedHashSet<>();
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
    String env = System.getenv("MFA4J_DEMO_" + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
    return env == null || env.isBlank() ? Optional.empty() : Optional.of(env);
  }

  @Override
  public String toString() {
    return "DemoConfig[port=" + port + ", jdbcUrl=" + jdbcUrl.replaceAll("password=[^&;]*", "password=…")
        + ", origin=" + origin.orElse("default") + ", auditLog=" + auditLog.orElse("none") + ", relatedOrigins=" + relatedOrigins + "]";
  }
}
