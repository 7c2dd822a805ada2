package dev.streamcanvas.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.stream.GuidanceMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter on the real stream engine and ONNX Runtime (CPU), with a small fixture model. */
class StreamEngineServiceTest {
    @TempDir
    Path dir;

    private final StreamEngineService service = new StreamEngineService(p -> p.getFileName().toString().equals("fixture"));
    private final AtomicReference<int[]> last = new AtomicReference<>(); // {width, height, captureNanos low bits}

    @AfterEach
    void close() {
        service.close();
    }

    private int[] awaitOutputWithCapture(long capture, int[] pixels, int w, int h) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            service.submit(pixels, w, h, capture);
            int[] o = last.get();
            if (o != null && o[2] == (int) capture) {
                return o;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no output for the frame captured at " + capture + " within 30 s; last " + java.util.Arrays.toString(last.get()));
    }

    /** A test-pattern frame at time {@code t} seconds. */
    private static int[] pattern(double t) {
        dev.streamcanvas.app.frame.Frame f = new dev.streamcanvas.app.frame.Frame(64, 64);
        dev.streamcanvas.app.source.TestPatternSource.render(f, t);
        return f.argb();
    }

    /** Waits, without submitting again, for the output of the frame captured at {@code capture}. */
    private void awaitOutput(long capture) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            int[] o = last.get();
            if (o != null && o[2] == (int) capture) {
                return;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no output for the frame captured at " + capture + " within 30 s");
    }

    @Test
    void previewRunsUntilAModelIsActiveThenTheEngineTakesOver() throws Exception {
        Path fixture = dir.resolve("fixture");
        FixtureGenerator.write(fixture, FixtureSpec.defaults()); // 64 x 64
        service.setOutputListener(f -> last.set(new int[] {f.width(), f.height(), (int) f.captureNanos()}));
        service.applySettings(new GenerationSettings("a test", "", 0.5, 2, GuidanceMode.SELF, 1.2, 1, 3, false, 0.98, 128, 128));
        service.start();
        int[] px = new int[128 * 128];
        java.util.Arrays.fill(px, 0xFF336699);

        assertThat(awaitOutputWithCapture(11, px, 128, 128)[0]).isEqualTo(128); // the preview keeps the input size
        assertThat(service.model().preview()).isTrue();

        ModelInfo info = service.loadModel(fixture, DeviceChoice.CPU).get(60, TimeUnit.SECONDS);

        assertThat(info.name()).isEqualTo("fixture");
        assertThat(info.placeholder()).isTrue();
        assertThat(info.preview()).isFalse();
        assertThat(service.model()).isEqualTo(info);
        int[] out = awaitOutputWithCapture(22, px, 128, 128);
        assertThat(out[0]).isEqualTo(64); // the fixture's VAE runs at 64 x 64 only
        assertThat(out[1]).isEqualTo(64);
    }

    @Test
    void folderThatFailsToLoadKeepsTheActiveModel() throws Exception {
        Path fixture = dir.resolve("fixture");
        FixtureGenerator.write(fixture, FixtureSpec.defaults());
        Path broken = dir.resolve("broken");
        FixtureGenerator.write(broken, FixtureSpec.defaults());
        Files.delete(broken.resolve("unet/model.onnx"));
        service.setOutputListener(f -> last.set(new int[] {f.width(), f.height(), (int) f.captureNanos()}));
        service.start();
        service.loadModel(fixture, DeviceChoice.CPU).get(60, TimeUnit.SECONDS);

        assertThatThrownBy(() -> service.loadModel(broken, DeviceChoice.CPU).get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("unet");

        assertThat(service.model().name()).isEqualTo("fixture");
        int[] px = new int[64 * 64];
        assertThat(awaitOutputWithCapture(33, px, 64, 64)[0]).isEqualTo(64);
    }

    @Test
    void missingFolderIsRefusedAtOnce() {
        assertThatThrownBy(() -> service.loadModel(dir.resolve("nowhere"), DeviceChoice.CPU).get(5, TimeUnit.SECONDS))
                .hasMessageContaining("nowhere").hasMessageContaining("not a folder");
    }

    @Test
    void droppedCountIsZeroWhileTheEngineKeepsUpAndCountsRealDropsWhenItIsSlowed() throws Exception {
        Path fixture = dir.resolve("fixture");
        FixtureGenerator.write(fixture, FixtureSpec.defaults()); // 64 x 64
        java.util.concurrent.CountDownLatch inOutput = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
        service.setOutputListener(f -> {
            last.set(new int[] {f.width(), f.height(), (int) f.captureNanos()});
            if (slow.get()) {
                inOutput.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // the engine thread is busy: it takes no input meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        service.start();
        service.loadModel(fixture, DeviceChoice.CPU).get(60, TimeUnit.SECONDS);
        for (int k = 1; k <= 12; k++) { // an engine that keeps up: each frame is processed before the next comes
            service.submit(pattern(k / 30.0), 64, 64, 100 + k);
            awaitOutput(100 + k);
        }
        assertThat(service.metrics().dropped()).isZero();

        slow.set(true);
        service.submit(pattern(50 / 30.0), 64, 64, 150);
        assertThat(inOutput.await(30, TimeUnit.SECONDS)).isTrue();
        for (int k = 0; k < 5; k++) { // five frames while the engine is stuck: four are replaced unseen
            service.submit(pattern((60 + k) / 30.0), 64, 64, 160 + k);
        }
        slow.set(false);
        release.countDown();
        assertThat(service.metrics().dropped()).isEqualTo(4);
    }
}
