package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path dir;

    @Test
    void pngDecoderReturnsTheEncodedPixelsWithAlpha() throws IOException {
        int w = 5;
        int h = 4;
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = (i * 37 % 256) << 24 | (i * 11 % 256) << 16 | (i * 53 % 256) << 8 | (i * 97 % 256);
        }
        ImageDecoder.Image img = new PngDecoder().decode(TestImages.png(w, h, argb, true), "t.png");
        assertThat(img.width()).isEqualTo(w);
        assertThat(img.height()).isEqualTo(h);
        assertThat(img.argb()).containsExactly(argb);
        int[] opaque = argb.clone();
        for (int i = 0; i < opaque.length; i++) {
            opaque[i] |= 0xff000000;
        }
        assertThat(new PngDecoder().decode(TestImages.png(w, h, opaque, false), "t.png").argb()).containsExactly(opaque);
    }

    @Test
    void corruptPngIsRejectedNamingTheFile() throws IOException {
        byte[] good = TestImages.png(2, 2, new int[] {-1, -1, -1, -1}, true);
        good[good.length - 20] ^= 0x55; // inside the IDAT chunk: its CRC no longer matches
        assertThatThrownBy(() -> new PngDecoder().decode(good, "bad.png")).hasMessageContaining("bad.png");
        assertThatThrownBy(() -> new PngDecoder().decode(new byte[] {1, 2, 3}, "x.png")).hasMessageContaining("x.png")
                .hasMessageContaining("signature");
    }

    @Test
    void folderSkipsCorruptFilesAndTakesCaptionsFromSidecarJsonAndName() throws IOException {
        int[] red = new int[4 * 4];
        java.util.Arrays.fill(red, 0xffff0000);
        int[] clear = new int[4 * 4]; // fully transparent black -> white after compositing
        Files.write(dir.resolve("a_red-thing.png"), TestImages.png(4, 4, red, true));
        Files.write(dir.resolve("b.png"), TestImages.png(4, 4, clear, true));
        Files.write(dir.resolve("c.png"), TestImages.png(4, 4, red, true));
        Files.writeString(dir.resolve("c.txt"), "from the sidecar\n", StandardCharsets.UTF_8);
        Files.write(dir.resolve("d.png"), new byte[] {0x89 - 256, 'P', 'N', 'G', 0});
        Files.writeString(dir.resolve("captions.json"), "{\"b.png\": \"from json\", \"c.png\": \"ignored\"}");
        ImageFolder f = ImageFolder.load(dir, 4, List.of(new PngDecoder()));
        assertThat(f.size()).isEqualTo(3);
        assertThat(f.skipped()).isEqualTo(1);
        assertThat(f.captions()).containsExactly("a red thing", "from json", "from the sidecar");
        assertThat((double) f.image(0)[0]).isCloseTo(1.0, within(1e-6));       // red channel
        assertThat((double) f.image(0)[16]).isCloseTo(-1.0, within(1e-6));     // green channel
        assertThat((double) f.image(1)[16]).isCloseTo(1.0, within(1e-6));      // transparent -> white
    }

    @Test
    void resizeAveragesBoxesOfSourcePixels() {
        // 4x4 -> 2x2: each output pixel is the mean of a 2x2 block
        int[] px = new int[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int v = (y < 2 ? 0 : 200) + (x < 2 ? 0 : 40) + (x + y) % 2 * 10;
                px[y * 4 + x] = 0xff000000 | v << 16 | v << 8 | v;
            }
        }
        float[] t = ImageFolder.toTensor(new ImageDecoder.Image(4, 4, px), 2);
        assertThat((double) t[0]).isCloseTo(5 / 127.5 - 1, within(1e-5));
        assertThat((double) t[3]).isCloseTo(245 / 127.5 - 1, within(1e-5));
    }

    @Test
    void emptyFolderFailsWithACount() throws IOException {
        Files.write(dir.resolve("x.png"), new byte[] {1});
        assertThatThrownBy(() -> ImageFolder.load(dir, 4, List.of(new PngDecoder())))
                .hasMessageContaining("no readable images").hasMessageContaining("1 failed");
    }

    @Test
    void loadReportsEveryCandidateFileAndStopsWhenTheCallerCancels() throws IOException {
        int[] px = new int[4 * 4];
        java.util.Arrays.fill(px, 0xff00ff00);
        for (int i = 0; i < 4; i++) {
            Files.write(dir.resolve("img" + i + ".png"), TestImages.png(4, 4, px, false));
        }
        Files.write(dir.resolve("img9.png"), new byte[] {1, 2}); // corrupt, still counted as read
        List<String> calls = new java.util.ArrayList<>();
        ImageFolder f = ImageFolder.load(dir, 4, List.of(new PngDecoder()), (done, total) -> {
            calls.add(done + "/" + total);
            return true;
        });
        assertThat(f.size()).isEqualTo(4);
        assertThat(calls).containsExactly("1/5", "2/5", "3/5", "4/5", "5/5");
        assertThatThrownBy(() -> ImageFolder.load(dir, 4, List.of(new PngDecoder()), (done, total) -> done < 2))
                .isInstanceOf(java.util.concurrent.CancellationException.class).hasMessageContaining(dir.toString());
    }
}
