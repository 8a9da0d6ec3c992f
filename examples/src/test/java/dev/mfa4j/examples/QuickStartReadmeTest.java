package dev.mfa4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Quick start, verbatim: the Java block after {@code <!-- quickstart -->} is written to
 * a file, compiled with the JDK's compiler against the library (the module jars the reactor built,
 * and their dependencies, but not this demo's classes), and run in a JVM of its own on a fresh
 * in-memory H2 database. It must migrate, enroll an authenticator app and sign in, and print what
 * the README says it prints. A change of the API that the README does not follow fails here.
 */
class QuickStartReadmeTest {
  private static final Pattern BLOCK =
      Pattern.compile("<!-- quickstart -->\\s*```java\\n(.*?)\\n```", Pattern.DOTALL);

  @TempDir Path dir;

  @Test
  void theReadmeQuickStartCompilesAndSignsIn() throws Exception {
    String readme = Files.readString(readme(), StandardCharsets.UTF_8);
    Matcher m = BLOCK.matcher(readme);
    assertThat(m.find()).as("README.md has a ```java block after <!-- quickstart -->").isTrue();
    String source = m.group(1);
    assertThat(m.find()).as("exactly one quickstart block").isFalse();
    Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
    assertThat(name.find()).as("the block declares a public class").isTrue();
    String className = name.group(1);

    List<String> classpath = libraryClasspath();
    assertThat(classpath).as("the library's modules are on the classpath")
        .anyMatch(e -> e.contains("mfa-core"))
        .anyMatch(e -> e.contains("mfa-totp"))
        .anyMatch(e -> e.contains("mfa-store-jdbc"))
        .noneMatch(e -> e.replace('\\', '/').contains("examples/target"));

    Path src = Files.createDirectories(dir.resolve("src"));
    Path out = Files.createDirectories(dir.resolve("classes"));
    Path file = src.resolve(className + ".java");
    Files.writeString(file, source, StandardCharsets.UTF_8);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK, not a JRE").isNotNull();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter log = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null,
        StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(log, files, diagnostics,
          List.of("--release", "17", "-proc:none", "-Xlint:all,-path", "-Werror",
              "-classpath", String.join(File.pathSeparator, classpath),
              "-d", out.toString()),
          null, files.getJavaFileObjects(file)).call();
      assertThat(ok).as("the Quick start compiles:\n%s%s", log,
          diagnostics.getDiagnostics().stream().map(Object::toString)
              .collect(Collectors.joining("\n"))).isTrue();
    }

    List<String> runClasspath = new ArrayList<>(classpath);
    runClasspath.add(0, out.toString());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(),
        "-cp", String.join(File.pathSeparator, runClasspath), className)
        .redirectErrorStream(true)
        .start();
    String output;
    try (var in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the Quick start ends").isTrue();
    System.out.println("Quick start compiled against:\n  " + String.join("\n  ", classpath)
        + "\nand printed:\n" + output);
    assertThat(process.exitValue()).as("exit status; output:\n%s", output).isZero();

    // What the README says the class prints, read from the README itself.
    Matcher prints = Pattern.compile("It prints `([^`]+)` and `([^`]+)`").matcher(readme);
    assertThat(prints.find()).as("the README says what the Quick start prints").isTrue();
    assertThat(output).as("the Quick start's output")
        .contains(prints.group(1))
        .contains(prints.group(2))
        .contains("signed in: u-42 with totp")
        .doesNotContain("not signed in")
        .doesNotContain("Exception");
  }

  private static Path readme() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("README.md");
      if (Files.isRegularFile(candidate) && Files.isDirectory(p.resolve("mfa-core"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
  }

  /**
   * The test classpath (Surefire's, which in a reactor {@code verify} holds the module jars built
   * by {@code package}) without this module's own classes and test classes and without the test
   * tools, so the Quick start sees only the library and its dependencies.
   */
  private static List<String> libraryClasspath() throws IOException {
    String raw = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Path self = Path.of("").toAbsolutePath().resolve("target");
    List<String> entries = new ArrayList<>();
    for (String e : Arrays.asList(raw.split(Pattern.quote(File.pathSeparator)))) {
      if (e.isBlank()) {
        continue;
      }
      Path p = Path.of(e).toAbsolutePath().normalize();
      if (p.startsWith(self) || !Files.exists(p)) {
        continue;
      }
      entries.add(p.toString());
    }
    return entries;
  }
}
