package dev.mfa4j.webauthn;

import com.yubico.webauthn.AssertionResult;
import dev.mfa4j.spi.FactorContext;
import dev.mfa4j.spi.FactorRecord;
import dev.mfa4j.spi.Verification;
import dev.mfa4j.spi.VerificationOutcome;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;


/**
 * Clone detection by the signature counter (WebAuthn §6.1.1): a counter that advances is stored
 * through {@link FactorContext#advanceCounter} (a lost race is a replay); 0 after 0 (synced
 * passkeys never count) is accepted and the engine records the use; anything else is refused as
 * {@link VerificationOutcome#COUNTER_REGRESSION}, which the engine audits as {@code
 * CREDENTIAL_CLONE_SUSPECTED}.
 */
final class SignatureCounter {
  private SignatureCounter() {}

  /** Applies the counter rule and stores the use. */
  static Verification counted(FactorContext ctx, FactorRecord used, AssertionResult result) {
    long stored = used.counter();
    long received = result.getSignatureCount();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("credentialFactor", used.id().value());
    details.put("counter", Long.toString(received));
    if (stored == 0 && received == 0) {
      // synced passkeys never count: the engine records the use (last used) itself
      details.put("counterless", "true");
    } else if (received > stored) {
      if (!ctx.advanceCounter(used, received)) {
        return Verification.rejected(VerificationOutcome.REPLAYED, Passkeys.reason("counter_race"));
      }
    } else {
      // the engine audits CREDENTIAL_CLONE_SUSPECTED for this outcome
      Map<String, String> why = new LinkedHashMap<>();
      why.put("reason", "counter_regression");
      why.put("credentialFactor", used.id().value());
      why.put("storedCounter", Long.toString(stored));
      why.put("receivedCounter", Long.toString(received));
      why.put("synced", Boolean.toString(Attributes.flag(used, Attributes.BACKUP_ELIGIBLE)));
      return Verification.rejected(VerificationOutcome.COUNTER_REGRESSION, why);
    }
    // the engine reads it: a passkey without user verification is one factor, not two
    details.put(Verification.USER_VERIFIED, Boolean.toString(result.isUserVerified()));
    String backedUp = Boolean.toString(result.isBackedUp());
    if (!backedUp.equals(used.attributes().get(Attributes.BACKED_UP))) {
      Map<String, String> attributes = new HashMap<>(used.attributes());
      attributes.put(Attributes.BACKED_UP, backedUp);
      return Verification.accepted(used.withAttributes(attributes)
          .withCounter(Math.max(stored, received)), details);
    }
    return Verification.accepted(details);
  }
}
