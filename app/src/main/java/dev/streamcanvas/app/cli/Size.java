package dev.streamcanvas.app.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An image size given as {@code WxH} on the command line ({@code --size 512x512}). A single value type, so picocli
 * takes the option once instead of treating an array field as a repeated option.
 */
record Size(int width, int height) {
    Size {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        }
    }

    /** {@code {width, height}}. */
    int[] toArray() {
        return new int[] {width, height};
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }

    /** Parses {@code WxH}. */
    static final class Converter implements ITypeConverter<Size> {
        @Override
        public Size convert(String value) {
            String[] p = value.toLowerCase(Locale.ROOT).split("x");
            try {
                if (p.length == 2) {
                    int w = Integer.parseInt(p[0].trim());
                    int h = Integer.parseInt(p[1].trim());
                    if (w > 0 && h > 0) {
                        return new Size(w, h);
                    }
                }
            } catch (NumberFormatException e) {
                // fall through to the message
            }
            throw new TypeConversionException("'" + value + "' is not a size; expected WxH, e.g. 512x512");
        }
    }
}
