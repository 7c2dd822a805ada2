package dev.streamcanvas.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PNG's declared size is checked before anything is allocated for it (decompression bombs). */
class PngDeclaredSizeTest {
    @TempDir
    Path dir;

    /** A greyscale PNG whose IHDR says {@code w x h} and whose IDAT holds {@code rows} rows of zeros, deflated. */
    static byte[] greyPng(int w, int h, int rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        Png.chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        Deflater d = new Deflater(9);
        byte[] row = new byte[Math.max(0, w) + 1];
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int r = 0; r < rows; r++) {
            d.setInput(row);
            while (!d.needsInput()) {
                z.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            z.write(buf, 0, d.deflate(buf));
        }
        d.end();
        Png.chunk(out, "IDAT", z.toByteArray());
        Png.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderNamingSizeAndLimit() throws Exception {
        // 9000 x 8000 grey (72 megapixels; zlib of zeros, a few hundred kB): refused before any row is inflated
        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, greyPng(9000, 8000, 8000));
        assertThat(Files.size(bomb)).isLessThan(200_000);
        assertThatThrownBy(() -> Png.read(bomb)).hasMessageContaining("bomb.png")
                .hasMessageContaining("9000x8000").hasMessageContaining("limit of 67108864");
    }

    @Test
    void aHugeDeclaredSizeWithLittleDataIsRefusedAsTruncatedBeforeDecoding() {
        // within the pixel limit, but 60 MB of rows cannot come out of a few bytes of deflate data
        byte[] png = greyPng(8000, 7500, 1);
        assertThatThrownBy(() -> Png.decode(png)).hasMessageContaining("truncated")
                .hasMessageContaining("8000x7500");
    }

    @Test
    void negativeOrZeroDimensionsAreRefused() {
        assertThatThrownBy(() -> Png.decode(greyPng(0, 5, 0))).hasMessageContaining("bad image size 0x5");
        assertThatThrownBy(() -> Png.decode(greyPng(-3, 5, 0))).hasMessageContaining("bad image size -3x5");
    }

    @Test
    void anImageAtTheSizeItDeclaresStillDecodes() {
        Png.Image img = Png.decode(greyPng(300, 200, 200));
        assertThat(img.width()).isEqualTo(300);
        assertThat(img.height()).isEqualTo(200);
        assertThat(img.samples()).hasSize(300 * 200).containsOnly((byte) 0);
    }
}
