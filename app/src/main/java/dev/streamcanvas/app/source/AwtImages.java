package dev.streamcanvas.app.source;

import dev.streamcanvas.app.frame.Frame;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import dev.streamcanvas.engine.io.Png;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

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
            img = readBounded(file.toFile(), file.toString());
        } catch (IOException e) {
            throw new SourceException("Could not read image " + e.getMessage(), e);
        }
        if (img == null) {
            throw new SourceException("Image " + file + " is not in a readable format (expected PNG, JPEG, BMP or GIF).");
        }
        Frame f = new Frame(img.getWidth(), img.getHeight());
        toArgb(img, f.argb());
        return f;
    }

    /**
     * Like {@link ImageIO#read(java.io.File)}, but reads the declared width and height first and refuses an image
     * over {@link Png#MAX_PIXELS} before its pixels are allocated (a small file can declare a huge image).
     *
     * @param input a File, InputStream or anything {@link ImageIO#createImageInputStream} takes
     * @param name  names the file in messages
     * @return the image, or null when no installed reader understands the data
     * @throws IOException starting with {@code name}: the declared size and the limit, or the reader's failure
     */
    public static BufferedImage readBounded(Object input, String name) throws IOException {
        return withReader(input, name, r -> r.read(0));
    }

    /**
     * Checks that {@code file} is an image a reader understands and that its declared size is within the limit,
     * reading only its header.
     *
     * @return {width, height}
     * @throws IOException starting with the file name
     */
    public static int[] probe(Path file) throws IOException {
        int[] size = withReader(file.toFile(), file.toString(), r -> new int[] {r.getWidth(0), r.getHeight(0)});
        if (size == null) {
            throw new IOException(file + ": not a readable image (expected PNG, JPEG, BMP or GIF)");
        }
        return size;
    }

    private interface ReaderStep<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(Object input, String name, ReaderStep<T> step) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(input)) {
            if (in == null) {
                throw new IOException(name + ": cannot open the image");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                try {
                    Png.checkDeclaredSize(w, h);
                } catch (IllegalArgumentException e) {
                    throw new IOException(name + ": " + e.getMessage(), e);
                }
                return step.apply(reader);
            } catch (RuntimeException e) { // a reader's own failure on a hostile file
                throw new IOException(name + ": not a readable image (" + e + ")", e);
            } catch (IOException e) {
                String m = e.getMessage();
                throw m != null && m.startsWith(name) ? e : new IOException(name + ": not a readable image (" + m + ")", e);
            } finally {
                reader.dispose();
            }
        }
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
