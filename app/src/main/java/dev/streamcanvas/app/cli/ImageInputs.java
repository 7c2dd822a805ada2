package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.source.AwtImages;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Reads input images for the headless commands (one file, or every image in a folder in name order). */
final class ImageInputs {
    private ImageInputs() {
    }

    /** An ARGB image. */
    record Image(Path file, int[] argb, int width, int height) {
    }

    static List<Path> list(Path input) throws IOException {
        if (Files.isDirectory(input)) {
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(input)) {
                s.filter(Files::isRegularFile).filter(p -> {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp")
                            || n.endsWith(".gif");
                }).sorted().forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new IOException(input + ": no images (expected .png, .jpg, .jpeg, .bmp or .gif files)");
            }
            return files;
        }
        if (!Files.isRegularFile(input)) {
            throw new IOException(input + ": no such file or folder");
        }
        return List.of(input);
    }

    /** Checks the header only: a readable image within the size limit ({@link AwtImages#probe}). */
    static int[] probe(Path file) throws IOException {
        return AwtImages.probe(file);
    }

    static Image read(Path file) throws IOException {
        BufferedImage img;
        img = AwtImages.readBounded(file.toFile(), file.toString()); // its messages start with the file name
        if (img == null) {
            throw new IOException(file + ": not a readable image (expected PNG, JPEG, BMP or GIF)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = isGray(img) ? grayPixels(img) : img.getRGB(0, 0, w, h, null, 0, w);
        return new Image(file, px, w, h);
    }

    /** Gray (or gray + alpha) images: Java treats their gray as linear and getRGB would brighten it. */
    private static boolean isGray(BufferedImage img) {
        return img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && img.getRaster().getNumBands() <= 2;
    }

    /** The stored gray values scaled to 8 bits and replicated into R, G, B (as PIL's convert("RGB")), opaque. */
    private static int[] grayPixels(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster r = img.getRaster();
        int bits = img.getColorModel().getComponentSize(0);
        double max = (1L << bits) - 1;
        int[] row = new int[w];
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int v = (int) Math.round(row[x] * 255.0 / max);
                px[y * w + x] = 0xff000000 | v << 16 | v << 8 | v;
            }
        }
        return px;
    }
}
