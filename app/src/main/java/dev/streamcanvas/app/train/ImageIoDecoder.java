package dev.streamcanvas.app.train;

import dev.streamcanvas.app.source.AwtImages;
import dev.streamcanvas.engine.train.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * JPEG for the engine's dataset loader, used by the Train tab and the {@code train} command (the engine decodes
 * PNG itself and may not touch AWT).
 */
public final class ImageIoDecoder implements ImageDecoder {
    @Override
    public boolean accepts(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    @Override
    public Image decode(byte[] file, String name) throws IOException {
        BufferedImage img = AwtImages.readBounded(new ByteArrayInputStream(file), name);
        if (img == null) {
            throw new IOException(name + ": not a readable JPEG");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        return new Image(w, h, img.getRGB(0, 0, w, h, null, 0, w));
    }
}
