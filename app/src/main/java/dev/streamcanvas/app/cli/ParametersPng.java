package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.NodeList;

/**
 * Writes PNGs that carry their generation parameters in a text chunk with the keyword {@code parameters}, as
 * AUTOMATIC1111's web UI does ({@code tEXt} when the text is Latin-1, {@code iTXt} UTF-8 otherwise), atomically.
 */
final class ParametersPng {
    static final String KEYWORD = "parameters";
    private static final String FORMAT = "javax_imageio_png_1.0";

    private ParametersPng() {
    }

    static void write(Path file, int[] argb, int width, int height, String parameters) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, argb, 0, width);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
            IIOMetadataNode root = new IIOMetadataNode(FORMAT);
            if (isLatin1(parameters)) {
                IIOMetadataNode text = new IIOMetadataNode("tEXt");
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", KEYWORD);
                entry.setAttribute("value", parameters);
                text.appendChild(entry);
                root.appendChild(text);
            } else {
                IIOMetadataNode text = new IIOMetadataNode("iTXt");
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", KEYWORD);
                entry.setAttribute("compressionFlag", "FALSE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", parameters);
                text.appendChild(entry);
                root.appendChild(text);
            }
            meta.mergeTree(FORMAT, root);
            AtomicFiles.write(file, out -> {
                try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                    writer.setOutput(ios);
                    writer.write(null, new IIOImage(img, null, meta), param);
                }
            });
        } finally {
            writer.dispose();
        }
    }

    /** The {@code parameters} text of a PNG, or null when it has none. */
    static String read(Path file) throws IOException {
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            javax.imageio.ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in);
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree(FORMAT);
                for (String kind : new String[] {"tEXtEntry", "iTXtEntry"}) {
                    NodeList entries = root.getElementsByTagName(kind);
                    for (int i = 0; i < entries.getLength(); i++) {
                        IIOMetadataNode e = (IIOMetadataNode) entries.item(i);
                        if (KEYWORD.equals(e.getAttribute("keyword"))) {
                            return kind.startsWith("t") ? e.getAttribute("value") : e.getAttribute("text");
                        }
                    }
                }
                return null;
            } finally {
                reader.dispose();
            }
        }
    }

    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }
}
