/**
 * A demo practice web app on the JDK's HTTP server, showing a host integrating mfa4j. Start at
 * {@link dev.mfa4j.examples.DemoApp} (wiring) and {@code SignInController} (the sign-in steps).
 * Not a library: nothing here is API.
 */
package dev.mfa4j.examples;
