package dev.mfa4j.sms;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A reference {@link MessageSender} for a Twilio-style REST API, on {@code java.net.http} only.
 *
 * <ul>
 *   <li>SMS: {@code POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json}, form-encoded
 *       {@code To}, {@code From}, {@code Body}.
 *   <li>VOICE: {@code POST {base}/2010-04-01/Accounts/{AccountSid}/Calls.json}, form-encoded {@code
 *       To}, {@code From}, {@code Twiml} = {@code <Response><Say language="…">text</Say></Response>}.
 *   <li>HTTP basic authentication with the account SID and auth token (or an API key SID and
 *       secret).
 *   <li>{@code 201} with a {@code sid} → accepted. {@code 400} with code {@code 21211} (invalid
 *       number) and the other 4xx → permanent. {@code 429} (code {@code 20429}), 5xx, timeouts and
 *       I/O errors → retryable. Twilio's error {@code message} is never passed on: it repeats the
 *       number. The reason is a fixed phrase and the provider code.
 *   <li>The message's idempotency key is sent as an {@code Idempotency-Key} header, for gateways
 *       that deduplicate by it (Twilio's Messages API does not document one).
 * </ul>
 *
 * <p>Each call waits at most the connect timeout plus the response timeout (defaults 5 s each).
 * Thread-safe; one instance shares one {@link HttpClient}.
 */
public final class TwilioSender implements MessageSender {
  private static final Pattern SID = Pattern.compile("\"sid\"\\s*:\\s*\"([A-Za-z0-9]{2,64})\"");
  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"?([0-9]{1,8})\"?");

  private final URI base;
  private final String accountSid;
  private final String authorization;
  private final String from;
  private final Duration responseTimeout;
  private final HttpClient client;

  private TwilioSender(Builder b) {
    this.base = b.base;
    this.accountSid = b.accountSid;
    this.authorization = "Basic " + Base64.getEncoder().encodeToString(
        (b.keySid != null ? b.keySid + ":" + b.keySecret : b.accountSid + ":" + b.authToken)
            .getBytes(StandardCharsets.UTF_8));
    this.from = b.from;
    this.responseTimeout = b.responseTimeout;
    this.client = HttpClient.newBuilder()
        .connectTimeout(b.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** A builder; account SID, auth token and sender number are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Posts the message; never throws for provider or network trouble. */
  @Override
  public SendResult send(OutboundMessage message) {
    Objects.requireNonNull(message, "message");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("To", message.destination());
    form.put("From", from);
    String resource;
    if (message.channel() == Channel.SMS) {
      resource = "Messages.json";
      form.put("Body", message.revealText());
    } else {
      resource = "Calls.json";
      form.put("Twiml", twiml(message.revealText(), message.locale()));
    }
    URI uri = base.resolve("/2010-04-01/Accounts/" + accountSid + "/" + resource);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(responseTimeout)
        .header("Authorization", authorization)
        .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .header("Accept", "application/json")
        .header("Idempotency-Key", message.idempotencyKey())
        .POST(HttpRequest.BodyPublishers.ofString(formEncode(form), StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      return SendResult.retryable("timeout waiting for the provider", Optional.empty());
    } catch (IOException e) {
      return SendResult.retryable("network error talking to the provider", Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return SendResult.retryable("interrupted while waiting for the provider", Optional.empty());
    }
    return interpret(response.statusCode(), response.body());
  }

  static SendResult interpret(int status, String body) {
    Optional<String> code = find(CODE, body);
    if (status == 200 || status == 201) {
      return find(SID, body).map(SendResult::accepted).orElseGet(
          () -> SendResult.retryable("provider accepted without a message id", code));
    }
    if (status == 429 || code.filter("20429"::equals).isPresent()) {
      return SendResult.retryable("rate limited by the provider", code);
    }
    if (status >= 500) {
      return SendResult.retryable("provider server error (HTTP " + status + ")", code);
    }
    if (status == 401 || status == 403) {
      return SendResult.permanent("provider refused the credentials (HTTP " + status + ")", code);
    }
    String reason;
    switch (code.orElse("")) {
      case "21211":
        reason = "invalid destination number";
        break;
      case "21614":
        reason = "destination is not a mobile number";
        break;
      case "21408":
      case "21215":
        reason = "sending to this region is not enabled";
        break;
      case "21610":
        reason = "destination has unsubscribed";
        break;
      default:
        reason = "provider refused the message (HTTP " + status + ")";
    }
    return SendResult.permanent(reason, code);
  }

  private static Optional<String> find(Pattern p, String body) {
    if (body == null) {
      return Optional.empty();
    }
    Matcher m = p.matcher(body);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** {@code <Response><Say language="en-US">…</Say></Response>}, text XML-escaped. */
  static String twiml(String text, Locale locale) {
    String language = locale.getCountry().isEmpty()
        ? locale.getLanguage() : locale.getLanguage() + "-" + locale.getCountry();
    return "<Response><Say language=\"" + xml(language) + "\">" + xml(text) + "</Say></Response>";
  }

  private static String xml(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String formEncode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  @Override
  public String toString() {
    return "TwilioSender[base=" + base + ", account=" + accountSid + ", credentials=redacted]";
  }

  /** Configures a {@link TwilioSender}. */
  public static final class Builder {
    private URI base = URI.create("https://api.twilio.com");
    private String accountSid;
    private String authToken;
    private String keySid;
    private String keySecret;
    private String from;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration responseTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /** The API's base URI (default {@code https://api.twilio.com}); tests point it at loopback. */
    public Builder baseUri(URI base) {
      this.base = Objects.requireNonNull(base, "base");
      return this;
    }

    /**
     * The account SID ({@code AC…}) and its auth token. Required; pass a null-free token even when
     * authenticating with {@link #apiKey}, which then takes precedence.
     */
    public Builder account(String accountSid, String authToken) {
      this.accountSid = checkSid(accountSid);
      this.authToken = Objects.requireNonNull(authToken, "authToken");
      return this;
    }

    /** Authenticates with an API key ({@code SK…}) and its secret instead of the auth token. */
    public Builder apiKey(String keySid, String keySecret) {
      this.keySid = checkSid(keySid);
      this.keySecret = Objects.requireNonNull(keySecret, "keySecret");
      return this;
    }

    /** The sending number (E.164) or messaging-service-capable sender id. Required. */
    public Builder from(String from) {
      this.from = Objects.requireNonNull(from, "from");
      return this;
    }

    /** How long to wait for a connection (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout);
      return this;
    }

    /** How long to wait for the response once sent (default 5 s). */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout);
      return this;
    }

    private static Duration positive(Duration d) {
      Objects.requireNonNull(d, "timeout");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      return d;
    }

    private static String checkSid(String sid) {
      Objects.requireNonNull(sid, "sid");
      if (!sid.matches("[A-Za-z0-9]{2,64}")) {
        throw new IllegalArgumentException("a SID is 2 to 64 letters and digits");
      }
      return sid;
    }

    /**
     * Builds the sender.
     *
     * @throws IllegalStateException if the account or sender number is missing
     */
    public TwilioSender build() {
      if (accountSid == null || authToken == null || from == null) {
        throw new IllegalStateException("account(...) and from(...) are required");
      }
      return new TwilioSender(this);
    }
  }
}
