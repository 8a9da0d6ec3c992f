package dev.mfa4j.totp;

import java.util.Objects;

/**
 * How to draw a QR code.
 *
 * @param size width and height in pixels, 64 to 4096 (the code is scaled by whole pixels per
 *     module and centred)
 * @param margin quiet zone in modules, 0 to 16 (ISO/IEC 18004 asks for 4)
 * @param errorCorrection the error-correction level
 */
public record QrOptions(int size, int margin, ErrorCorrection errorCorrection) {
  /** 256 px, 4 modules of margin, level M. */
  public static final QrOptions DEFAULTS = new QrOptions(256, 4, ErrorCorrection.M);

  /** QR error-correction levels (ISO/IEC 18004 §6.5.1): share of codewords that may be lost. */
  public enum ErrorCorrection {
    /** About 7%. */
    L,
    /** About 15%. */
    M,
    /** About 25%. */
    Q,
    /** About 30%. */
    H
  }

  /**
   * Validates.
   *
   * @param size side in pixels
   * @param margin quiet zone in modules
   * @param errorCorrection the error-correction level
   * @throws IllegalArgumentException if out of range
   */
  public QrOptions {
    Objects.requireNonNull(errorCorrection, "errorCorrection");
    if (size < 64 || size > 4096) {
      throw new IllegalArgumentException("size must be 64 to 4096 pixels");
    }
    if (margin < 0 || margin > 16) {
      throw new IllegalArgumentException("margin must be 0 to 16 modules");
    }
  }

  /**
   * A copy with another size.
   *
   * @param value side in pixels
   * @return the copy
   */
  public QrOptions withSize(int value) {
    return new QrOptions(value, margin, errorCorrection);
  }

  /**
   * A copy with another margin.
   *
   * @param value quiet zone in modules
   * @return the copy
   */
  public QrOptions withMargin(int value) {
    return new QrOptions(size, value, errorCorrection);
  }

  /**
   * A copy with another error-correction level.
   *
   * @param value the error-correction level
   * @return the copy
   */
  public QrOptions withErrorCorrection(ErrorCorrection value) {
    return new QrOptions(size, margin, value);
  }
}
