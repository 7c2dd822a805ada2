package dev.streamcanvas.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.train.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageIoDecoderTest {
    @Test
    void acceptsJpegNamesAndDecodesAFlatColourNamingBrokenFiles() throws IOException {
        ImageIoDecoder d = new ImageIoDecoder();
        assertThat(d.accepts("a.JPG")).isTrue();
        assertThat(d.accepts("b.jpeg")).isTrue();
        assertThat(d.accepts("c.png")).isFalse();
        int w = 16;
        int h = 8;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, 0x3080c0);
            }
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, "jpg", bos)).isTrue();
        ImageDecoder.Image back = d.decode(bos.toByteArray(), "flat.jpg");
        assertThat(back.width()).isEqualTo(w);
        assertThat(back.height()).isEqualTo(h);
        int p = back.argb()[3 * w + 5];
        assertThat(p >>> 24).isEqualTo(255);
        assertThat((p >> 16) & 255).isBetween(0x30 - 4, 0x30 + 4); // JPEG is lossy: a flat colour stays close
        assertThat((p >> 8) & 255).isBetween(0x80 - 4, 0x80 + 4);
        assertThat(p & 255).isBetween(0xc0 - 4, 0xc0 + 4);
        assertThatThrownBy(() -> d.decode(new byte[] {1, 2, 3}, "broken.jpg")).hasMessageContaining("broken.jpg");
    }
}
