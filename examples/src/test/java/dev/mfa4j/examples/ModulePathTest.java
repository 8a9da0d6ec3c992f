package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library jars on the module path, as a modular host loads them. A host module ({@code module
 * host { requires dev.mfa4j.totp; requires dev.mfa4j.store.jdbc; … }}) is compiled with the JDK's
 * compiler against the jars the reactor packaged ({@code ../mfa-core/target/mfa-core-*.jar} and so
 * on, with their module-info) and their dependency jars, and run in a JVM of its own with nothing
 * on the class path. It runs the README's Quick start (migrate H2, enroll TOTP, sign in); it cannot
 * reach {@code dev.mfa4j.internal}, neither by reflection at run time nor by an import at compile
 * time.
 */
class ModulePathTest {
  private static final Pattern BLOCK =
      Pattern.compile("<!-- quickstart -->\\s*```java\\n(.*?)\\n```", Pattern.DOTALL);
  /** The dependency jars of core, totp and store-jdbc, and the H2 driver, by file name. */
  private static final List<String> DEPENDENCIES =
      List.of("slf4j-api-", "bcprov-jdk18on-", "commons-codec-", "core-", "h2-");

  @TempDir Path dir;
  private List<String> modulePath;

  @BeforeEach
  void findJars() throws IOException {
    modulePath = new ArrayList<>();
    for (String module : List.of("mfa-core", "mfa-totp", "mfa-store-jdbc")) {
      modulePath.add(libraryJar(module).toString());
    }
    String raw = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    for (String prefix : DEPENDENCIES) {
      List<String> found = Stream.of(raw.split(Pattern.quote(File.pathSeparator)))
          .filter(e -> !e.isBlank())
          .map(Path::of)
          .filter(p -> p.getFileName().toString().startsWith(prefix)
              && p.getFileName().toString().endsWith(".jar")
              && Files.isRegularFile(p))
          .map(Path::toString)
          .collect(Collectors.toList());
      assertThat(found).as("one %s jar on the test class path", prefix).hasSize(1);
      modulePath.addAll(found);
    }
  }

  @Test
  void aModularHostRunsTheQuickStartAndCannotReachInternal() throws Exception {
    for (String module : List.of("mfa-core", "mfa-totp", "mfa-store-jdbc")) {
      try (JarFile jar = new JarFile(libraryJar(module).toFile())) {
        assertThat(jar.getEntry("module-info.class")).as("%s is a modular jar", module).isNotNull();
      }
    }
    Path src = dir.resolve("src/host");
    Files.createDirectories(src.resolve("host"));
    Files.writeString(src.resolve("module-info.java"),
        "module host {\n  requires dev.mfa4j.totp;\n  requires dev.mfa4j.store.jdbc;\n"
            + "  requires com.h2database;\n"
            // H2 is an automatic module, which declares nothing: its JdbcDataSource is a
            // javax.naming.Referenceable, so the host brings java.naming into the graph.
            + "  requires java.naming;\n}\n");
    String quickStart = quickStart();
    Files.writeString(src.resolve("host/QuickStart.java"), "package host;\n" + quickStart);
    Files.writeString(src.resolve("host/Probe.java"), String.join("\n",
        "package host;",
        "public class Probe {",
        "  public static void main(String[] args) throws Exception {",
        "    QuickStart.main(args);",
        "    System.out.println(\"core is \" + dev.mfa4j.MfaEngine.class.getModule().getName());",
        "    Class<?> internal = Class.forName(\"dev.mfa4j.internal.Argon2id\");",
        "    try {",
        "      internal.getMethod(\"verify\", String.class, String.class)",
        "          .invoke(null, \"a\", \"b\");",
        "      System.out.println(\"internal reachable\");",
        "    } catch (IllegalAccessException e) {",
        "      System.out.println(\"internal closed: \" + e.getMessage());",
        "    }",
        "  }",
        "}", ""));
    Path out = dir.resolve("out/host");
    String log = compile(src, out);
    assertThat(log).as("the host module compiles").startsWith("OK");

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> runPath = new ArrayList<>(modulePath);
    runPath.add(0, out.toString());
    Process process = new ProcessBuilder(java.toString(),
        "--module-path", String.join(File.pathSeparator, runPath),
        "--module", "host/host.Probe")
        .redirectErrorStream(true)
        .start();
    String output;
    try (var in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the host ends").isTrue();
    System.out.println("module path:\n  " + String.join("\n  ", runPath)
        + "\nthe host printed:\n" + output);
    assertThat(process.exitValue()).as("exit status; output:\n%s", output).isZero();
    assertThat(output).as("the host's output")
        .contains("show once: 10 backup codes")
        .contains("signed in: u-42 with totp")
        .doesNotContain("not signed in")
        .contains("core is dev.mfa4j.core")
        .contains("internal closed: ")
        .contains("does not export dev.mfa4j.internal to module host")
        .doesNotContain("internal reachable");
  }

  @Test
  void aHostImportingInternalDoesNotCompile() throws Exception {
    Path src = dir.resolve("src/intruder");
    Files.createDirectories(src.resolve("intruder"));
    Files.writeString(src.resolve("module-info.java"),
        "module intruder {\n  requires dev.mfa4j.core;\n}\n");
    Files.writeString(src.resolve("intruder/Intruder.java"), String.join("\n",
        "package intruder;",
        "import dev.mfa4j.internal.Argon2id;",
        "public class Intruder {",
        "  public static boolean check(String s, String phc) {",
        "    return Argon2id.verify(s, phc);",
        "  }",
        "}", ""));
    String log = compile(src, dir.resolve("out/intruder"));
    assertThat(log).as("javac refuses the import")
        .startsWith("FAILED")
        .contains("package dev.mfa4j.internal is not visible");
  }

  /** Compiles a module source tree; "OK" or "FAILED" and javac's diagnostics. */
  private String compile(Path src, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK, not a JRE").isNotNull();
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(src)) {
      sources = walk.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null,
        StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(log, files, diagnostics,
          List.of("--release", "17", "-proc:none",
              "--module-path", String.join(File.pathSeparator, modulePath),
              "-d", out.toString()),
          null, files.getJavaFileObjectsFromPaths(sources)).call();
      return (ok ? "OK\n" : "FAILED\n") + log + diagnostics.getDiagnostics().stream()
          .map(Object::toString).collect(Collectors.joining("\n"));
    }
  }

  private static String quickStart() throws IOException {
    String readme = Files.readString(root().resolve("README.md"), StandardCharsets.UTF_8);
    Matcher m = BLOCK.matcher(readme);
    assertThat(m.find()).as("README.md has a ```java block after <!-- quickstart -->").isTrue();
    return m.group(1);
  }

  /** The module's packaged jar, not its -sources, -javadoc or -tests jar. */
  private static Path libraryJar(String module) throws IOException {
    Path target = root().resolve(module).resolve("target");
    try (Stream<Path> jars = Files.list(target)) {
      List<Path> found = jars.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(module + "-") && n.endsWith(".jar") && !n.endsWith("-sources.jar")
            && !n.endsWith("-javadoc.jar") && !n.endsWith("-tests.jar");
      }).collect(Collectors.toList());
      assertThat(found).as("one packaged jar in %s (run verify, not test)", target).hasSize(1);
      return found.get(0);
    }
  }

  private static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("mfa-core"))) {
        return p;
      }
    }
    throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath());
  }
}
