package dev.streamcanvas.app.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.frame.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipe to ffmpeg, with a stand-in ffmpeg that stores what it receives in its output file. */
class FfmpegVideoRecorderTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("streamcanvas.ffmpeg");
    }

    private static void awaitWritten(OutputRecorder r, long n) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (r.written() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
    }

    @Test
    void framesReachFfmpegAsRawBgra() throws Exception {
        Path fake = dir.resolve("ffmpeg");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do out=\"$a\"; done\ncat > \"$out\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("streamcanvas.ffmpeg", fake.toString());
        Path video = dir.resolve("out/rec.mp4");
        List<String> errors = new CopyOnWriteArrayList<>();
        Frame f = new Frame(2, 2);

        try (FfmpegVideoRecorder rec = new FfmpegVideoRecorder(video, 15, errors::add)) {
            for (int i = 0; i < 3; i++) {
                java.util.Arrays.fill(f.argb(), 0xFF102030 + i);
                rec.offer(f);
                awaitWritten(rec, i + 1);
            }
        }

        byte[] raw = Files.readAllBytes(video);
        assertThat(raw).hasSize(3 * 2 * 2 * 4);
        // last frame, first pixel: 0xFF102032 as B, G, R, A
        assertThat(new byte[] {raw[32], raw[33], raw[34], raw[35]}).containsExactly(0x32, 0x20, 0x10, (byte) 0xFF);
        assertThat(errors).isEmpty();
    }

    @Test
    void missingFfmpegIsReportedOnce() throws Exception {
        System.setProperty("streamcanvas.ffmpeg", dir.resolve("no-ffmpeg").toString());
        List<String> errors = new CopyOnWriteArrayList<>();
        try (FfmpegVideoRecorder rec = new FfmpegVideoRecorder(dir.resolve("rec.mp4"), 15, errors::add)) {
            rec.offer(new Frame(2, 2));
            rec.offer(new Frame(2, 2));
            long end = System.nanoTime() + 10_000_000_000L;
            while (errors.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
        }
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains("apt-get install ffmpeg");
    }
}
