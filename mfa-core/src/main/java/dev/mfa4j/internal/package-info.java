/**
 * Implementation details shared by mfa4j's modules. Not API: anything here may change in any
 * release. Hosts must not use it.
 */
package dev.mfa4j.internal;
