package dev.streamcanvas.app.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the video input starts ffmpeg, and what happens when ffmpeg dies in the middle of a stream. */
class VideoFileSourceFaultTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("streamcanvas.ffmpeg");
    }

    /** A stand-in ffmpeg: records its arguments, sends {@code frames} 8x8 frames, then says why it stops and dies. */
    private Path fakeFfmpeg(int frames) throws Exception {
        Path fake = dir.resolve("ffmpeg");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > " + dir.resolve("args.txt") + "\n"
                + "px='\\062\\144\\310\\377'\nrow=\"$px$px$px$px$px$px$px$px\"\n"
                + "i=0; while [ $i -lt " + frames + " ]; do printf \"$row$row$row$row$row$row$row$row\"; i=$((i+1));"
                + " sleep 0.03; done\necho 'decoder crashed' >&2\nkill -9 $$\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("streamcanvas.ffmpeg", fake.toString());
        return fake;
    }

    @Test
    void ffmpegReadsOnlyLocalFilesAndTheInputIsNamedAsAFile() throws Exception {
        fakeFfmpeg(3);
        Path video = Files.writeString(dir.resolve("clip.mp4"), "x");
        VideoFileSource source = new VideoFileSource(video);
        CountDownLatch one = new CountDownLatch(1);
        try {
            source.start((px, w, h, t) -> one.countDown(), (s, msg, cause) -> { }, 8, 8);
            assertThat(one.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            source.stop();
        }
        List<String> args = Files.readAllLines(dir.resolve("args.txt"));
        int i = args.indexOf("-i");
        assertThat(args.indexOf("-protocol_whitelist")).isBetween(0, i);
        assertThat(args.get(args.indexOf("-protocol_whitelist") + 1)).isEqualTo("file");
        assertThat(args.get(i + 1)).isEqualTo("file:" + video.toAbsolutePath());
    }

    @Test
    void ffmpegDyingMidStreamIsReportedWithItsMessageAfterTheFramesItSent() throws Exception {
        fakeFfmpeg(4);
        Path video = Files.writeString(dir.resolve("clip.mp4"), "x");
        VideoFileSource source = new VideoFileSource(video);
        AtomicInteger frames = new AtomicInteger();
        List<String> messages = new CopyOnWriteArrayList<>();
        CountDownLatch failed = new CountDownLatch(1);
        try {
            source.start((px, w, h, t) -> frames.incrementAndGet(), (s, msg, cause) -> {
                messages.add(msg);
                failed.countDown();
            }, 8, 8);
            assertThat(failed.await(10, TimeUnit.SECONDS)).as("the failure reaches the listener").isTrue();
        } finally {
            source.stop();
        }
        assertThat(frames.get()).isEqualTo(4);
        assertThat(messages).singleElement().asString().contains("ffmpeg stopped decoding clip.mp4");
    }
}
