/**
 * The built-in passwords: Argon2id hashes in the store, the checks, the blocklist, temporary
 * passwords and the password throttle.
 */
module dev.mfa4j.passwords {
  requires transitive dev.mfa4j.core;

  exports dev.mfa4j.passwords;
}
