package dev.mfa4j;

/** The engine's implementation, shared by its flows. Package-private. */
final class Engine {
  private final MfaEngine config;

  Engine(MfaEngine config) {
    this.config = config;
  }

  LoginFlow login() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  AccountSecurity account(UserRef user) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  Administration admin(UserRef actor) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
