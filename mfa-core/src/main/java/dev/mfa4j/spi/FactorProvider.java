package dev.mfa4j.spi;

import dev.mfa4j.Answer;
import dev.mfa4j.ClientSignal;
import dev.mfa4j.FactorKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One kind of second factor. Registered on {@link dev.mfa4j.MfaEngine.Builder#factor}; the engine
 * routes to it by {@link #kind()} and does everything around it: password confirmation, policy,
 * ceremonies and their expiry and attempt budget, failure counting and lockout, single-use
 * completion, backup codes, audit and notices.
 *
 * <p>Implementations must be thread-safe and keep no per-user state in memory: any app node may
 * serve any step.
 */
public interface FactorProvider {
  /** The kind this provider implements. */
  FactorKind kind();

  /**
   * Whether this kind is a RESTRICTED authenticator in NIST SP 800-63B-4 (SMS, voice): the engine
   * then returns a risk notice on enrollment and applies {@code requireNonPhoneFactor}.
   */
  default boolean restricted() {
    return false;
  }

  /**
   * Starts enrolling: generate the secret or the ceremony, fill the pending record, send a code if
   * the kind does.
   *
   * @param ctx the ceremony (its state survives to {@link #confirm})
   * @param pending the record the engine prepared (id, owner, kind, label, PENDING)
   * @param parameters host-supplied options (a phone number, a channel); validate every one
   * @throws dev.mfa4j.InvalidInputException for bad parameters
   */
  Enrollment begin(FactorContext ctx, FactorRecord pending, Map<String, String> parameters);

  /**
   * Checks the answer that confirms an enrollment. On success the engine activates the record
   * (the one in the result, if any).
   */
  Verification confirm(FactorContext ctx, FactorRecord pending, dev.mfa4j.Answer answer);

  /**
   * The user picked this factor on the second step: send a code, or build the browser's request.
   *
   * @param parameters host-supplied options (e.g. {@code channel=VOICE})
   */
  Prompt prompt(FactorContext ctx, FactorRecord factor, Map<String, String> parameters);

  /**
   * Checks a second-step answer. The engine has already taken one attempt from the challenge and
   * will complete the challenge on acceptance; the provider enforces its own single use (a TOTP
   * step through {@link FactorContext#advanceCounter}).
   */
  Verification verify(FactorContext ctx, FactorRecord factor, Answer answer);

  /**
   * Opt-in: starts a passwordless sign-in, where this factor alone signs the user in and nobody is
   * identified yet ({@link dev.mfa4j.LoginFlow#beginPasswordless}). Builds what the browser needs
   * (for a passkey: a request for a discoverable credential, no {@code allowCredentials}, user
   * verification required) and keeps it in the ceremony's state, where {@link #verify} finds it.
   * The context's {@link FactorContext#user()} is the ceremony's reserved owner, not a user: it
   * has no factors, and its state belongs to the ceremony. The default (and a provider that has
   * passwordless sign-in switched off) returns empty, and the engine refuses to begin.
   */
  default Optional<Prompt> passwordlessPrompt(FactorContext ctx) {
    return Optional.empty();
  }

  /**
   * Opt-in: the lookup key ({@link FactorRecord#lookupKey()}, found through {@link
   * FactorStore#findByLookupKey}) of the factor that produced a passwordless {@code response},
   * read from the response alone, without checking it (for a passkey: the credential id). The
   * engine then locks that factor's owner and checks the response with {@link #verify}, whose
   * context carries the state {@link #passwordlessPrompt} kept. Empty when the response is
   * malformed or the provider does not do passwordless sign-in (the default).
   */
  default Optional<String> passwordlessLookupKey(String response) {
    return Optional.empty();
  }

  /** Non-secret facts to show in factor lists (masked destination, synced or device-bound). */
  default Map<String, String> display(FactorRecord factor) {
    return Map.of();
  }

  /**
   * Opt-in: what the browser's credential manager should be told after the user's factors of this
   * kind changed (a passkey removed, the user's names changed), as {@link ClientSignal}s. The
   * default (a kind the browser does not hold) returns none.
   *
   * @param kept the user's records of this kind that remain (any state)
   * @param removed records of this kind removed just now (empty if none)
   * @param names the user's current names, when they changed or the host asks for them
   */
  default List<ClientSignal> signals(List<FactorRecord> kept, List<FactorRecord> removed,
      Optional<ClientSignal.Names> names) {
    return List.of();
  }
}
