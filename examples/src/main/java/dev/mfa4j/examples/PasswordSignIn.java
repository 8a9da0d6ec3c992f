package dev.mfa4j.examples;

import dev.mfa4j.Password;
import dev.mfa4j.UserRef;
import dev.mfa4j.passwords.PasswordAttempt;
import dev.mfa4j.passwords.PasswordOutcome;
import dev.mfa4j.passwords.Passwords;
import dev.mfa4j.RequestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * The host's own first factor, as Spring Security's form login calls it: its user table and
 * mfa4j's built-in passwords (Argon2id, NIST rules, a throttle per account and per address). One
 * answer for an unknown e-mail and a wrong password: an unknown e-mail still costs one password
 * check, of a stand-in user throttled like a real one, so neither the time taken nor the throttle
 * tells who has an account.
 *
 * <p>A right password yields an authentication with Spring Security's {@code FACTOR_PASSWORD}
 * only; {@link SignInFlow#afterPassword} then asks mfa4j what comes next.
 */
@Component
final class PasswordSignIn implements AuthenticationProvider {
  /** Too many wrong passwords for this account or from this address. */
  static final class Throttled extends AuthenticationException {
    private static final long serialVersionUID = 1L;
    private final transient Optional<Instant> retryAfter;

    Throttled(Optional<Instant> retryAfter) {
      super("too many sign-in attempts");
      this.retryAfter = retryAfter;
    }

    Optional<Instant> retryAfter() {
      return retryAfter;
    }
  }

  /** A temporary password past its lifetime. */
  static final class Expired extends AuthenticationException {
    private static final long serialVersionUID = 1L;

    Expired() {
      super("temporary password expired");
    }
  }

  private final UserDirectory users;
  private final Passwords passwords;
  private final java.time.Clock clock;
  private final Seeding seeding;

  PasswordSignIn(UserDirectory users, Passwords passwords, java.time.Clock clock,
      Seeding seeding) {
    this.users = users;
    this.passwords = passwords;
    this.clock = clock;
    this.seeding = seeding;
  }

  @Override
  public Authentication authenticate(Authentication form) {
    String email = form.getName() == null ? "" : form.getName();
    Password typed = Password.of(form.getCredentials() == null ? ""
        : form.getCredentials().toString());
    ClientInfo client = form.getDetails() instanceof ClientInfo c ? c : new ClientInfo("", "");
    RequestContext ctx = RequestContext.of(client.ip(), client.userAgent());
    seeding.await(); // right after start-up, the seeded users may still be on their way
    Optional<DemoUser> user = users.byEmail(email);
    // The request's address also limits how many wrong passwords one address may try across
    // all accounts (password spraying).
    PasswordAttempt attempt = user
        .map(u -> passwords.attempt(u.ref(), typed, ctx))
        .orElseGet(() -> {
          PasswordAttempt stand = passwords.attempt(unknownUser(email), typed, ctx);
          return stand.outcome() == PasswordOutcome.THROTTLED ? stand
              : new PasswordAttempt(PasswordOutcome.REJECTED, Optional.empty());
        });
    PasswordOutcome outcome = attempt.outcome();
    if (outcome == PasswordOutcome.THROTTLED) {
      throw new Throttled(attempt.retryAfter());
    }
    if (outcome == PasswordOutcome.EXPIRED) {
      throw new Expired();
    }
    if (!outcome.passed()) {
      throw new BadCredentialsException("wrong e-mail or password");
    }
    UsernamePasswordAuthenticationToken done = UsernamePasswordAuthenticationToken.authenticated(
        user.get(), null, List.of(
            FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY)
                .issuedAt(clock.instant()).build(),
            new SimpleGrantedAuthority(user.get().authority())));
    done.setDetails(client);
    return done;
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }

  /** The stand-in checked for an e-mail address nobody has: one per address, never a real user. */
  static UserRef unknownUser(String email) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256")
          .digest(email.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
    return UserRef.staff(DemoApp.PRACTICE,
        "unknown:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
  }
}
