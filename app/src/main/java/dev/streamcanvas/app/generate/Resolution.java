package dev.streamcanvas.app.generate;

import java.util.List;

/** A generation size offered in the resolution menu. */
public record Resolution(int width, int height) {
    public static final List<Resolution> CHOICES = List.of(new Resolution(128, 128), new Resolution(256, 256),
            new Resolution(384, 384), new Resolution(512, 512), new Resolution(512, 384), new Resolution(384, 512),
            new Resolution(640, 360), new Resolution(768, 768));

    @Override
    public String toString() {
        return width + " × " + height;
    }
}
