package dev.mfa4j.totp;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.PlanarYUVLuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.WriterException;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A QR code of some text (an {@code otpauth://} URI), drawn locally with ZXing: never sent to a
 * web service. Rendered as PNG bytes, a PNG {@code data:} URI for an {@code <img>}, or an SVG
 * string. The text may hold a secret, so {@code toString} is redacted.
 */
public final class QrCode {
  /** Pixels per module at which a new code must read back (the detector is scale-sensitive). */
  private static final int[] CHECKED_SCALES = {3, 4, 5, 8};

  private final ByteMatrix modules;
  private final QrOptions options;

  private QrCode(ByteMatrix modules, QrOptions options) {
    this.modules = modules;
    this.options = options;
  }

  /**
   * Encodes text (as UTF-8 bytes).
   *
   * @param text what to encode
   * @param options size, margin and error-correction level
   * @return the QR code
   * @throws IllegalArgumentException if the text does not fit in a QR code at that level
   */
  public static QrCode of(String text, QrOptions options) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(options, "options");
    ErrorCorrectionLevel level = ErrorCorrectionLevel.valueOf(options.errorCorrection().name());
    try {
      ByteMatrix chosen = Encoder.encode(text, level, Map.of(EncodeHintType.CHARACTER_SET, "UTF-8"))
          .getMatrix();
      if (readsBack(chosen, text)) {
        return new QrCode(chosen, options);
      }
      // About 3% of otpauth URIs get a mask that ZXing's own camera-style detector cannot find
      // in a perfect image (scanner apps built on ZXing would fail the same way). Any of the eight
      // masks is valid QR; take the first one that a scanner reads back.
      for (int mask = 0; mask < 8; mask++) {
        ByteMatrix other = Encoder.encode(text, level, Map.of(EncodeHintType.CHARACTER_SET,
            "UTF-8", EncodeHintType.QR_MASK_PATTERN, mask)).getMatrix();
        if (readsBack(other, text)) {
          return new QrCode(other, options);
        }
      }
      return new QrCode(chosen, options);
    } catch (WriterException e) {
      throw new IllegalArgumentException("text does not fit in a QR code", e);
    }
  }

  /**
   * Whether ZXing's general detector (the one scanner apps use on camera frames, not the
   * pure-barcode shortcut) finds and decodes the matrix drawn with a 4-module quiet zone.
   */
  static boolean readsBack(ByteMatrix matrix, String text) {
    for (int scale : CHECKED_SCALES) {
      if (!readsBack(matrix, text, scale, 4)) {
        return false;
      }
    }
    return true;
  }

  static boolean readsBack(ByteMatrix matrix, String text, int scale, int quiet) {
    int n = matrix.getWidth();
    int side = (n + 2 * quiet) * scale;
    byte[] pixels = new byte[side * side];
    Arrays.fill(pixels, (byte) 0xFF);
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        if (matrix.get(x, y) == 1) {
          for (int dy = 0; dy < scale; dy++) {
            int row = ((y + quiet) * scale + dy) * side + (x + quiet) * scale;
            Arrays.fill(pixels, row, row + scale, (byte) 0);
          }
        }
      }
    }
    var source = new PlanarYUVLuminanceSource(pixels, side, side, 0, 0, side, side, false);
    try {
      var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)),
          Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE));
      return text.equals(result.getText());
    } catch (ReaderException e) {
      return false;
    }
  }

  /** {@return modules per side, without the margin} */
  public int modules() {
    return modules.getWidth();
  }

  /** {@return the options it was made with} */
  public QrOptions options() {
    return options;
  }

  private int quiet() {
    return options.margin();
  }

  private int pixelsPerModule() {
    int full = modules.getWidth() + 2 * quiet();
    return Math.max(1, options.size() / full);
  }

  private boolean dark(int x, int y) {
    return modules.get(x, y) == 1;
  }

  /**
   * A black-on-white PNG of {@code size} pixels square (larger if the code needs more than one
   * pixel per module at that size).
   *
   * @return the PNG file's bytes
   */
  public byte[] png() {
    int n = modules.getWidth();
    int scale = pixelsPerModule();
    int side = Math.max(options.size(), (n + 2 * quiet()) * scale);
    int offset = (side - n * scale) / 2;
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, side, side);
      g.setColor(Color.BLACK);
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          if (dark(x, y)) {
            g.fillRect(offset + x * scale, offset + y * scale, scale, scale);
          }
        }
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("the JDK has no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@return {@code data:image/png;base64,…} of {@link #png()}} */
  public String dataUri() {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png());
  }

  /**
   * An SVG document, {@code size} pixels square, drawn in module units ({@code viewBox} includes
   * the margin) as one white background {@code <rect>} and one black {@code <rect>} per horizontal
   * run of dark modules, so it scales without blurring.
   *
   * @return the SVG document
   */
  public String svg() {
    int n = modules.getWidth();
    int full = n + 2 * quiet();
    StringBuilder b = new StringBuilder(64 + n * n * 6);
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"")
        .append(options.size()).append("\" height=\"").append(options.size())
        .append("\" viewBox=\"0 0 ").append(full).append(' ').append(full)
        .append("\" shape-rendering=\"crispEdges\">");
    b.append("<rect x=\"0\" y=\"0\" width=\"").append(full).append("\" height=\"").append(full)
        .append("\" fill=\"#ffffff\"/>");
    for (int y = 0; y < n; y++) {
      int x = 0;
      while (x < n) {
        if (!dark(x, y)) {
          x++;
          continue;
        }
        int start = x;
        while (x < n && dark(x, y)) {
          x++;
        }
        b.append("<rect x=\"").append(start + quiet()).append("\" y=\"").append(y + quiet())
            .append("\" width=\"").append(x - start).append("\" height=\"1\" fill=\"#000000\"/>");
      }
    }
    b.append("</svg>");
    return b.toString();
  }

  /** Redacted: the content may hold a secret. */
  @Override
  public String toString() {
    return "QrCode[" + modules.getWidth() + " modules, " + options + ", content redacted]";
  }
}
