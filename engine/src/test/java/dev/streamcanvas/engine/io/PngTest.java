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

    /** A TYPE_BYTE_BINARY image (1, 2 or 4 bits per pixel) with a palette, written by ImageIO as a sub-byte PNG. */
    private static BufferedImage packedPaletteImage(int bits, int w, int h) {
        int n = 1 << bits;
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        byte[] a = new byte[n];
        for (int k = 0; k < n; k++) {
            r[k] = (byte) (37 * k + 11);
            g[k] = (byte) (255 - 19 * k);
            b[k] = (byte) (k * k * 3);
            a[k] = (byte) (k == 1 ? 0 : 255); // one transparent entry: tRNS
        }
        IndexColorModel cm = new IndexColorModel(bits, n, r, g, b, a);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, cm);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 3 + y * 5) % n);
            }
        }
        return img;
    }

    @Test
    void subBytePaletteImagesDecodeLikeImageIo() throws IOException {
        // widths that do not fill the last byte of a row exercise the padding bits
        for (int bits : new int[] {1, 2, 4}) {
            int w = 13;
            int h = 5;
            BufferedImage img = packedPaletteImage(bits, w, h);
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            ImageIO.write(img, "png", bos);
            byte[] file = bos.toByteArray();
            assertThat(file[24]).as("bit depth in IHDR").isEqualTo((byte) bits);
            Png.Image idx = Png.decode(file);
            Png.Argb argb = Png.decodeArgb(file);
            // the writer may order the palette its own way: the stored index is what ImageIO reads back
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(file));
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertThat(idx.samples()[y * w + x] & 0xff).as("index at %d,%d, %d bits", x, y, bits)
                            .isEqualTo(back.getRaster().getSample(x, y, 0));
                    assertThat(argb.argb()[y * w + x]).as("colour at %d,%d, %d bits", x, y, bits)
                            .isEqualTo(img.getRGB(x, y));
                }
            }
        }
    }

    @Test
    void subByteGreyIsScaledToTheFullRange() throws IOException {
        // a 2-bit grey PNG written by hand: samples 0..3 become 0, 85, 170, 255
        int w = 7;
        int h = 2;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int[][] rows = {{0, 1, 2, 3, 3, 2, 1}, {3, 3, 0, 0, 1, 1, 2}};
        for (int[] row : rows) {
            raw.write(0); // filter: none
            int acc = 0;
            int nbits = 0;
            for (int v : row) {
                acc = acc << 2 | v;
                nbits += 2;
                if (nbits == 8) {
                    raw.write(acc);
                    acc = 0;
                    nbits = 0;
                }
            }
            if (nbits > 0) {
                raw.write(acc << (8 - nbits));
            }
        }
        java.util.zip.Deflater def = new java.util.zip.Deflater();
        def.setInput(raw.toByteArray());
        def.finish();
        byte[] buf = new byte[256];
        int zlen = def.deflate(buf);
        def.end();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h);
        ihdr.put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(file, "IHDR", ihdr.array());
        chunk(file, "IDAT", java.util.Arrays.copyOf(buf, zlen));
        chunk(file, "IEND", new byte[0]);

        Png.Image img = Png.decode(file.toByteArray());
        assertThat(img.channels()).isEqualTo(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertThat(img.samples()[y * w + x] & 0xff).isEqualTo(rows[y][x] * 85);
            }
        }
        BufferedImage ref = ImageIO.read(new ByteArrayInputStream(file.toByteArray()));
        assertThat(Png.decodeArgb(file.toByteArray()).argb()[3]).isEqualTo(ref.getRGB(3, 0)).isEqualTo(0xffffffff);
    }

    @Test
    void bitDepthsTheStandardForbidsForAColourTypeAreRefusedByName() {
        byte[] rgb = Png.encode(2, 2, 3, new byte[12]);
        rgb[24] = 4; // RGB at 4 bits: not a legal PNG
        fixCrc(rgb, 12, 13);
        assertThatThrownBy(() -> Png.decode(rgb)).hasMessageContaining("bit depth 4")
                .hasMessageContaining("colour type 2");
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length).put(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        b.putInt((int) crc.getValue());
        out.writeBytes(b.array());
    }

    /** Recomputes the CRC of the chunk whose type starts at {@code typeAt} and whose data is {@code len} long. */
    private static void fixCrc(byte[] file, int typeAt, int len) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(file, typeAt, 4 + len);
        java.nio.ByteBuffer.wrap(file).putInt(typeAt + 4 + len, (int) crc.getValue());
    }
}
