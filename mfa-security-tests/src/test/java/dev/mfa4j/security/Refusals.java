package dev.mfa4j.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mfa4j.InvalidInputException;

/** Shared assertions about a refused input. */
final class Refusals {
  private Refusals() {}

  /**
   * An exception message must not repeat the input: typed codes, tokens and passwords are secret.
   * Inputs shorter than 6 characters may occur in any message by chance and are not checked.
   */
  static void messageDoesNotEcho(InvalidInputException e, String input) {
    if (input.length() >= 6 && e.getMessage() != null) {
      assertThat(e.getMessage()).as("message echoes input").doesNotContain(input);
    }
  }
}
