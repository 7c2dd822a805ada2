package dev.streamcanvas.engine.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamEngineTest {
    private StreamEngine engine;
    private final BlockingQueue<int[]> outputs = new LinkedBlockingQueue<>();
    private final BlockingQueue<FrameTimings> timings = new LinkedBlockingQueue<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<StreamEngine.LoadResult> loads = new LinkedBlockingQueue<>();

    private static StreamSettings settings(int w, int h) {
        return StreamSettings.builder().prompt("a cat").tIndices(List.of(32, 45)).guidance(GuidanceMode.SELF)
                .size(w, h).build();
    }

    @BeforeEach
    void start() {
        engine = new StreamEngine(settings(16, 16));
        engine.addListener(new StreamEngine.Listener() {
            @Override
            public void onOutput(int[] argb, int width, int height, FrameTimings t) {
                int[] copy = Arrays.copyOf(argb, width * height + 1);
                copy[width * height] = width; // remember the width for size checks
                outputs.add(copy);
                timings.add(t);
            }

            @Override
            public void onError(String stage, Exception error) {
                errors.add(stage + ": " + error.getMessage());
            }
        });
        engine.start();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private static int[] image(int w, int h, int seed) {
        int[] px = new int[w * h];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xff000000 | r.nextInt(0x1000000);
        }
        return px;
    }

    private int[] submitAndWait(int[] px, int w, int h) throws InterruptedException {
        engine.submit(px, w, h);
        int[] out = outputs.poll(20, TimeUnit.SECONDS);
        assertThat(out).as("an output arrives").isNotNull();
        return out;
    }

    private void load(FakeModel m) throws InterruptedException {
        engine.loadModel(m.name(), () -> m, loads::add);
        StreamEngine.LoadResult r = loads.poll(20, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        assertThat(r.success()).as(r.message()).isTrue();
    }

    @Test
    void processesFramesAndRecordsStageTimings() throws InterruptedException {
        load(new FakeModel("fake", 8));
        for (int i = 0; i < 3; i++) {
            assertThat(submitAndWait(image(16, 16, i), 16, 16)).hasSize(16 * 16 + 1);
        }
        FrameTimings t = timings.poll(20, TimeUnit.SECONDS);
        assertThat(t.skipped()).isFalse();
        assertThat(t.totalMs()).isGreaterThanOrEqualTo(t.unetMs());
        StreamMetrics m = engine.metrics();
        assertThat(m.processed()).isEqualTo(3);
        assertThat(m.submitted()).isEqualTo(3);
        assertThat(m.model()).isEqualTo("fake");
        assertThat(m.average()).isNotNull();
    }

    @Test
    void anExceptionInsideAFrameIsReportedAndTheEngineKeepsRunning() throws InterruptedException {
        FakeModel m = new FakeModel("fake", 8);
        load(m);
        m.failNextUnet = new IllegalStateException("boom in the unet");
        engine.submit(image(16, 16, 1), 16, 16);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (errors.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(errors).anyMatch(e -> e.contains("boom in the unet"));
        assertThat(submitAndWait(image(16, 16, 2), 16, 16)).isNotNull();
        assertThat(engine.metrics().errors()).isEqualTo(1);
    }

    @Test
    void aFailedModelLoadKeepsThePreviousModel() throws InterruptedException {
        FakeModel first = new FakeModel("first", 8);
        load(first);
        engine.loadModel("broken", () -> {
            throw new IOException("broken/unet/model.onnx: not an ONNX model");
        }, loads::add);
        StreamEngine.LoadResult r = loads.poll(20, TimeUnit.SECONDS);
        assertThat(r.success()).isFalse();
        assertThat(r.message()).contains("broken/unet/model.onnx");
        assertThat(submitAndWait(image(16, 16, 3), 16, 16)).isNotNull();
        assertThat(engine.metrics().model()).isEqualTo("first");
        assertThat(first.closed).isFalse();
    }

    @Test
    void aNewModelReplacesAndClosesTheOldOne() throws InterruptedException {
        FakeModel first = new FakeModel("first", 8);
        load(first);
        load(new FakeModel("second", 4));
        assertThat(first.closed).isTrue();
        assertThat(submitAndWait(image(16, 16, 3), 16, 16)).isNotNull();
        assertThat(engine.metrics().model()).isEqualTo("second");
    }

    @Test
    void aNoiseFileOfTheWrongShapeIsReportedAndThePreviousSettingsStay(@TempDir Path dir)
            throws InterruptedException, IOException {
        load(new FakeModel("fake", 8));
        Path bad = dir.resolve("noise.npy");
        Npy.writeFloats(bad, new float[4 * 3 * 3], 1, 4, 3, 3);
        engine.apply(settings(16, 16).toBuilder().noiseFile(bad).build());
        assertThat(submitAndWait(image(16, 16, 1), 16, 16)).isNotNull();
        assertThat(errors).anyMatch(e -> e.contains("noise.npy") && e.contains("[2, 4, 2, 2]"));
    }

    @Test
    void aNonFiniteDecodedFrameIsReportedNamingTheGraphAndNeverShown() throws InterruptedException {
        FakeModel m = new FakeModel("fake", 8);
        load(m);
        int[] good = submitAndWait(image(16, 16, 1), 16, 16);
        m.poisonNextDecode = Float.NaN;
        engine.submit(image(16, 16, 2), 16, 16);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (errors.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(errors).singleElement().asString().contains("vae_decoder").contains("model fake")
                .contains("1 NaN");
        assertThat(outputs).as("the poisoned frame is not published (the last good one stays on show)").isEmpty();
        m.poisonNextDecode = Float.NEGATIVE_INFINITY;
        engine.submit(image(16, 16, 3), 16, 16);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (errors.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(errors.get(1)).contains("1 infinite").doesNotContain("NaN");
        assertThat(submitAndWait(image(16, 16, 4), 16, 16)).as("the stream goes on").isNotNull();
        assertThat(engine.metrics().errors()).isEqualTo(2);
    }

    @Test
    void aNoiseFileWithNaNIsRefusedNamingTheFile(@TempDir Path dir) throws InterruptedException, IOException {
        load(new FakeModel("fake", 8));
        Path bad = dir.resolve("nan-noise.npy");
        float[] v = new float[2 * 4 * 2 * 2];
        v[5] = Float.NaN;
        Npy.writeFloats(bad, v, 2, 4, 2, 2);
        engine.apply(settings(16, 16).toBuilder().noiseFile(bad).build());
        assertThat(submitAndWait(image(16, 16, 1), 16, 16)).isNotNull();
        assertThat(errors).anyMatch(e -> e.contains("nan-noise.npy") && e.contains("noise value 5") && e.contains("NaN"));
    }

    @Test
    void resolutionChangeMidStreamProducesFramesOfTheNewSize() throws InterruptedException {
        load(new FakeModel("fake", 8));
        int[] a = submitAndWait(image(16, 16, 1), 16, 16);
        assertThat(a[16 * 16]).isEqualTo(16);
        engine.apply(settings(32, 24));
        int[] b = submitAndWait(image(40, 30, 2), 40, 30);
        assertThat(b).hasSize(32 * 24 + 1);
        assertThat(b[32 * 24]).isEqualTo(32);
        assertThat(errors).isEmpty();
    }

    @Test
    void staticInputIsSkippedByTheFilterButNeverMoreThanMaxSkipsInARow() throws InterruptedException {
        load(new FakeModel("fake", 8));
        engine.apply(settings(16, 16).toBuilder().filter(FilterSettings.on(0.9, 3)).build());
        int[] px = image(16, 16, 5);
        List<Boolean> skips = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            submitAndWait(px, 16, 16);
            skips.add(timings.poll(20, TimeUnit.SECONDS).skipped());
        }
        // first frame processed, then 3 skips, 1 forced process, 3 skips, ...
        assertThat(skips).containsExactly(false, true, true, true, false, true, true, true, false, true, true, true);
        assertThat(engine.metrics().skipped()).isEqualTo(9);
    }

    @Test
    void frameBatchCollectsFramesAndEmitsOneOutputPerInput() throws InterruptedException {
        FakeModel m = new FakeModel("fake", 8);
        load(m);
        engine.apply(settings(16, 16).toBuilder().tIndices(List.of(0)).frameBatch(3).directStep(true).build());
        int calls = m.unet.calls;
        for (int i = 0; i < 3; i++) {
            engine.submit(image(16, 16, i), 16, 16);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (engine.inputPending() && System.nanoTime() < deadline) {
                Thread.sleep(2); // let the engine take this frame so the next one is not dropped
            }
        }
        for (int i = 0; i < 3; i++) {
            assertThat(outputs.poll(20, TimeUnit.SECONDS)).as("errors %s, metrics %s", errors, engine.metrics()).isNotNull();
        }
        assertThat(m.unet.calls - calls).isEqualTo(1);
        assertThat(m.unet.lastBatch).isEqualTo(3);
        assertThat(engine.activeSettings().frameBatch()).isEqualTo(3);
    }

    /** Text-to-image with a frame batch: every frame's latent is its bank noise itself (no VAE encode of grey). */
    @Test
    void textToImageFrameBatchStartsEachFrameFromItsBankNoise() throws InterruptedException {
        FakeModel m = new FakeModel("fake", 8);
        load(m);
        StreamSettings s = settings(16, 16).toBuilder().tIndices(List.of(0)).frameBatch(3).directStep(true)
                .guidance(GuidanceMode.NONE).build();
        engine.apply(s);
        for (int i = 0; i < 3; i++) {
            engine.submitEmpty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (engine.inputPending() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        }
        for (int i = 0; i < 3; i++) {
            assertThat(outputs.poll(20, TimeUnit.SECONDS)).as("errors %s", errors).isNotNull();
        }
        assertThat(m.unet.lastInput).containsExactly(NoiseBank.seeded(s.seed(), 3, 4, 2, 2));
    }

    @Test
    void textToImageFramesRunWithoutAnInput() throws InterruptedException {
        load(new FakeModel("fake", 8));
        engine.apply(settings(16, 16).toBuilder().tIndices(List.of(0, 45)).build());
        engine.submitEmpty();
        assertThat(outputs.poll(20, TimeUnit.SECONDS)).hasSize(16 * 16 + 1);
    }

    @Test
    void aModelWhoseLoadFinishesWhileTheEngineClosesIsClosedToo() throws InterruptedException {
        load(new FakeModel("first", 8));
        FakeModel late = new FakeModel("late", 8);
        java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
        engine.loadModel("late", () -> {
            loading.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.sleep(300); // close() interrupts the loader; the load still completes, after the loop ended
            }
            return late;
        }, loads::add);
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

        engine.close();

        assertThat(late.closed).as("the late model's sessions are closed, not leaked").isTrue();
    }

    @Test
    void metricsReadOnlyFinalOrVolatileFieldsOfTheEngine() {
        com.tngtech.archunit.core.domain.JavaClass c = new com.tngtech.archunit.core.importer.ClassFileImporter()
                .importClasses(StreamEngine.class).get(StreamEngine.class);
        var accesses = c.getMethod("metrics").getFieldAccesses().stream()
                .filter(a -> a.getTargetOwner().isEquivalentTo(StreamEngine.class)).toList();
        assertThat(accesses).isNotEmpty();
        assertThat(accesses).allSatisfy(a -> assertThat(a.getTarget().resolveMember().orElseThrow().getModifiers())
                .as("field %s read by metrics() from any thread", a.getTarget().getName())
                .containsAnyOf(com.tngtech.archunit.core.domain.JavaModifier.FINAL,
                        com.tngtech.archunit.core.domain.JavaModifier.VOLATILE));
    }
}
