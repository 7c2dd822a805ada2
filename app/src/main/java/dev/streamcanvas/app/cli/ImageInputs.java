package dev.streamcanvas.app.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

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

    static Image read(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(file + ": not a readable image (expected PNG, JPEG, BMP or GIF)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        return new Image(file, px, w, h);
    }
}
