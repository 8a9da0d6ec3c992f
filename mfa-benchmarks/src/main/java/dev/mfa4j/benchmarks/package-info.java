/** JMH benchmarks of mfa4j beside its peers. Build with {@code mvn -pl mfa-benchmarks -am package}. */
package dev.mfa4j.benchmarks;
