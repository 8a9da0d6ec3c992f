/**
 * Service-provider interfaces: what a store, a factor provider, a secret protector, a password
 * verifier and listeners implement. Every method must not return null; absence is {@link
 * java.util.Optional}. Parameters are never null unless a method says otherwise.
 */
package dev.mfa4j.spi;
