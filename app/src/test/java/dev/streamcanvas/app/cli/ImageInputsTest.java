package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInputsTest {
    @TempDir
    Path dir;

    /**
     * A grayscale PNG keeps its stored values (as PIL's convert("RGB") replicates L into R, G, B);
     * BufferedImage.getRGB would treat the gray as linear and brighten 128 to 188.
     */
    @Test
    void grayscalePngKeepsItsValues() throws IOException {
        int[] values = {0, 50, 128, 255};
        BufferedImage g = new BufferedImage(values.length, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < values.length; x++) {
            g.getRaster().setSample(x, 0, 0, values[x]);
        }
        Path file = dir.resolve("gray.png");
        ImageIO.write(g, "png", file.toFile());
        ImageInputs.Image img = ImageInputs.read(file);
        for (int x = 0; x < values.length; x++) {
            int v = values[x];
            assertThat(img.argb()[x]).as("pixel %d", x).isEqualTo(0xff000000 | v << 16 | v << 8 | v);
        }
    }

    /** 16-bit gray scales to 8 bits by value (65535 -> 255), without the linear-to-sRGB brightening. */
    @Test
    void sixteenBitGrayscalePngScalesByValue() throws IOException {
        BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setSample(0, 0, 0, 0);
        g.getRaster().setSample(1, 0, 0, 128 * 257);
        g.getRaster().setSample(2, 0, 0, 65535);
        Path file = dir.resolve("gray16.png");
        ImageIO.write(g, "png", file.toFile());
        ImageInputs.Image img = ImageInputs.read(file);
        assertThat(img.argb()).containsExactly(0xff000000, 0xff808080, 0xffffffff);
    }

    @Test
    void colourPngIsReadExactly() throws IOException {
        BufferedImage c = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        c.setRGB(0, 0, 0x102030);
        c.setRGB(1, 0, 0x7f80ff);
        Path file = dir.resolve("rgb.png");
        ImageIO.write(c, "png", file.toFile());
        assertThat(ImageInputs.read(file).argb()).containsExactly(0xff102030, 0xff7f80ff);
    }
}
