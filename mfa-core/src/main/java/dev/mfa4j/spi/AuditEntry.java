package dev.mfa4j.spi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One audit event at its place in its practice's hash chain. Each practice's events are numbered
 * 1, 2, 3, … ({@code seq}); each entry's {@code digest} covers the previous entry's digest and the
 * entry's own canonical content, so a changed, deleted, inserted or reordered row breaks the
 * chain where it happened.
 *
 * <p>The digest, so that anyone can recompute it outside mfa4j: {@code SHA-256} over the ASCII
 * bytes {@code mfa4j-audit-v1}, one zero byte, the 32 bytes of {@code prev}, then these fields in
 * this order, each as a 4-byte big-endian length followed by its UTF-8 bytes (an absent field as
 * the length {@code 0xFFFFFFFF} and no bytes): practice, seq (decimal), id, at (microseconds since
 * the epoch, decimal), subject, actor, type, outcome, ip, user agent, the number of details
 * (decimal), then each detail's key and value, ordered by key. The first entry's {@code prev} is
 * {@link #GENESIS}; {@code digest} and {@code prev} are lowercase hex.
 *
 * @param seq the entry's place in its practice's chain, from 1
 * @param event the event (its {@code at} in whole microseconds)
 * @param prev the previous entry's digest, or {@link #GENESIS}
 * @param digest this entry's digest
 */
public record AuditEntry(long seq, AuditEvent event, String prev, String digest) {
  /** The {@code prev} of a chain's first entry: 64 zeros. */
  public static final String GENESIS = "0".repeat(64);

  private static final HexFormat HEX = HexFormat.of();

  /** Checks for nulls and the digests' form. */
  public AuditEntry {
    Objects.requireNonNull(event, "event");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1");
    }
    checkDigest(prev, "prev");
    checkDigest(digest, "digest");
  }

  /**
   * The entry that follows {@code prev} at place {@code seq}, with its digest computed.
   *
   * @throws IllegalArgumentException if the event's time has a fraction below a microsecond
   */
  public static AuditEntry chain(long seq, String prev, AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (event.at().getNano() % 1_000 != 0) {
      throw new IllegalArgumentException("an audit event's time must be whole microseconds");
    }
    return new AuditEntry(seq, event, prev, digestOf(seq, prev, event));
  }

  /** Whether {@code digest} is the digest of {@code prev} and this content at {@code seq}. */
  public boolean intact() {
    return intactAt(seq);
  }

  /** Whether {@code digest} would be right had this entry been written at place {@code at}. */
  public boolean intactAt(long at) {
    return at >= 1 && MessageDigest.isEqual(
        digest.getBytes(StandardCharsets.US_ASCII),
        digestOf(at, prev, event).getBytes(StandardCharsets.US_ASCII));
  }

  /** The digest of {@code event} at place {@code seq} after {@code prev}, as documented above. */
  public static String digestOf(long seq, String prev, AuditEvent event) {
    checkDigest(prev, "prev");
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes("mfa4j-audit-v1".getBytes(StandardCharsets.US_ASCII));
    out.write(0);
    out.writeBytes(HEX.parseHex(prev));
    field(out, event.practice().value());
    field(out, Long.toString(seq));
    field(out, event.id());
    field(out, Long.toString(micros(event.at())));
    field(out, event.subject().map(u -> u.value()));
    field(out, event.actor().map(u -> u.value()));
    field(out, event.type().name());
    field(out, event.outcome().name());
    field(out, event.ip());
    field(out, event.userAgent());
    Map<String, String> details = new TreeMap<>(event.details());
    field(out, Integer.toString(details.size()));
    details.forEach((k, v) -> {
      field(out, k);
      field(out, v);
    });
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Microseconds since the epoch. */
  public static long micros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
  }

  private static void field(ByteArrayOutputStream out, Optional<String> value) {
    if (value.isEmpty()) {
      out.write(0xff);
      out.write(0xff);
      out.write(0xff);
      out.write(0xff);
      return;
    }
    field(out, value.get());
  }

  private static void field(ByteArrayOutputStream out, String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >>> 24);
    out.write(b.length >>> 16);
    out.write(b.length >>> 8);
    out.write(b.length);
    out.writeBytes(b);
  }

  private static void checkDigest(String d, String name) {
    Objects.requireNonNull(d, name);
    if (d.length() != 64 || !d.chars().allMatch(ch -> (ch >= '0' && ch <= '9')
        || (ch >= 'a' && ch <= 'f'))) {
      throw new IllegalArgumentException(name + " must be 64 lowercase hex digits");
    }
  }
}
