package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.streamcanvas.engine.assign.NoiseAssignment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training must not depend on when the JVM collects garbage: a native tensor may only use memory that it owns
 * or that the Java side keeps alive for as long as the tensor (and autograd) use it.
 */
class TrainerGcTest {
    @TempDir
    Path dir;

    private List<Double> losses(Path out, boolean gcPressure) throws Exception {
        ImageFolder data = TestImages.shapes(24, 16, 5);
        TrainConfig cfg = TrainConfig.builder().setOutDir(out).optModel(MicroSdConfig.tiny())
                .optAssignment(NoiseAssignment.Mode.NONE, 1).optVaeSteps(12).optSteps(6).optBatch(8)
                .optLearningRate(2e-3f).optVaeLearningRate(2e-3f).optCheckpointEvery(100).optEvalEvery(0)
                .optQualityEvery(0).optHeldOut(4).optBpeMerges(40).optSampleSteps(4).optSeed(99).build();
        List<Double> losses = new ArrayList<>();
        TrainListener l = new TrainListener() {
            @Override
            public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                losses.add(loss);
            }
        };
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger collections = new AtomicInteger();
        Thread pressure = new Thread(() -> {
            while (!stop.get()) {
                byte[][] junk = new byte[64][];
                for (int k = 0; k < junk.length; k++) {
                    junk[k] = new byte[64_000];
                }
                System.gc();
                collections.incrementAndGet();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-pressure");
        pressure.setDaemon(true);
        if (gcPressure) {
            pressure.start();
        }
        try (Trainer t = new Trainer(cfg, data, l)) {
            t.run();
        } finally {
            stop.set(true);
            pressure.join();
        }
        if (gcPressure) {
            assertThat(collections.get()).as("collections forced during the run").isGreaterThan(5);
        }
        return losses;
    }

    /**
     * Failed in about 7 of 10 runs on the 2026-12-04 build machine until {@code Nn.conv} worked around the native
     * convolution fault ({@code ConvBackwardTest}): the run that met a non-finite gradient skipped a step.
     */
    @Test
    void garbageCollectionDuringTrainingDoesNotChangeTheLosses() throws Exception {
        List<Double> quiet = losses(dir.resolve("quiet"), false);
        List<Double> collected = losses(dir.resolve("collected"), true);
        assertThat(quiet).hasSize(12 + 6).allMatch(Double::isFinite);
        assertThat(collected).containsExactlyElementsOf(quiet);
    }

    @Test
    void scaledTensorKeepsItsFactorForTheBackwardPassAcrossGarbageCollection() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            for (int round = 0; round < 3; round++) {
                NDArray x = m.create(new float[] {1, 2, 3, 4});
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray s = Nn.scale(x, 0.5f).sum();
                    // free every unreachable direct buffer and reuse their memory before the backward pass
                    System.gc();
                    List<ByteBuffer> reuse = new ArrayList<>();
                    for (int i = 0; i < 2000; i++) {
                        reuse.add(ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, 1234f));
                    }
                    gc.backward(s);
                    assertThat(reuse).hasSize(2000);
                }
                // d/dx sum(0.5 x) = 0.5 everywhere
                assertThat(x.getGradient().toFloatArray()).containsExactly(0.5f, 0.5f, 0.5f, 0.5f);
            }
        }
    }

    @Test
    void checkpointReadWritesIntoTheWeightsThemselves() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             Params saved = new Params(m, 1);
             Params loaded = new Params(m, 2)) {
            saved.uniform("w", 6, 1f, 2, 3);
            loaded.uniform("w", 6, 1f, 2, 3);
            float[] expected = saved.get("w").toFloatArray();
            assertThat(loaded.get("w").toFloatArray()).isNotEqualTo(expected);
            NDArray view = loaded.get("w").reshape(6);   // shares the weight's memory
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                saved.write(out);
            }
            loaded.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), "test");
            System.gc();
            assertThat(loaded.get("w").toFloatArray()).containsExactly(expected);
            assertThat(view.toFloatArray()).as("a view taken before loading sees the loaded values").containsExactly(expected);
        }
    }
}
