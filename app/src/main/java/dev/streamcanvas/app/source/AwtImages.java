package dev.streamcanvas.app.source;

import dev.streamcanvas.app.frame.Frame;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Conversions between AWT images and ARGB frames, and image file reading with clear errors. */
public final class AwtImages {
    private AwtImages() {
    }

    /** Reads a PNG/JPEG/BMP/GIF file into an opaque ARGB frame. */
    public static Frame read(Path file) throws SourceException {
        if (!Files.isRegularFile(file)) {
            throw new SourceException("Image file " + file + " does not exist or is not a file.");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new SourceException("Could not read image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new SourceException("Image " + file + " is not in a readable format (expected PNG, JPEG, BMP or GIF).");
        }
        Frame f = new Frame(img.getWidth(), img.getHeight());
        toArgb(img, f.argb());
        return f;
    }

    /**
     * Copies an image's pixels into {@code dst} as opaque ARGB (fast paths for the byte-BGR and int-RGB
     * layouts that cameras deliver; no allocation on those paths).
     */
    public static void toArgb(BufferedImage img, int[] dst) {
        int w = img.getWidth();
        int h = img.getHeight();
        int type = img.getType();
        if (type == BufferedImage.TYPE_3BYTE_BGR && img.getRaster().getDataBuffer() instanceof DataBufferByte) {
            byte[] b = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0, j = 0; i < w * h; i++, j += 3) {
                dst[i] = 0xFF000000 | (b[j + 2] & 0xFF) << 16 | (b[j + 1] & 0xFF) << 8 | (b[j] & 0xFF);
            }
        } else if ((type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                && img.getRaster().getDataBuffer() instanceof DataBufferInt) {
            int[] p = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < w * h; i++) {
                dst[i] = 0xFF000000 | p[i];
            }
        } else {
            img.getRGB(0, 0, w, h, dst, 0, w);
            for (int i = 0; i < w * h; i++) {
                dst[i] |= 0xFF000000;
            }
        }
    }

    /** A new int-RGB image holding a copy of the frame (for saving). */
    public static BufferedImage toImage(Frame f) {
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        int[] p = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(f.argb(), 0, p, 0, f.width() * f.height());
        return img;
    }
}
