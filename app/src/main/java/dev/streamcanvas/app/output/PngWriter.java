package dev.streamcanvas.app.output;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.source.AwtImages;
import dev.streamcanvas.engine.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Writes frames as PNG files atomically, optionally with a tEXt chunk (e.g. "parameters"). */
public final class PngWriter {
    private PngWriter() {
    }

    /** Writes {@code frame} to {@code file}; with {@code keyword} non-null adds a tEXt chunk keyword=text. */
    public static void write(Frame frame, Path file, String keyword, String text) throws IOException {
        BufferedImage img = AwtImages.toImage(frame);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try {
            IIOMetadata meta = null;
            if (keyword != null) {
                meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), writer.getDefaultWriteParam());
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", keyword);
                entry.setAttribute("value", latin1(text));
                IIOMetadataNode textNode = new IIOMetadataNode("tEXt");
                textNode.appendChild(entry);
                IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
                root.appendChild(textNode);
                try {
                    meta.mergeTree("javax_imageio_png_1.0", root);
                } catch (IIOInvalidTreeException e) {
                    throw new IOException("could not add the " + keyword + " text to " + file + ": " + e.getMessage(), e);
                }
            }
            IIOMetadata m = meta;
            AtomicFiles.write(file, out -> {
                try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                    writer.setOutput(ios);
                    writer.write(null, new IIOImage(img, null, m), null);
                }
            });
        } finally {
            writer.dispose();
        }
    }

    /**
     * A user's text (a prompt) as one line for a "parameters" text: line breaks, NUL and every other control
     * character become spaces, so a prompt cannot add its own "Negative prompt:" or "Steps:" lines, and tEXt never
     * holds a NUL (the PNG specification forbids it).
     */
    public static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }

    /** tEXt holds Latin-1; other characters become '?'. */
    private static String latin1(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c <= 0xFF ? c : '?');
        }
        return b.toString();
    }
}
