/**
 * mfa4j's public API: {@link dev.mfa4j.MfaEngine} and its flows ({@link dev.mfa4j.LoginFlow},
 * {@link dev.mfa4j.AccountSecurity}, {@link dev.mfa4j.Administration}), results, identifiers and
 * {@link dev.mfa4j.PracticePolicy}. Every method returns non-null.
 *
 * <h2>Input rules</h2>
 *
 * <p>One rule holds at every public entry point of this package:
 *
 * <ul>
 *   <li><b>null is a programming error.</b> Every parameter is non-null unless documented otherwise
 *       (none is today; absence is an {@link java.util.Optional}). A null argument, or a null
 *       element of a collection argument, throws {@link java.lang.NullPointerException} whose
 *       message names the parameter ({@code "request"}, {@code "users[2]"}); an identifier's
 *       factory names the identifier ({@code "factor id"}, {@code "challenge id"}). It is thrown
 *       before anything is read or written.
 *   <li><b>Empty, blank, too long or malformed values are user input.</b> They throw {@link
 *       dev.mfa4j.InvalidInputException} (nothing changed), whose message says what is wrong
 *       without repeating the input: an empty identifier, label or administrator's reason, a label
 *       or reason holding control, invisible or direction-changing characters.
 *   <li><b>Secrets are judged, not parsed.</b> A typed password, code, backup code or browser
 *       response is refused here only when it is too long; an empty or wrong one is a failed
 *       attempt (or a password the checker refuses), counted like any other.
 *   <li>Documented empties are values, not errors: {@link dev.mfa4j.RequestContext}'s {@code ""}
 *       IP or User-Agent means unknown; an empty parameter map is no parameters.
 * </ul>
 */
package dev.mfa4j;
