package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.Close;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import java.util.stream.Stream;

class StreamPipelineTest {
    private static final int H = 2;
    private static final int W = 3;
    private static final int E = 4 * H * W;
    private static final List<List<Integer>> LISTS = List.of(List.of(32), List.of(32, 45), List.of(20, 32, 45),
            List.of(0, 16, 32, 45));

    private final LinearFakes.Prompts prompts = new LinearFakes.Prompts();
    private final LinearFakes.Unet unet = new LinearFakes.Unet();

    private StreamPipeline pipeline() {
        return new StreamPipeline(NoiseSchedule.STABLE_DIFFUSION, unet, prompts, null);
    }

    private static StreamSettings settings(List<Integer> ts, GuidanceMode g) {
        return StreamSettings.builder().prompt("a cat").negativePrompt("blurry, low quality").seed(7).tIndices(ts)
                .guidance(g).gamma(1.4f).delta(0.8f).size(16, 24).build();
    }

    private static float[] frame(Random r) {
        float[] x = new float[E];
        for (int k = 0; k < E; k++) {
            x[k] = (float) r.nextGaussian();
        }
        return x;
    }

    static Stream<Arguments> modesAndSlots() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (GuidanceMode g : GuidanceMode.values()) {
            for (List<Integer> ts : LISTS) {
                b.add(Arguments.of(g, ts));
            }
        }
        return b.build();
    }

    private static final java.util.function.DoubleUnaryOperator TOL = Close.relative(1e-4);

    @ParameterizedTest(name = "{0} with t_index {1}")
    @MethodSource("modesAndSlots")
    void batchedStreamMatchesTheFrameJourneyFormulation(GuidanceMode g, List<Integer> ts) throws IOException {
        StreamPipeline p = pipeline();
        StreamSettings s = settings(ts, g);
        p.configure(s, 4, H, W);
        JourneyReference ref = new JourneyReference(ts, NoiseBank.seeded(7, ts.size(), 4, H, W), E, g, 1.4, 0.8, true,
                false);
        Random r = new Random(1);
        for (int call = 0; call < 7; call++) {
            float[] x = frame(r);
            float[] out = p.step(x);
            double[] expected = ref.call(x, LinearFakes.promptMean("a cat"), LinearFakes.promptMean("blurry, low quality"));
            Close.assertClose(out, expected, TOL);
        }
        assertThat(unet.lastBatch).isEqualTo(g.unetBatch(ts.size(), 1));
        assertThat(unet.calls).isEqualTo(7);
        assertThat(unet.conditionings).as("conditioning is handed over once per layout, not per frame").isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void aPromptChangeHandsTheDenoiserANewConditioningOnce() throws IOException {
        StreamPipeline p = pipeline();
        StreamSettings s = settings(List.of(32, 45), GuidanceMode.SELF);
        p.configure(s, 4, H, W);
        Random r = new Random(3);
        p.step(frame(r));
        p.step(frame(r));
        p.configure(s.toBuilder().prompt("a dog").build(), 4, H, W);
        p.step(frame(r));
        p.step(frame(r));
        assertThat(unet.conditionings).isEqualTo(2);
        assertThat(unet.calls).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0} with t_index {1}")
    @MethodSource("modesAndSlots")
    void sequentialModeMatchesTheSameSlotRecursionWithoutLag(GuidanceMode g, List<Integer> ts) throws IOException {
        StreamPipeline p = pipeline();
        p.configure(settings(ts, g).toBuilder().denoisingBatch(false).build(), 4, H, W);
        JourneyReference ref = new JourneyReference(ts, NoiseBank.seeded(7, ts.size(), 4, H, W), E, g, 1.4, 0.8, false,
                false);
        Random r = new Random(2);
        for (int call = 0; call < 4; call++) {
            float[] x = frame(r);
            Close.assertClose(p.step(x), ref.call(x, LinearFakes.promptMean("a cat"),
                    LinearFakes.promptMean("blurry, low quality")), TOL);
        }
        assertThat(unet.calls).isEqualTo(4 * ts.size());
    }

    /**
     * StreamDiffusion (pipeline.py unet_step) and diffusers apply guidance only when guidance_scale > 1; at or
     * below 1 every mode uses the text prediction alone, so the output equals the unguided stream.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GuidanceMode.class, names = {"SELF", "INITIALIZE", "FULL"})
    void guidanceScaleAtOrBelowOneUsesTheTextPredictionOnly(GuidanceMode g) throws IOException {
        List<Integer> ts = List.of(20, 32, 45);
        for (float gamma : new float[] {0.5f, 1.0f}) {
            StreamPipeline guided = pipeline();
            guided.configure(settings(ts, g).toBuilder().gamma(gamma).build(), 4, H, W);
            StreamPipeline plain = new StreamPipeline(NoiseSchedule.STABLE_DIFFUSION, new LinearFakes.Unet(), prompts,
                    null);
            plain.configure(settings(ts, GuidanceMode.NONE), 4, H, W);
            JourneyReference ref = new JourneyReference(ts, NoiseBank.seeded(7, ts.size(), 4, H, W), E,
                    GuidanceMode.NONE, 1.0, 0.8, true, false);
            Random r = new Random(3);
            for (int call = 0; call < 5; call++) {
                float[] x = frame(r);
                double[] expected = ref.call(x, LinearFakes.promptMean("a cat"), 0);
                Close.assertClose(guided.step(x), expected, TOL);
                Close.assertClose(plain.step(x), expected, TOL);
            }
        }
    }

    /**
     * Text-to-image starts slot 0 from x_t = eps (StreamDiffusion txt2img / diffusers LCM: randn * init_noise_sigma
     * 1), not from b * eps: the same as an image latent x0 = (1 - b) / a * eps noised to t = 999.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(GuidanceMode.class)
    void textToImageStartsTheFirstSlotFromTheNoiseItself(GuidanceMode g) throws IOException {
        List<Integer> ts = List.of(0);
        StreamPipeline p = pipeline();
        p.configure(settings(ts, g), 4, H, W);
        float[] bank = NoiseBank.seeded(7, 1, 4, H, W);
        double abar = NoiseSchedule.STABLE_DIFFUSION.alphaBar(999);
        double a = Math.sqrt(abar);
        double b = Math.sqrt(1 - abar);
        float[] x0 = new float[E];
        for (int k = 0; k < E; k++) {
            x0[k] = (float) ((1 - b) / a * bank[k]);
        }
        JourneyReference ref = new JourneyReference(ts, bank, E, g, 1.4, 0.8, true, false);
        for (int call = 0; call < 3; call++) {
            double[] expected = ref.call(x0, LinearFakes.promptMean("a cat"),
                    LinearFakes.promptMean("blurry, low quality"));
            Close.assertClose(p.stepFromNoise(), expected, TOL);
        }
    }

    @Test
    void firstOutputComesFromTheFirstFrameNotFromZeros() throws IOException {
        StreamPipeline p = pipeline();
        List<Integer> ts = List.of(32, 45);
        p.configure(settings(ts, GuidanceMode.NONE).toBuilder().doAddNoise(false).build(), 4, H, W);
        float[] x = new float[E];
        java.util.Arrays.fill(x, 1.5f);
        float[] out = p.step(x);
        // the oldest slot started from a_45 * x: its estimate is near x, far from the zero latent
        for (float v : out) {
            assertThat(v).isBetween(1.0f, 2.0f);
        }
    }

    @Test
    void sameSeedGivesIdenticalOutputAndAnotherSeedDoesNot() throws IOException {
        float[][] runs = new float[3][];
        long[] seeds = {5, 5, 6};
        for (int run = 0; run < 3; run++) {
            StreamPipeline p = pipeline();
            p.configure(settings(List.of(20, 45), GuidanceMode.SELF).toBuilder().seed(seeds[run]).build(), 4, H, W);
            Random r = new Random(3);
            float[] out = null;
            for (int call = 0; call < 3; call++) {
                out = p.step(frame(r)).clone();
            }
            runs[run] = out;
        }
        assertThat(runs[1]).containsExactly(runs[0]);
        assertThat(runs[2]).isNotEqualTo(runs[0]);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GuidanceMode.class, names = {"FULL", "INITIALIZE"})
    void promptChangeKeepsGuidanceValidAndKeepsTheHistory(GuidanceMode g) throws IOException {
        List<Integer> ts = List.of(16, 32, 45);
        StreamPipeline p = pipeline();
        StreamSettings s = settings(ts, g);
        p.configure(s, 4, H, W);
        JourneyReference ref = new JourneyReference(ts, NoiseBank.seeded(7, 3, 4, H, W), E, g, 1.4, 0.8, true, false);
        Random r = new Random(4);
        String[] prompts = {"a cat", "a cat", "a dog in the snow", "a dog in the snow", "x"};
        String[] negatives = {"blurry, low quality", "blurry, low quality", "blurry, low quality", "ugly", "ugly"};
        for (int call = 0; call < prompts.length; call++) {
            p.configure(s.toBuilder().prompt(prompts[call]).negativePrompt(negatives[call]).build(), 4, H, W);
            float[] x = frame(r);
            Close.assertClose(p.step(x), ref.call(x, LinearFakes.promptMean(prompts[call]),
                    LinearFakes.promptMean(negatives[call])), TOL);
        }
    }

    @Test
    void guidanceModeSwitchMidStreamUsesTheKeptNegativeEmbedding() throws IOException {
        List<Integer> ts = List.of(32, 45);
        StreamPipeline p = pipeline();
        p.configure(settings(ts, GuidanceMode.NONE), 4, H, W);
        Random r = new Random(5);
        p.step(frame(r));
        int encodes = prompts.calls;
        p.configure(settings(ts, GuidanceMode.FULL), 4, H, W);
        assertThat(prompts.calls).as("switching mode re-encodes nothing").isEqualTo(encodes);
        p.step(frame(r));
        assertThat(unet.lastBatch).isEqualTo(4);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(GuidanceMode.class)
    void withoutAddNoiseTheSlotsAreOnlyRescaled(GuidanceMode g) throws IOException {
        List<Integer> ts = List.of(10, 30, 45);
        StreamPipeline p = pipeline();
        p.configure(settings(ts, g).toBuilder().doAddNoise(false).build(), 4, H, W);
        JourneyReference ref = new JourneyReference(ts, NoiseBank.seeded(7, 3, 4, H, W), E, g, 1.4, 0.8, true, false);
        ref.addNoise = false;
        Random r = new Random(12);
        for (int call = 0; call < 5; call++) {
            float[] x = frame(r);
            Close.assertClose(p.step(x), ref.call(x, LinearFakes.promptMean("a cat"),
                    LinearFakes.promptMean("blurry, low quality")), TOL);
        }
    }

    @Test
    void seedChangeRedrawsTheNoiseAndRestartsTheStreamFromTheNextFrame() throws IOException {
        List<Integer> ts = List.of(16, 32, 45);
        StreamPipeline p = pipeline();
        StreamSettings s = settings(ts, GuidanceMode.SELF);
        p.configure(s, 4, H, W);
        Random r = new Random(13);
        p.step(frame(r));
        p.step(frame(r));
        int encodes = prompts.calls;
        p.configure(s.toBuilder().seed(99).build(), 4, H, W);
        assertThat(prompts.calls).as("a seed change keeps the prompt embeddings").isEqualTo(encodes);
        JourneyReference fresh = new JourneyReference(ts, NoiseBank.seeded(99, 3, 4, H, W), E, GuidanceMode.SELF, 1.4,
                0.8, true, false);
        for (int call = 0; call < 3; call++) {
            float[] x = frame(r);
            Close.assertClose(p.step(x), fresh.call(x, LinearFakes.promptMean("a cat"),
                    LinearFakes.promptMean("blurry, low quality")), TOL);
        }
    }

    @Test
    void tIndexChangeRestartsTheStreamWithTheNewSlots() throws IOException {
        StreamPipeline p = pipeline();
        p.configure(settings(List.of(32, 45), GuidanceMode.FULL), 4, H, W);
        Random r = new Random(14);
        p.step(frame(r));
        List<Integer> ts = List.of(5, 25, 40, 45);
        p.configure(settings(ts, GuidanceMode.FULL), 4, H, W);
        JourneyReference fresh = new JourneyReference(ts, NoiseBank.seeded(7, 4, 4, H, W), E, GuidanceMode.FULL, 1.4,
                0.8, true, false);
        for (int call = 0; call < 3; call++) {
            float[] x = frame(r);
            Close.assertClose(p.step(x), fresh.call(x, LinearFakes.promptMean("a cat"),
                    LinearFakes.promptMean("blurry, low quality")), TOL);
        }
        assertThat(unet.lastBatch).isEqualTo(8);
    }

    @Test
    void frameBatchRunsSeveralFramesThroughOneSlotWithTheSameNoise() throws IOException {
        StreamPipeline p = pipeline();
        StreamSettings s = settings(List.of(0), GuidanceMode.NONE).toBuilder().frameBatch(3).directStep(true).build();
        p.configure(s, 4, H, W);
        float[] bank = NoiseBank.seeded(7, 3, 4, H, W);
        Random r = new Random(6);
        float[] x = new float[3 * E];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) r.nextGaussian();
        }
        float[] out = p.step(x);
        assertThat(unet.lastBatch).isEqualTo(3);
        for (int f = 0; f < 3; f++) {
            float[] xf = java.util.Arrays.copyOfRange(x, f * E, (f + 1) * E);
            // every frame of the batch is noised with the first bank row (StreamDiffusion's encode_image:
            // add_noise(latent, init_noise[0], 0)), so consecutive output frames share their noise
            float[] bf = java.util.Arrays.copyOfRange(bank, 0, E);
            JourneyReference ref = new JourneyReference(List.of(0), bf, E, GuidanceMode.NONE, 1, 1, true, true);
            Close.assertClose(java.util.Arrays.copyOfRange(out, f * E, (f + 1) * E), ref.call(xf, 0.055, 0.005), TOL);
        }
    }

    @Test
    void frameBatchAboveOneIsRefusedForMultiStepLists() {
        assertThatThrownBy(() -> settings(List.of(32, 45), GuidanceMode.NONE).toBuilder().frameBatch(2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("single-step");
    }

    @Test
    void noiseBankLoadsFromNpyAndAWrongShapeNamesTheFile(@TempDir Path dir) throws IOException {
        float[] bank = new float[2 * E];
        for (int k = 0; k < bank.length; k++) {
            bank[k] = (float) Math.sin(k);
        }
        Path good = dir.resolve("noise.npy");
        Npy.writeFloats(good, bank, 2, 4, H, W);
        List<Integer> ts = List.of(32, 45);
        StreamPipeline p = pipeline();
        StreamSettings s = settings(ts, GuidanceMode.SELF).toBuilder().noiseFile(good).build();
        p.configure(s, 4, H, W);
        JourneyReference ref = new JourneyReference(ts, bank, E, GuidanceMode.SELF, 1.4, 0.8, true, false);
        float[] x = frame(new Random(9));
        Close.assertClose(p.step(x), ref.call(x, LinearFakes.promptMean("a cat"), LinearFakes.promptMean("blurry, low quality")), TOL);

        Path bad = dir.resolve("bad.npy");
        Npy.writeFloats(bad, new float[E], 1, 4, H, W);
        assertThatThrownBy(() -> p.configure(s.toBuilder().noiseFile(bad).build(), 4, H, W))
                .isInstanceOf(IOException.class).hasMessageContaining("bad.npy").hasMessageContaining("[2, 4, 2, 3]");
        assertThat(p.settings().noiseFile()).as("previous settings stay").isEqualTo(good);
    }

    @Test
    void strengthMapsToTheFirstIndexAndSpreadsTowardFortyFive() {
        assertThat(TIndexMapping.fromStrength(0.36, 2)).containsExactly(32, 45);
        assertThat(TIndexMapping.fromStrength(1.0, 4)).containsExactly(0, 15, 30, 45);
        assertThat(TIndexMapping.fromStrength(0.5, 1)).containsExactly(25);
        assertThat(TIndexMapping.fromStrength(0.0, 3)).containsExactly(47, 48, 49);
        assertThat(TIndexMapping.fromStrength(0.1, 3)).containsExactly(45, 46, 47);
        // the first index is diffusers' img2img start: 50 - int(50 * strength) (get_timesteps / LCMScheduler
        // set_timesteps(strength=...)): 50 * 0.318 = 15.9 -> 15 -> 35; 50 * 0.638 = 31.9 -> 31 -> 19
        assertThat(TIndexMapping.fromStrength(0.318, 1)).containsExactly(35);
        assertThat(TIndexMapping.fromStrength(0.638, 2)).containsExactly(19, 45);
        assertThatThrownBy(() -> TIndexMapping.validate(List.of(45, 32))).hasMessageContaining("ascending");
        assertThatThrownBy(() -> TIndexMapping.validate(List.of(50))).hasMessageContaining("50");
    }
}
