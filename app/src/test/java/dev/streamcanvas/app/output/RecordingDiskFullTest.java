package dev.streamcanvas.app.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.streamcanvas.app.frame.Frame;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Fault injection: the disk fills up while recording (an in-memory file system with a 160 kB limit). The recording
 * stops with one message, and every frame file it left is a whole PNG.
 */
class RecordingDiskFullTest {
    @Test
    void aFullDiskStopsTheRecordingWithAMessageAndLeavesOnlyWholeFrames() throws Exception {
        try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder().setMaxSize(160 * 1024)
                .setBlockSize(4096).build())) {
            Path folder = fs.getPath("/recordings/rec-1");
            List<String> errors = new CopyOnWriteArrayList<>();
            PngSequenceRecorder rec = new PngSequenceRecorder(folder, errors::add);
            Frame f = new Frame(64, 64);
            Random rnd = new Random(4);
            for (int i = 0; i < 60 && errors.isEmpty(); i++) {
                for (int p = 0; p < f.argb().length; p++) {
                    f.argb()[p] = 0xff000000 | rnd.nextInt(0x1000000); // noise: ~12 kB per PNG
                }
                long before = rec.written();
                rec.offer(f);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (rec.written() == before && errors.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            }
            rec.close();
            assertThat(errors).as("the recording stopped with one message").singleElement().asString()
                    .startsWith("Recording stopped: could not write to " + folder);
            assertThat(rec.written()).isBetween(3L, 59L);
            List<Path> files;
            try (Stream<Path> s = Files.list(folder)) {
                files = s.sorted().toList();
            }
            assertThat(files).hasSize((int) rec.written()).allMatch(p -> p.getFileName().toString().matches(
                    "frame-\\d{6}\\.png"));
            for (Path p : files) {
                try (InputStream in = Files.newInputStream(p)) {
                    BufferedImage img = ImageIO.read(in);
                    assertThat(img).as(p.toString()).isNotNull();
                    assertThat(img.getWidth()).isEqualTo(64);
                }
            }
        }
    }
}
