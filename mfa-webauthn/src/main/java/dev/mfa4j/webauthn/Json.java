package dev.mfa4j.webauthn;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import dev.mfa4j.Answer;

/**
 * The one shared, configured Jackson mapper of this module (a mapper per call, as Yubico's own
 * {@code parse…Json} helpers make, costs about 0.5 ms). Configured like Yubico's codec (base64url,
 * absent fields omitted, {@code Optional} support) except that unknown properties are ignored: the
 * browser's {@code credential.toJSON()} carries fields Yubico does not model.
 */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .serializationInclusion(JsonInclude.Include.NON_ABSENT)
      .defaultBase64Variant(Base64Variants.MODIFIED_FOR_URL)
      .addModule(new Jdk8Module())
      .addModule(new JavaTimeModule())
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxStringLength(Answer.MAX_LENGTH).maxNestingDepth(32).build());
  }

  private static final TypeReference<PublicKeyCredential<AuthenticatorAssertionResponse,
      ClientAssertionExtensionOutputs>> ASSERTION = new TypeReference<>() {};
  private static final TypeReference<PublicKeyCredential<AuthenticatorAttestationResponse,
      ClientRegistrationExtensionOutputs>> REGISTRATION = new TypeReference<>() {};

  private Json() {}

  /** Thrown for any JSON the browser sent that cannot be read; never quotes the input. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String what, Throwable cause) {
      super(what + " is not a valid WebAuthn JSON document", cause);
    }
  }

  static PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>
      assertion(String json) throws MalformedException {
    try {
      return nonNull(MAPPER.readValue(json, ASSERTION), "assertion");
    } catch (JsonProcessingException | RuntimeException e) {
      // Yubico's constructors throw IllegalArgumentException and friends on bad CBOR or base64
      throw new MalformedException("assertion", e);
    }
  }

  static PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs>
      registration(String json) throws MalformedException {
    try {
      return nonNull(MAPPER.readValue(json, REGISTRATION), "registration");
    } catch (JsonProcessingException | RuntimeException e) {
      throw new MalformedException("registration", e);
    }
  }

  /** The JSON literal {@code null} reads as no object: malformed, like any other non-credential. */
  private static <T> T nonNull(T value, String what) throws MalformedException {
    if (value == null) {
      throw new MalformedException(what, null);
    }
    return value;
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored " + type.getSimpleName() + " is unreadable", e);
    }
  }
}
