package dev.mfa4j.security;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.lang.reflect.RecordComponent;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules over the main code of every library module (tests excluded): constant-time comparison on
 * the verification paths, no record holding a secret, SLF4J only, and dependencies pointing
 * inward.
 */
@AnalyzeClasses(packages = "dev.mfa4j", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /**
   * The classes that compare typed codes, secrets, MACs or hashes. In these, no {@code
   * String.equals}, {@code Arrays.equals} or similar: only {@link MessageDigest#isEqual}. A listed
   * class that disappears fails {@link #verificationClasses_exist}.
   */
  static final Set<String> VERIFICATION_CLASSES = Set.of(
      "dev.mfa4j.internal.Argon2id",
      "dev.mfa4j.BackupCodeBook",
      "dev.mfa4j.AesGcmSecretProtector");

  /**
   * The classes among those above that must themselves call {@link MessageDigest#isEqual}; the rest
   * delegate to them (BackupCodeBook to Argon2id, AES-GCM to the cipher's tag check).
   */
  static final Set<String> CONSTANT_TIME_COMPARERS = Set.of("dev.mfa4j.internal.Argon2id");

  private static final DescribedPredicate<JavaClass> VERIFICATION =
      DescribedPredicate.describe("compare codes, secrets or hashes",
          c -> VERIFICATION_CLASSES.contains(outermost(c).getName()));

  @ArchTest
  static void verificationClasses_exist(JavaClasses all) {
    for (String name : VERIFICATION_CLASSES) {
      if (!all.contain(name)) {
        throw new AssertionError(name + " is gone: update VERIFICATION_CLASSES");
      }
    }
  }

  /** Comparisons that stop at the first difference. */
  private static final Set<String> EARLY_EXIT_COMPARISONS = Set.of(
      "java.lang.String.equals", "java.lang.String.equalsIgnoreCase",
      "java.lang.String.contentEquals", "java.lang.String.compareTo",
      "java.lang.String.regionMatches", "java.lang.String.startsWith",
      "java.util.Arrays.equals", "java.util.Arrays.compare", "java.util.Arrays.mismatch",
      "java.util.Objects.equals", "java.nio.ByteBuffer.equals");

  /**
   * Methods of the verification classes allowed such a comparison, each on public data only.
   * Key: {@code class.method}.
   */
  private static final Set<String> PUBLIC_DATA_COMPARISONS = Set.of(
      // compares the PHC string's public labels "argon2id" and "v=19", never salt or hash
      "dev.mfa4j.internal.Argon2id.parse");

  @ArchTest
  static final ArchRule verificationPaths_useNoEarlyExitComparison = classes()
      .that(VERIFICATION)
      .should(new ArchCondition<JavaClass>("compare secrets only with MessageDigest.isEqual") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
          c.getMethodCallsFromSelf().forEach(call -> {
            String target = call.getTargetOwner().getName() + "." + call.getName();
            String caller = call.getOrigin().getOwner().getName() + "." + call.getOrigin().getName();
            if (EARLY_EXIT_COMPARISONS.contains(target)
                && !PUBLIC_DATA_COMPARISONS.contains(caller)) {
              events.add(SimpleConditionEvent.violated(call, call.getDescription()));
            }
          });
        }
      })
      .because("a comparison that stops at the first difference leaks how much of a code or "
          + "hash was right (totp-rs CVE-2022-29185, keycloak#50316)");

  @ArchTest
  static final ArchRule constantTimeComparers_callMessageDigestIsEqual = classes()
      .that(DescribedPredicate.describe("are the constant-time comparers",
          (JavaClass c) -> CONSTANT_TIME_COMPARERS.contains(c.getName())))
      .should().callMethod(MessageDigest.class, "isEqual", byte[].class, byte[].class);

  /**
   * One ceremony path: only {@code Ceremonies} issues, opens, takes attempts on and completes
   * ceremonies; {@code EngineContext} keeps a provider's state on them. Flows (sign-in, account,
   * passwords, passwordless, providers) never reach the challenge repository themselves. Stores,
   * the store's own default methods and the store contract tests implement or test it.
   */
  @ArchTest
  static final ArchRule ceremonyBookkeeping_onlyThroughCeremonies = noClasses()
      .that().resideOutsideOfPackages("dev.mfa4j.spi..", "dev.mfa4j.store..", "dev.mfa4j.tck..")
      .and().doNotHaveFullyQualifiedName("dev.mfa4j.Ceremonies")
      .and().doNotHaveFullyQualifiedName("dev.mfa4j.EngineContext")
      .and().doNotHaveFullyQualifiedName("dev.mfa4j.InMemoryMfaStore")
      .and(DescribedPredicate.describe("are not nested in InMemoryMfaStore",
          (JavaClass c) -> !outermost(c).getName().equals("dev.mfa4j.InMemoryMfaStore")))
      .and().doNotHaveFullyQualifiedName("dev.mfa4j.GuardedStore")
      .should().callMethodWhere(DescribedPredicate.describe("a method of ChallengeStore",
          call -> call.getTarget().getOwner().getName().equals("dev.mfa4j.spi.ChallengeStore")))
      .because("the check 'is this ceremony open, for this user and purpose' is written once,"
          + " in Ceremonies, and every flow uses it");

  @ArchTest
  static final ArchRule mainCode_writesNoConsole = noClasses()
      .should().accessField(System.class, "out")
      .orShould().accessField(System.class, "err")
      .orShould().callMethod(Throwable.class, "printStackTrace")
      .because("main code logs through the SLF4J API only; a console line may carry a secret");

  @ArchTest
  static final ArchRule mainCode_logsThroughSlf4jOnly = noClasses()
      // the test kit's DataSourceDefaults must name java.util.logging.Logger (DataSource does)
      .that().resideOutsideOfPackage("dev.mfa4j.tck..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "java.util.logging..", "org.apache.log4j..", "org.apache.logging.log4j..",
          "org.apache.commons.logging..", "ch.qos.logback..", "org.slf4j.simple..",
          "org.slf4j.impl..")
      .because("libraries use the SLF4J API and never bind a backend");

  @ArchTest
  static final ArchRule core_dependsOnNoOptionalModule = noClasses()
      .that().resideInAnyPackage("dev.mfa4j", "dev.mfa4j.spi", "dev.mfa4j.internal")
      .should().dependOnClassesThat().resideInAnyPackage("dev.mfa4j.totp..", "dev.mfa4j.sms..",
          "dev.mfa4j.webauthn..", "dev.mfa4j.store..", "dev.mfa4j.passwords..",
          "com.fasterxml..", "com.yubico..",
          "com.google.i18n..", "java.sql..", "javax.sql..")
      .because("dependencies point inward: mfa-core needs only slf4j-api and Bouncy Castle, and"
          + " reaches the built-in passwords only through the PrimaryCredentials SPI");

  @ArchTest
  static final ArchRule optionalModules_doNotDependOnEachOther = classes()
      .that().resideInAnyPackage("dev.mfa4j.totp..", "dev.mfa4j.sms..", "dev.mfa4j.webauthn..",
          "dev.mfa4j.store.jdbc..", "dev.mfa4j.passwords..")
      .should(new ArchCondition<JavaClass>("depend on no other optional module") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
          String own = module(c.getPackageName());
          c.getDirectDependenciesFromSelf().forEach(d -> {
            String other = module(d.getTargetClass().getPackageName());
            if (other != null && !other.equals(own)) {
              events.add(SimpleConditionEvent.violated(c, d.getDescription()));
            }
          });
        }
      })
      .allowEmptyShould(true)
      .because("each optional module depends on mfa-core only, so a host takes just what it uses");

  @ArchTest
  static final ArchRule providers_reachTheStoreOnlyThroughFactorContext = noClasses()
      .that().resideInAnyPackage("dev.mfa4j.totp..", "dev.mfa4j.sms..", "dev.mfa4j.webauthn..")
      .should().dependOnClassesThat(new DescribedPredicate<JavaClass>(
          "are a store of mfa-core (other than the CounterStore FactorContext lends)") {
        @Override
        public boolean test(JavaClass c) {
          return (c.getPackageName().equals("dev.mfa4j.spi")
              || c.getPackageName().equals("dev.mfa4j"))
              && c.getSimpleName().endsWith("Store") && !c.getSimpleName().equals("CounterStore");
        }
      })
      .because("a provider sees only the FactorContext the engine lends it for one call");

  @ArchTest
  static final ArchRule internal_dependsOnNothingOfMfa4j = noClasses()
      .that().resideInAPackage("dev.mfa4j.internal..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.mfa4j", "dev.mfa4j.spi..",
          "dev.mfa4j.totp..", "dev.mfa4j.sms..", "dev.mfa4j.webauthn..", "dev.mfa4j.store..")
      .because("dev.mfa4j.internal is the bottom layer: helpers, no domain");

  @ArchTest
  static final ArchRule publicApi_exposesNoInternalType = methods()
      .that().arePublic()
      .and().areDeclaredInClassesThat().arePublic()
      .and().areDeclaredInClassesThat().resideOutsideOfPackage("dev.mfa4j.internal..")
      .should(new ArchCondition<>("not take or return a dev.mfa4j.internal type") {
        @Override
        public void check(com.tngtech.archunit.core.domain.JavaMethod m, ConditionEvents events) {
          boolean leaks = m.getRawReturnType().getPackageName().startsWith("dev.mfa4j.internal")
              || m.getRawParameterTypes().stream()
                  .anyMatch(p -> p.getPackageName().startsWith("dev.mfa4j.internal"));
          if (leaks) {
            events.add(SimpleConditionEvent.violated(m, m.getFullName() + " exposes internal"));
          }
        }
      })
      .because("hosts must not use dev.mfa4j.internal (its package javadoc), so no API hands it out");

  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(secret|password|passcode|code|token|otp|privatekey).*");
  /** Record components whose names look secret but hold a hash, a ciphertext or an id. */
  private static final Set<String> NOT_SECRET_COMPONENTS = Set.of(
      "dev.mfa4j.spi.FactorRecord.sealedSecret",
      "dev.mfa4j.spi.DeviceRecord.tokenHash",
      "dev.mfa4j.spi.PasswordRecord.hash",
      "dev.mfa4j.spi.BackupCodeRecord.hash",
      "dev.mfa4j.LoginStep$Authenticated.deviceToken",
      "dev.mfa4j.EnrollmentOutcome$Confirmed.backupCodes",
      "dev.mfa4j.LoginStep$SecondFactorRequired.backupCodesLeft");

  /**
   * No record has a component that holds a secret as a String, a char or byte array: records print
   * and compare their components. (Components of a redacted secret type, such as an Optional of
   * DeviceToken, are allowed; see {@link SecretTypesTest}.)
   */
  @ArchTest
  static final ArchRule records_holdNoPlainSecret = classes()
      .that(DescribedPredicate.describe("are records", (JavaClass c) -> c.reflect().isRecord()))
      // the test kit's StepCodeFactor shows its test code in the clear, on purpose
      .and().resideOutsideOfPackage("dev.mfa4j.tck..")
      .should(new ArchCondition<>("have no String, char[] or byte[] component named like a secret") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
          for (RecordComponent rc : c.reflect().getRecordComponents()) {
            String key = c.getName() + "." + rc.getName();
            Class<?> t = rc.getType();
            boolean plain = t == String.class || t == char[].class || t == byte[].class;
            if (plain && SECRET_NAME.matcher(rc.getName().toLowerCase(Locale.ROOT)).matches()
                && !NOT_SECRET_COMPONENTS.contains(key)) {
              events.add(SimpleConditionEvent.violated(c, key + " holds a plain secret"));
            }
          }
        }
      });

  private static JavaClass outermost(JavaClass c) {
    JavaClass o = c;
    while (o.getEnclosingClass().isPresent()) {
      o = o.getEnclosingClass().get();
    }
    return o;
  }

  private static String module(String pkg) {
    for (String m : new String[] {"dev.mfa4j.totp", "dev.mfa4j.sms", "dev.mfa4j.webauthn",
        "dev.mfa4j.store.jdbc", "dev.mfa4j.passwords"}) {
      if (pkg.equals(m) || pkg.startsWith(m + ".")) {
        return m;
      }
    }
    return null;
  }

}
