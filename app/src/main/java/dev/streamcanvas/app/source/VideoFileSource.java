package dev.streamcanvas.app.source;

import dev.streamcanvas.app.frame.Frame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A video file decoded by the system's {@code ffmpeg} in a child process: ffmpeg loops the file
 * ({@code -stream_loop -1}), paces it at the video's own frame rate ({@code -re}), scales and crops it to
 * the generation size, and writes raw BGRA frames to a pipe that this source reads into a reused buffer.
 * The ffmpeg executable is found on the PATH or given by the system property {@code streamcanvas.ffmpeg}.
 */
public final class VideoFileSource extends PollingSource {
    private static final Logger LOG = LoggerFactory.getLogger(VideoFileSource.class);

    private final Path file;
    private Process process;
    private InputStream pipe;
    private byte[] raw = new byte[0]; // [h * w * 4] BGRA bytes of one frame
    private IntBuffer ints; // view of raw as little-endian ints
    private int procW;
    private int procH;
    private final Deque<String> stderrTail = new ArrayDeque<>();

    public VideoFileSource(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The ffmpeg executable this source runs. */
    public static String ffmpegExecutable() {
        return System.getProperty("streamcanvas.ffmpeg", "ffmpeg");
    }

    @Override
    public SourceKind kind() {
        return SourceKind.VIDEO;
    }

    @Override
    public String describe() {
        return "Video: " + file.getFileName();
    }

    @Override
    protected long nanosPerFrame() {
        return 0; // ffmpeg paces the frames (-re)
    }

    @Override
    protected void open() throws SourceException {
        if (!Files.isRegularFile(file)) {
            throw new SourceException("Video file " + file + " does not exist or is not a file.");
        }
        launch(width(), height());
    }

    private void launch(int w, int h) throws SourceException {
        List<String> cmd = new ArrayList<>(List.of(ffmpegExecutable(), "-hide_banner", "-loglevel", "error", "-nostdin",
                // only local files, and the input named as one: a playlist disguised as a video cannot open URLs
                "-protocol_whitelist", "file", "-re", "-stream_loop", "-1",
                "-i", "file:" + file.toAbsolutePath(), "-an",
                "-vf", "scale=" + w + ":" + h + ":force_original_aspect_ratio=increase,crop=" + w + ":" + h,
                "-f", "rawvideo", "-pix_fmt", "bgra", "-"));
        try {
            process = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new SourceException("Video needs ffmpeg, which could not be started (" + e.getMessage()
                    + "). Install it (Debian/Ubuntu: sudo apt-get install ffmpeg) or set -Dstreamcanvas.ffmpeg=/path/to/ffmpeg.", e);
        }
        pipe = process.getInputStream();
        Process p = process;
        Thread drain = new Thread(() -> drainStderr(p), "sc-ffmpeg-stderr");
        drain.setDaemon(true);
        drain.start();
        procW = w;
        procH = h;
        if (raw.length != w * h * 4) {
            raw = new byte[w * h * 4];
            ints = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        }
    }

    private void drainStderr(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > 5) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("ffmpeg stderr closed: {}", e.toString());
        }
    }

    @Override
    protected boolean grab(Frame target) throws SourceException {
        if (target.width() != procW || target.height() != procH) {
            close();
            launch(target.width(), target.height());
        }
        int off = 0;
        try {
            while (off < raw.length) {
                int n = pipe.read(raw, off, raw.length - off);
                if (n < 0) {
                    if (!isRunning()) {
                        return false;
                    }
                    throw new SourceException("ffmpeg stopped decoding " + file.getFileName() + ": " + stderrSummary());
                }
                off += n;
            }
        } catch (IOException e) {
            if (!isRunning()) {
                return false;
            }
            throw new SourceException("Reading frames of " + file.getFileName() + " from ffmpeg failed: " + e.getMessage(), e);
        }
        // BGRA bytes read as little-endian ints are 0xAARRGGBB
        ints.rewind();
        ints.get(target.argb(), 0, procW * procH);
        int[] px = target.argb();
        for (int i = 0; i < procW * procH; i++) {
            px[i] |= 0xFF000000;
        }
        return true;
    }

    private String stderrSummary() {
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? "no message (is it a video file?)" : String.join(" / ", stderrTail);
        }
    }

    @Override
    protected void interruptGrab() {
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }

    @Override
    protected void close() {
        Process p = process;
        process = null;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
