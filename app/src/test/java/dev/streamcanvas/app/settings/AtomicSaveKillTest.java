package dev.streamcanvas.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.output.PngWriter;
import dev.streamcanvas.app.source.AwtImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a process that saves the settings and autosaves the canvas as fast as it can is killed with
 * SIGKILL at random moments; each time, both files that are left read back whole (the previous version or the new
 * one, never a torn file).
 */
class AtomicSaveKillTest {
    private static final int TRIALS = 6;
    private static final int SIZE = 256;

    @TempDir
    Path dir;

    /** The victim: writes both files in a loop until killed; each version's pixels and prompt carry its number. */
    public static void main(String[] args) throws Exception {
        Path settingsFile = Path.of(args[0]);
        Path canvasFile = Path.of(args[1]);
        SettingsStore store = new SettingsStore(settingsFile);
        Frame f = new Frame(SIZE, SIZE);
        for (int v = 0; ; v++) {
            AppSettings s = new AppSettings();
            s.prompt = "version " + v + " " + "x".repeat(v % 4000); // files of varying length
            store.save(s);
            java.util.Arrays.fill(f.argb(), 0xff000000 | (v * 7919) & 0xffffff);
            PngWriter.write(f, canvasFile, null, null);
        }
    }

    @Test
    void killedWhileSavingTheSettingsAndCanvasAreAlwaysWhole() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rnd = new SplittableRandom(21);
        for (int trial = 0; trial < TRIALS; trial++) {
            Path settingsFile = dir.resolve("t" + trial + "/settings.json");
            Path canvasFile = dir.resolve("t" + trial + "/canvas-autosave.png");
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-Djava.awt.headless=true", "-cp",
                    System.getProperty("java.class.path"), AtomicSaveKillTest.class.getName(), settingsFile.toString(),
                    canvasFile.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("victim" + trial + ".log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!(Files.exists(settingsFile) && Files.exists(canvasFile)) && p.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Thread.sleep(rnd.nextInt(0, 400));
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            SettingsStore.Loaded loaded = new SettingsStore(settingsFile).load();
            assertThat(loaded.notice()).as("trial %d: settings read without a corruption notice", trial).isNull();
            assertThat(loaded.settings().prompt).startsWith("version ");
            Frame canvas = AwtImages.read(canvasFile);
            assertThat(canvas.width()).isEqualTo(SIZE);
            int first = canvas.argb()[0];
            for (int px : canvas.argb()) {
                if (px != first) {
                    throw new AssertionError("trial " + trial + ": the canvas mixes two versions");
                }
            }
        }
    }
}
