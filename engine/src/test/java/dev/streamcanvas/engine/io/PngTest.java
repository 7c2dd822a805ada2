package dev.streamcanvas.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the engine's PNG codec against the JDK's independent ImageIO codec (allowed in tests). */
class PngTest {
    @TempDir
    Path dir;

    private static byte[] pattern(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            // smooth ramps plus noise exercise every row filter
            b[i] = (byte) ((i / 7) % 256 + (rnd.nextInt(10) < 2 ? rnd.nextInt(256) : 0));
        }
        return b;
    }

    @Test
    void greyImagesWrittenHereReadBackInImageIo() throws IOException {
        int w = 53;
        int h = 17;
        byte[] g = pattern(w * h, 1);
        Path f = dir.resolve("g.png");
        Png.writeGray(f, w, h, g);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertThat(img.getRaster().getSample(x, y, 0)).isEqualTo(g[y * w + x] & 0xff);
            }
        }
        assertThat(Png.read(f).samples()).isEqualTo(g);
    }

    @Test
    void rgbImagesWrittenByImageIoDecodeHere() throws IOException {
        int w = 31;
        int h = 12;
        byte[] rgb = pattern(3 * w * h, 2);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = 3 * (y * w + x);
                img.setRGB(x, y, (rgb[p] & 0xff) << 16 | (rgb[p + 1] & 0xff) << 8 | (rgb[p + 2] & 0xff));
            }
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        Png.Image back = Png.decode(bos.toByteArray());
        assertThat(back.channels()).isEqualTo(3);
        assertThat(back.samples()).isEqualTo(rgb);
        // and the other direction
        BufferedImage again = ImageIO.read(new ByteArrayInputStream(Png.encode(w, h, 3, rgb)));
        assertThat(again.getRGB(5, 7) & 0xffffff).isEqualTo(img.getRGB(5, 7) & 0xffffff);
    }

    @Test
    void brokenFilesGiveMessagesNamingTheFile() throws IOException {
        Path f = dir.resolve("bad.png");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Png.read(f)).hasMessageContaining("bad.png").hasMessageContaining("signature");
        byte[] good = Png.encode(4, 4, 1, new byte[16]);
        good[good.length - 20] ^= 0x55; // corrupt the IDAT payload / CRC
        Files.write(f, good);
        assertThatThrownBy(() -> Png.read(f)).hasMessageContaining("bad.png");
        assertThatThrownBy(() -> Png.read(dir.resolve("missing.png"))).hasMessageContaining("not found");
    }

    @Test
    void paletteImagesGiveTheIndexAsSamplesAndTheColourAsArgb() throws IOException {
        int w = 6;
        int h = 3;
        byte[] reds = {(byte) 200, 10, 0, 77};
        byte[] greens = {0, 20, (byte) 255, 77};
        byte[] blues = {50, 30, 0, 77};
        IndexColorModel cm = new IndexColorModel(8, 4, reds, greens, blues);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x + y) % 4);
            }
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        byte[] file = bos.toByteArray();
        Png.Image idx = Png.decode(file);
        Png.Argb argb = Png.decodeArgb(file);
        assertThat(idx.channels()).isEqualTo(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = (x + y) % 4;
                assertThat(idx.samples()[y * w + x]).isEqualTo((byte) k);
                assertThat(argb.argb()[y * w + x]).isEqualTo(img.getRGB(x, y))
                        .isEqualTo(0xff000000 | (reds[k] & 0xff) << 16 | (greens[k] & 0xff) << 8 | (blues[k] & 0xff));
            }
        }
    }

    @Test
    void sixteenBitGreyKeepsTheHighByte() throws IOException {
        int w = 9;
        int h = 4;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        for (int i = 0; i < w * h; i++) {
            img.getRaster().setSample(i % w, i / w, 0, i * 1811 % 65536);
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bos);
        Png.Image back = Png.decode(bos.toByteArray());
        Png.Argb argb = Png.decodeArgb(bos.toByteArray());
        for (int i = 0; i < w * h; i++) {
            int hi = (i * 1811 % 65536) >> 8;
            assertThat(back.samples()[i] & 0xff).isEqualTo(hi);
            assertThat(argb.argb()[i]).isEqualTo(0xff000000 | hi << 16 | hi << 8 | hi);
        }
    }
}
