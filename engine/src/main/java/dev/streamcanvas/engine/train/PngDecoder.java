package dev.streamcanvas.engine.train;

import dev.streamcanvas.engine.io.Png;
import java.io.IOException;
import java.util.Locale;

/** The training {@link ImageDecoder} for {@code .png} files, decoding with {@link Png#decodeArgb(byte[])}. */
public final class PngDecoder implements ImageDecoder {
    @Override
    public boolean accepts(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".png");
    }

    @Override
    public Image decode(byte[] file, String name) throws IOException {
        try {
            Png.Argb img = Png.decodeArgb(file);
            return new Image(img.width(), img.height(), img.argb());
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }
}
