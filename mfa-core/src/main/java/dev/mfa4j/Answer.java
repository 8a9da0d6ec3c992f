package dev.mfa4j;

import java.util.Objects;

/**
 * What a user answers to a challenge. Answers hold secrets, so none of them prints its content;
 * their content is read through {@code reveal()} by the factor provider that checks it.
 *
 * <p>A null argument is a {@link NullPointerException} naming the parameter. The content is judged
 * by the factor, not parsed here: an empty or wrong code is a failed answer, and only its length is
 * refused here ({@link InvalidInputException}).
 */
public sealed interface Answer permits Answer.Code, Answer.BackupCode, Answer.Response {
  /** Longest answer accepted from outside: 64 KiB (a WebAuthn response is the largest). */
  int MAX_LENGTH = 64 * 1024;

  /**
   * A code typed from an authenticator app or received by text or call, for the given factor.
   *
   * @throws InvalidInputException if the code is longer than 64 characters
   */
  static Answer code(FactorId factor, String code) {
    return new Code(factor, code);
  }

  /**
   * A backup code typed by the user.
   *
   * @throws InvalidInputException if longer than 64 characters
   */
  static Answer backupCode(String code) {
    return new BackupCode(code);
  }

  /**
   * A structured response from a browser or device, e.g. the JSON of a WebAuthn {@code
   * PublicKeyCredential}, for the given factor.
   *
   * @throws InvalidInputException if longer than {@link #MAX_LENGTH}
   */
  static Answer response(FactorId factor, String response) {
    return new Response(factor, response);
  }

  /** A typed one-time code for one factor. */
  final class Code implements Answer {
    private final FactorId factor;
    private final String typed;

    Code(FactorId factor, String typed) {
      this.factor = Objects.requireNonNull(factor, "factor");
      Objects.requireNonNull(typed, "code");
      if (typed.length() > 64) {
        throw new InvalidInputException("code is longer than 64 characters");
      }
      this.typed = typed;
    }

    /** The factor this code is for. */
    public FactorId factor() {
      return factor;
    }

    /** The code exactly as typed. */
    public String reveal() {
      return typed;
    }

    @Override
    public String toString() {
      return "Answer.Code[factor=" + factor.value() + ", redacted]";
    }
  }

  /** A typed backup code. */
  final class BackupCode implements Answer {
    private final String typed;

    BackupCode(String typed) {
      Objects.requireNonNull(typed, "code");
      if (typed.length() > 64) {
        throw new InvalidInputException("backup code is longer than 64 characters");
      }
      this.typed = typed;
    }

    /** The code exactly as typed. */
    public String reveal() {
      return typed;
    }

    @Override
    public String toString() {
      return "Answer.BackupCode[redacted]";
    }
  }

  /** A structured response (JSON) for one factor. */
  final class Response implements Answer {
    private final FactorId factor;
    private final String json;

    Response(FactorId factor, String json) {
      this.factor = Objects.requireNonNull(factor, "factor");
      Objects.requireNonNull(json, "response");
      if (json.length() > MAX_LENGTH) {
        throw new InvalidInputException("response is longer than " + MAX_LENGTH + " characters");
      }
      this.json = json;
    }

    /** The factor this response is for. */
    public FactorId factor() {
      return factor;
    }

    /** The response as received. */
    public String reveal() {
      return json;
    }

    @Override
    public String toString() {
      return "Answer.Response[factor=" + factor.value() + ", redacted]";
    }
  }
}
