package dev.mfa4j.examples;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot application: {@code mfa-spring-boot-starter}'s auto-configuration builds the
 * engine, {@link HostConfiguration} adds the host's parts, {@link SecurityConfiguration} the
 * rules. Started by {@link DemoApp}.
 */
@SpringBootApplication(proxyBeanMethods = false)
class DemoApplication {}
