package dev.streamcanvas.app.output;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.source.VideoFileSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records output frames to a video file by piping raw BGRA frames into the system's ffmpeg (the same
 * executable the video input uses), at a fixed frame rate chosen when recording starts. ffmpeg starts with
 * the first frame (its size fixes the video size); a frame of another size ends the recording with a message.
 */
public final class FfmpegVideoRecorder extends QueuedRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegVideoRecorder.class);

    private final Path file;
    private final int fps;
    private final Consumer<String> onError;
    private Process process;
    private OutputStream stdin;
    private byte[] bytes = new byte[0]; // [h * w * 4] BGRA of one frame
    private IntBuffer ints;              // little-endian int view of bytes
    private int width;
    private int height;

    public FfmpegVideoRecorder(Path file, int fps, Consumer<String> onError) throws IOException {
        super("sc-video-recorder", 15_000);
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.file = file;
        this.fps = Math.max(1, Math.min(120, fps));
        this.onError = onError;
        startWriter();
    }

    @Override
    public Path target() {
        return file;
    }

    @Override
    void failed(IOException e) {
        discardQueued();
        LOG.warn("video recording to {} stopped: {}", file, e.toString());
        onError.accept("Video recording stopped: " + e.getMessage());
    }

    @Override
    void write(Frame f, long index) throws IOException {
        if (process == null) {
            start(f.width(), f.height());
        } else if (f.width() != width || f.height() != height) {
            throw new IOException("the output size changed from " + width + "x" + height + " to " + f.width() + "x" + f.height());
        }
        ints.rewind();
        ints.put(f.argb(), 0, width * height); // ARGB ints stored little-endian are B, G, R, A bytes
        stdin.write(bytes);
    }

    private void start(int w, int h) throws IOException {
        width = w;
        height = h;
        bytes = new byte[w * h * 4];
        ints = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        List<String> cmd = List.of(VideoFileSource.ffmpegExecutable(), "-hide_banner", "-loglevel", "error", "-y",
                "-f", "rawvideo", "-pix_fmt", "bgra", "-s", w + "x" + h, "-framerate", Integer.toString(fps), "-i", "-",
                "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", file.toString());
        try {
            process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("ffmpeg could not be started (" + e.getMessage()
                    + "); install it (Debian/Ubuntu: sudo apt-get install ffmpeg) or record PNG frames instead", e);
        }
        stdin = process.getOutputStream();
        LOG.info("recording {}x{} at {} fps to {}", w, h, fps, file);
    }

    @Override
    void finish() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            stdin.close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("ffmpeg did not finish {} within 10 s; stopping it", file);
                p.destroyForcibly();
            } else if (p.exitValue() != 0) {
                onError.accept("ffmpeg ended with code " + p.exitValue() + " while writing " + file + ".");
            }
        } catch (IOException e) {
            LOG.warn("closing ffmpeg for {}: {}", file, e.toString());
            p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
