package dev.streamcanvas.app.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ffmpeg pipe protocol, with a stand-in ffmpeg script that writes raw BGRA frames. */
class VideoFileSourceTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("streamcanvas.ffmpeg");
    }

    @Test
    void rawFramesFromFfmpegBecomeArgbFrames() throws Exception {
        // one 8x8 frame = 64 pixels of B=0x32 G=0x64 R=0xC8 A=0xFF, sent 30 times a second until killed
        Path fake = dir.resolve("ffmpeg");
        Files.writeString(fake, "#!/bin/sh\npx='\\062\\144\\310\\377'\nrow=\"$px$px$px$px$px$px$px$px\"\n"
                + "while true; do printf \"$row$row$row$row$row$row$row$row\"; sleep 0.03; done\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path video = Files.writeString(dir.resolve("clip.mp4"), "not decoded by the stand-in");
        System.setProperty("streamcanvas.ffmpeg", fake.toString());
        VideoFileSource source = new VideoFileSource(video);
        List<Integer> firstPixels = new CopyOnWriteArrayList<>();
        CountDownLatch five = new CountDownLatch(5);
        try {
            source.start((px, w, h, t) -> {
                assertThat(w * h).isEqualTo(64);
                firstPixels.add(px[0]);
                firstPixels.add(px[63]);
                five.countDown();
            }, (s, msg, cause) -> { }, 8, 8);
            assertThat(five.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            source.stop();
        }
        assertThat(firstPixels).containsOnly(0xFFC86432);
        assertThat(source.isRunning()).isFalse();
    }

    @Test
    void missingFfmpegIsExplained() throws Exception {
        System.setProperty("streamcanvas.ffmpeg", dir.resolve("no-such-ffmpeg").toString());
        Path video = Files.writeString(dir.resolve("clip.mp4"), "x");
        VideoFileSource source = new VideoFileSource(video);
        AtomicReference<String> why = new AtomicReference<>();
        CountDownLatch failed = new CountDownLatch(1);

        source.start((px, w, h, t) -> { }, (s, msg, cause) -> {
            why.set(msg);
            failed.countDown();
        }, 8, 8);

        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(why.get()).contains("ffmpeg").contains("apt-get install ffmpeg");
    }

    @Test
    void missingVideoFileIsNamed() throws Exception {
        VideoFileSource source = new VideoFileSource(dir.resolve("gone.mp4"));
        AtomicReference<String> why = new AtomicReference<>();
        CountDownLatch failed = new CountDownLatch(1);

        source.start((px, w, h, t) -> { }, (s, msg, cause) -> {
            why.set(msg);
            failed.countDown();
        }, 8, 8);

        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(why.get()).contains("gone.mp4").contains("does not exist");
    }
}
