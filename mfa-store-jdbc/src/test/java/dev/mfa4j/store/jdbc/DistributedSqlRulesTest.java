package dev.mfa4j.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the PostgreSQL schema and statements within what CockroachDB and YugabyteDB run the same
 * way (see {@code docs/distributed-sql.md}): a static scan of the PostgreSQL migrations and of
 * every string literal in the store's Java sources fails on a trigger, an advisory lock, a
 * conflict target other than a plain column list (an expression, a partial-index predicate, a
 * named constraint), a sequence or serial column, or an explicit table lock. The scanner is
 * checked against known-bad samples, so that it cannot pass by seeing nothing.
 */
class DistributedSqlRulesTest {
  private static final Path MIGRATIONS = Path.of("src/main/resources/db/mfa4j/postgresql");
  private static final Path SOURCES = Path.of("src/main/java/dev/mfa4j/store/jdbc");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

  /** What must not appear, and why. */
  private static final Map<String, Pattern> RULES = new LinkedHashMap<>();

  static {
    int ci = Pattern.CASE_INSENSITIVE;
    RULES.put("trigger (CockroachDB has none before v24.3, and then only some)",
        Pattern.compile("\\bCREATE\\s+(OR\\s+REPLACE\\s+)?(CONSTRAINT\\s+)?TRIGGER\\b", ci));
    RULES.put("advisory lock (CockroachDB has none; a lock must not carry correctness)",
        Pattern.compile("\\bpg_(try_)?advisory", ci));
    RULES.put("conflict target that is not a plain column list (expression, partial-index"
        + " predicate or named constraint: treated differently or refused)",
        Pattern.compile("\\bON\\s+CONFLICT\\s+(?!DO\\b)(?!\\(\\s*\\w+(\\s*,\\s*\\w+)*\\s*\\)"
            + "\\s*DO\\b)", ci));
    RULES.put("sequence or serial column (a hot spot on distributed SQL; ids are random)",
        Pattern.compile("\\b(CREATE\\s+SEQUENCE|BIGSERIAL|SMALLSERIAL|SERIAL|nextval\\s*\\("
            + "|GENERATED\\s+(ALWAYS|BY\\s+DEFAULT)\\s+AS\\s+IDENTITY)", ci));
    RULES.put("explicit table lock", Pattern.compile("\\bLOCK\\s+TABLE\\b", ci));
  }

  /** The rules broken by {@code sql}, by name. */
  private static List<String> broken(String sql) {
    List<String> out = new ArrayList<>();
    RULES.forEach((name, p) -> {
      Matcher m = p.matcher(sql);
      if (m.find()) {
        int from = Math.max(0, m.start() - 40);
        out.add(name + ": …" + sql.substring(from, Math.min(sql.length(), m.end() + 40))
            .replaceAll("\\s+", " ") + "…");
      }
    });
    return out;
  }

  /** The string literals of a Java source, joined in order (so that split SQL reads whole). */
  private static String literals(String java) {
    StringBuilder sb = new StringBuilder();
    Matcher m = STRING.matcher(java);
    while (m.find()) {
      sb.append(m.group(1));
    }
    return sb.toString();
  }

  @Test
  void postgresqlMigrations_useNothingDistributedSqlTreatsDifferently() throws IOException {
    List<Path> scripts;
    try (Stream<Path> s = Files.list(MIGRATIONS)) {
      scripts = s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
    assertThat(scripts).as("the PostgreSQL migrations").hasSizeGreaterThanOrEqualTo(2);
    StringBuilder all = new StringBuilder();
    for (Path script : scripts) {
      String sql = Files.readString(script);
      all.append(sql);
      assertThat(sql).as(script.toString()).isNotBlank();
      assertThat(broken(sql)).as(script + " (see docs/distributed-sql.md)").isEmpty();
    }
    assertThat(all.toString()).contains("CREATE TABLE", "CREATE UNIQUE INDEX", "REFERENCES");
  }

  @Test
  void storeStatements_useNothingDistributedSqlTreatsDifferently() throws IOException {
    List<Path> sources;
    try (Stream<Path> s = Files.list(SOURCES)) {
      sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    StringBuilder all = new StringBuilder();
    for (Path source : sources) {
      String sql = literals(Files.readString(source));
      all.append(sql).append('\n');
      assertThat(broken(sql)).as(source + " (see docs/distributed-sql.md)").isEmpty();
    }
    // the scan saw the statements it is about
    assertThat(all.toString()).contains("ON CONFLICT DO NOTHING", " FOR UPDATE", "UPDATE ",
        "INSERT INTO ");
  }

  @Test
  void theScanner_catchesWhatItForbids() {
    assertThat(broken("CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION f()"))
        .hasSize(1);
    assertThat(broken("create or replace constraint trigger t after update on x")).hasSize(1);
    assertThat(broken("SELECT pg_advisory_xact_lock(42)")).hasSize(1);
    assertThat(broken("SELECT pg_try_advisory_lock(1)")).hasSize(1);
    assertThat(broken("INSERT INTO x VALUES (?) ON CONFLICT (lower(email)) DO NOTHING"))
        .hasSize(1);
    assertThat(broken("INSERT INTO x VALUES (?) ON CONFLICT (a) WHERE b IS NULL DO NOTHING"))
        .hasSize(1);
    assertThat(broken("INSERT INTO x VALUES (?) ON CONFLICT ON CONSTRAINT x_pk DO NOTHING"))
        .hasSize(1);
    assertThat(broken("CREATE TABLE x (id BIGSERIAL PRIMARY KEY)")).hasSize(1);
    assertThat(broken("CREATE TABLE x (id BIGINT GENERATED ALWAYS AS IDENTITY)")).hasSize(1);
    assertThat(broken("CREATE SEQUENCE s")).hasSize(1);
    assertThat(broken("LOCK TABLE x IN EXCLUSIVE MODE")).hasSize(1);

    assertThat(broken("INSERT INTO x VALUES (?) ON CONFLICT DO NOTHING")).isEmpty();
    assertThat(broken("INSERT INTO x VALUES (?) ON CONFLICT (practice, user_id) DO UPDATE SET"
        + " n = x.n + 1")).isEmpty();
    assertThat(broken("SELECT a FROM x WHERE k = ? FOR UPDATE")).isEmpty();
    assertThat(literals("String s = \"ON CONFLICT \" + \"(lower(a)) DO NOTHING\";"))
        .isEqualTo("ON CONFLICT (lower(a)) DO NOTHING");
    assertThat(broken(literals("String s = \"ON CONFLICT \" + \"(lower(a)) DO NOTHING\";")))
        .hasSize(1);
  }
}
