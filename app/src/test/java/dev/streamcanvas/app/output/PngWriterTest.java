package dev.streamcanvas.app.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.testing.PngChunks;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngWriterTest {
    @TempDir
    Path dir;

    @Test
    void snapshotCarriesTheParametersInATextChunkAndThePixels() throws Exception {
        Frame f = new Frame(3, 2);
        int[] px = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFF000000, 0xFFFFFFFF, 0xFF808080};
        System.arraycopy(px, 0, f.argb(), 0, 6);
        Path file = dir.resolve("snap.png");
        String params = "a cat\nNegative prompt: dogs\nSteps: 2, Strength: 0.5, Seed: 7";

        PngWriter.write(f, file, "parameters", params);

        assertThat(PngChunks.text(file)).containsEntry("parameters", params);
        java.awt.image.BufferedImage back = ImageIO.read(file.toFile());
        assertThat(back.getWidth()).isEqualTo(3);
        for (int i = 0; i < 6; i++) {
            assertThat(back.getRGB(i % 3, i / 3)).isEqualTo(px[i]);
        }
    }

    @Test
    void recorderWritesANumberedSequence() throws Exception {
        Frame f = new Frame(4, 4);
        Path folder = dir.resolve("rec");
        try (PngSequenceRecorder rec = new PngSequenceRecorder(folder, msg -> { })) {
            for (int i = 0; i < 3; i++) {
                java.util.Arrays.fill(f.argb(), 0xFF000000 | i * 50);
                rec.offer(f);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (rec.written() < i + 1 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
        }
        assertThat(folder.resolve("frame-000001.png")).exists();
        assertThat(folder.resolve("frame-000003.png")).exists();
        assertThat(ImageIO.read(folder.resolve("frame-000003.png").toFile()).getRGB(0, 0)).isEqualTo(0xFF000064);
    }
}
