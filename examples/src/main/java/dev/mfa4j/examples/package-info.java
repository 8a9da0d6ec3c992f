/**
 * A demo practice web app: a Spring Boot application on mfa-spring-boot-starter, showing a host
 * integrating mfa4j. Start at {@link dev.mfa4j.examples.DemoApp} (start-up), {@code
 * HostConfiguration} (what the host adds to the engine), {@code SecurityConfiguration} (Spring
 * Security's rules over mfa4j's factor authorities) and {@code SignInController} (the sign-in
 * steps). Not a library: nothing here is API.
 */
package dev.mfa4j.examples;
