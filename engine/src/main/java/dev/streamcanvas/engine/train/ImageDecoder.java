package dev.streamcanvas.engine.train;

import java.io.IOException;

/**
 * Decodes one image file format to ARGB pixels. The engine ships {@link PngDecoder} (over {@link dev.streamcanvas.engine.io.Png}); the app adds decoders for
 * other formats (e.g. JPEG through javax.imageio), since the engine may not touch AWT types.
 */
public interface ImageDecoder {
    /** Whether this decoder handles files with this name (by extension). */
    boolean accepts(String fileName);

    /** Decodes the whole file; throws with a message naming {@code name} when the file is not a valid image. */
    Image decode(byte[] file, String name) throws IOException;

    /** Non-premultiplied ARGB pixels, row-major. */
    record Image(int width, int height, int[] argb) {
    }
}
