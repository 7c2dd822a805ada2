package dev.streamcanvas.app.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.frame.Frame;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngWriterTest {
    @TempDir
    Path dir;

    /** Reads the tEXt chunks of a PNG by walking its chunk list (independent of ImageIO). */
    static Map<String, String> textChunks(Path png) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(png); DataInputStream in = new DataInputStream(raw)) {
            byte[] sig = in.readNBytes(8);
            assertThat(sig).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
            while (true) {
                int len = in.readInt();
                String type = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
                byte[] data = in.readNBytes(len);
                in.readInt(); // crc
                if (type.equals("tEXt")) {
                    int zero = 0;
                    while (data[zero] != 0) {
                        zero++;
                    }
                    out.put(new String(data, 0, zero, StandardCharsets.ISO_8859_1),
                            new String(data, zero + 1, data.length - zero - 1, StandardCharsets.ISO_8859_1));
                }
                if (type.equals("IEND")) {
                    return out;
                }
            }
        }
    }

    @Test
    void snapshotCarriesTheParametersInATextChunkAndThePixels() throws Exception {
        Frame f = new Frame(3, 2);
        int[] px = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFF000000, 0xFFFFFFFF, 0xFF808080};
        System.arraycopy(px, 0, f.argb(), 0, 6);
        Path file = dir.resolve("snap.png");
        String params = "a cat\nNegative prompt: dogs\nSteps: 2, Strength: 0.5, Seed: 7";

        PngWriter.write(f, file, "parameters", params);

        assertThat(textChunks(file)).containsEntry("parameters", params);
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
