package dev.mfa4j.spring.security;

import dev.mfa4j.Password;
import dev.mfa4j.UserRef;
import dev.mfa4j.spi.PrimaryCredentials;
import java.nio.CharBuffer;
import java.util.Arrays;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The engine's password check over Spring Security's {@link UserDetailsService} and {@link
 * PasswordEncoder}, for an application that keeps its passwords there: the engine confirms the
 * password with it before sensitive changes (enrolling, removing a factor). It can only check:
 * password changes stay the application's.
 */
final class UserDetailsCredentials implements PrimaryCredentials {
  private final UserDetailsService users;
  private final PasswordEncoder encoder;
  private final MfaUserResolver names;

  UserDetailsCredentials(UserDetailsService users, PasswordEncoder encoder,
      MfaUserResolver names) {
    this.users = users;
    this.encoder = encoder;
    this.names = names;
  }

  @Override
  public boolean verify(UserRef user, Password password) {
    UserDetails details;
    try {
      details = users.loadUserByUsername(names.username(user));
    } catch (UsernameNotFoundException e) {
      return false;
    }
    String stored = details.getPassword();
    if (stored == null || !details.isEnabled() || !details.isAccountNonLocked()) {
      return false;
    }
    char[] typed = password.chars();
    try {
      return encoder.matches(CharBuffer.wrap(typed), stored);
    } finally {
      Arrays.fill(typed, '\0');
    }
  }

  @Override
  public String toString() {
    return "UserDetailsCredentials[" + users.getClass().getSimpleName() + "]";
  }
}
