package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.Close;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.DiffusionModel;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.text.ClipTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end on ANALYTIC fixture models: the engine's output latents after each frame equal the closed form
 * computed independently here (the analytic graphs' formulas, fed through the frame-journey reference).
 */
class StreamOnFixturesTest {
    private static final float SF = 0.18215f;
    private static final String PROMPT = "a watercolor fox, 4k!";
    private static final String NEGATIVE = "blurry";

    @TempDir
    Path tmp;

    private StreamEngine engine;
    private final BlockingQueue<float[]> latents = new LinkedBlockingQueue<>();
    private final BlockingQueue<int[]> images = new LinkedBlockingQueue<>();
    private final List<String> errors = new ArrayList<>();

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private Path fixture(FixtureSpec spec) throws Exception {
        Path dir = tmp.resolve("m" + Integer.toHexString(spec.hashCode()));
        FixtureGenerator.write(dir, spec);
        return dir;
    }

    private void startEngine(Path dir, StreamSettings s) throws Exception {
        engine = new StreamEngine(s);
        engine.captureLatents(true);
        engine.addListener(new StreamEngine.Listener() {
            @Override
            public void onOutputLatents(float[] l, long[] shape) {
                latents.add(l);
            }

            @Override
            public void onOutput(int[] argb, int width, int height, FrameTimings t) {
                images.add(java.util.Arrays.copyOf(argb, width * height));
            }

            @Override
            public void onError(String stage, Exception error) {
                synchronized (errors) {
                    errors.add(stage + ": " + error.getMessage());
                }
            }
        });
        engine.start();
        BlockingQueue<StreamEngine.LoadResult> r = new LinkedBlockingQueue<>();
        engine.loadModel(dir.toString(), () -> DiffusionModel.load(dir, Device.CPU), r::add);
        StreamEngine.LoadResult res = r.poll(60, TimeUnit.SECONDS);
        assertThat(res).isNotNull();
        assertThat(res.success()).as(res.message()).isTrue();
    }

    private float[] run(int[] argb, int w, int h) throws InterruptedException {
        engine.submit(argb, w, h);
        float[] l = latents.poll(60, TimeUnit.SECONDS);
        assertThat(l).as("output latents (errors: %s)", errors).isNotNull();
        return l;
    }

    private static int[] image(Random r, int w, int h) {
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xff000000 | r.nextInt(0x1000000);
        }
        return px;
    }

    /** The analytic VAE encoder's mean times the scaling factor, in double. */
    static float[] expectedLatent(int[] argb, int w, int h, int f) {
        int lh = h / f;
        int lw = w / f;
        float[] out = new float[4 * lh * lw];
        for (int y = 0; y < lh; y++) {
            for (int x = 0; x < lw; x++) {
                double[] p = new double[3];
                for (int dy = 0; dy < f; dy++) {
                    for (int dx = 0; dx < f; dx++) {
                        int px = argb[(y * f + dy) * w + x * f + dx];
                        p[0] += ((px >> 16) & 0xff) / 127.5 - 1;
                        p[1] += ((px >> 8) & 0xff) / 127.5 - 1;
                        p[2] += (px & 0xff) / 127.5 - 1;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    p[c] /= f * f;
                    out[(c * lh + y) * lw + x] = (float) (0.5 * p[c] * SF);
                }
                out[(3 * lh + y) * lw + x] = (float) (0.25 * (p[0] + p[1] + p[2]) * SF);
            }
        }
        return out;
    }

    /** mean over l, d of sin(0.001 * id_l * (d + 1)) for the fixture tokenizer's ids of {@code prompt}. */
    static double promptMean(Path dir, String prompt, int dim) throws Exception {
        int[] ids = ClipTokenizer.load(dir.resolve("tokenizer"), 0).encode(prompt).ids();
        double sum = 0;
        for (int id : ids) {
            for (int d = 0; d < dim; d++) {
                sum += Math.sin(0.001 * id * (d + 1));
            }
        }
        return sum / (ids.length * dim);
    }

    static Stream<Arguments> modesAndSlots() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (GuidanceMode g : GuidanceMode.values()) {
            for (int n = 1; n <= 4; n++) {
                b.add(Arguments.of(g, n));
            }
        }
        return b.build();
    }

    private static StreamSettings settings(GuidanceMode g, List<Integer> ts, int w, int h) {
        return StreamSettings.builder().prompt(PROMPT).negativePrompt(NEGATIVE).seed(11).tIndices(ts).guidance(g)
                .gamma(1.5f).delta(0.7f).size(w, h).build();
    }

    private static List<Integer> tIndices(int n) {
        return TIndexMapping.fromStrength(0.6, n);
    }

    @ParameterizedTest(name = "{0}, n = {1}")
    @MethodSource("modesAndSlots")
    void outputAfterEachFrameMatchesTheClosedForm(GuidanceMode g, int n) throws Exception {
        FixtureSpec spec = FixtureSpec.defaults().withSize(32, 16);
        Path dir = fixture(spec);
        List<Integer> ts = tIndices(n);
        startEngine(dir, settings(g, ts, 32, 16));
        int e = 4 * 2 * 4;
        JourneyReference ref = new JourneyReference(ts, NoiseBank.seeded(11, n, 4, 2, 4), e, g, 1.5, 0.7, true,
                false);
        double cond = promptMean(dir, PROMPT, spec.textDim());
        double uncond = promptMean(dir, NEGATIVE, spec.textDim());
        Random r = new Random(n * 31L + g.ordinal());
        for (int k = 0; k < 5; k++) {
            int[] px = image(r, 32, 16);
            float[] out = run(px, 32, 16);
            double[] expected = ref.call(expectedLatent(px, 32, 16, 8), cond, uncond);
            Close.assertClose(out, expected, Close.relative(1e-4));
            // the decoded pixel is 2 * latent / sf mapped to 0..255
            int[] img = images.poll(10, TimeUnit.SECONDS);
            double v = 2 * expected[0] / SF;
            int want = (int) Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
            assertThat((img[0] >> 16) & 0xff).isCloseTo(want, within(1));
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void sameSeedGivesIdenticalOutput() throws Exception {
        Path dir = fixture(FixtureSpec.defaults().withSize(16, 16));
        float[][] outs = new float[2][];
        for (int run = 0; run < 2; run++) {
            startEngine(dir, settings(GuidanceMode.SELF, List.of(20, 35, 45), 16, 16));
            Random r = new Random(3);
            for (int k = 0; k < 4; k++) {
                outs[run] = run(image(r, 16, 16), 16, 16);
            }
            engine.close();
            engine = null;
        }
        assertThat(outs[1]).containsExactly(outs[0]);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GuidanceMode.class, names = {"FULL", "INITIALIZE"})
    void promptChangeMidStreamKeepsGuidanceWorking(GuidanceMode g) throws Exception {
        FixtureSpec spec = FixtureSpec.defaults().withSize(16, 16);
        Path dir = fixture(spec);
        List<Integer> ts = List.of(16, 32, 45);
        StreamSettings s = settings(g, ts, 16, 16);
        startEngine(dir, s);
        JourneyReference ref = new JourneyReference(ts, NoiseBank.seeded(11, 3, 4, 2, 2), 16, g, 1.5, 0.7, true,
                false);
        Random r = new Random(8);
        String[] prompts = {PROMPT, PROMPT, "a dog", "a dog", "a dog"};
        String[] negatives = {NEGATIVE, NEGATIVE, NEGATIVE, "ugly, dark", "ugly, dark"};
        for (int k = 0; k < prompts.length; k++) {
            engine.apply(s.toBuilder().prompt(prompts[k]).negativePrompt(negatives[k]).build());
            int[] px = image(r, 16, 16);
            float[] out = run(px, 16, 16);
            Close.assertClose(out, ref.call(expectedLatent(px, 16, 16, 8), promptMean(dir, prompts[k], 32),
                    promptMean(dir, negatives[k], 32)), Close.relative(1e-4));
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void inputResolutionChangeMidStreamIsResizedAndAnUnsupportedModelSizeIsReported() throws Exception {
        Path dir = fixture(FixtureSpec.defaults().withSize(16, 16));
        startEngine(dir, settings(GuidanceMode.SELF, List.of(32, 45), 16, 16));
        Random r = new Random(1);
        run(image(r, 16, 16), 16, 16);
        float[] out = run(image(r, 48, 32), 48, 32); // a camera switching resolution: resized to the model size
        assertThat(out).hasSize(4 * 2 * 2);
        engine.apply(settings(GuidanceMode.SELF, List.of(32, 45), 32, 32));
        run(image(r, 16, 16), 16, 16);
        synchronized (errors) {
            assertThat(errors).anyMatch(m -> m.contains("runs only at 16x16"));
        }
    }

    @Test
    void aBrokenModelFolderIsReportedAndThePreviousModelKeepsStreaming() throws Exception {
        Path good = fixture(FixtureSpec.defaults().withSize(16, 16));
        startEngine(good, settings(GuidanceMode.SELF, List.of(32, 45), 16, 16));
        Random r = new Random(2);
        run(image(r, 16, 16), 16, 16);
        Path broken = tmp.resolve("broken");
        FixtureGenerator.write(broken, FixtureSpec.defaults().withSize(16, 16));
        java.nio.file.Files.writeString(broken.resolve("vae_encoder/model.onnx"), "garbage");
        BlockingQueue<StreamEngine.LoadResult> result = new LinkedBlockingQueue<>();
        engine.loadModel(broken.toString(), () -> DiffusionModel.load(broken, Device.CPU), result::add);
        StreamEngine.LoadResult res = result.poll(60, TimeUnit.SECONDS);
        assertThat(res.success()).isFalse();
        assertThat(res.message()).contains("vae_encoder/model.onnx");
        assertThat(run(image(r, 16, 16), 16, 16)).hasSize(16);
        assertThat(engine.metrics().model()).isEqualTo(good.getFileName().toString());
    }

    static Stream<Arguments> variants() {
        FixtureSpec base = FixtureSpec.defaults().withSize(16, 16).withText(8, 10);
        return Stream.of(
                Arguments.of("int64 ids", base.withIds(FixtureSpec.Ids.INT64)),
                Arguments.of("float timestep", base.withTimestep(FixtureSpec.Timestep.FLOAT)),
                Arguments.of("scalar timestep", base.withTimestep(FixtureSpec.Timestep.FLOAT_SCALAR)),
                Arguments.of("latent_parameters", base.withVaeOutput(FixtureSpec.VaeOutput.LATENT_PARAMETERS)),
                Arguments.of("timestep_cond", base.withTimestepCond(256)),
                Arguments.of("vae factor 4", base.withVaeFactor(4)),
                Arguments.of("sd2 padding", base.withPadding(FixtureSpec.Padding.SD2)),
                Arguments.of("external data", base.withExternalData(true)),
                Arguments.of("fp16", base.withPrecision(FixtureSpec.Precision.FP16)),
                Arguments.of("fp16 + scalar timestep + cond", base.withPrecision(FixtureSpec.Precision.FP16)
                        .withTimestep(FixtureSpec.Timestep.FLOAT_SCALAR).withTimestepCond(32)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everySignatureVariantRunsAndMatchesTheClosedForm(String name, FixtureSpec spec) throws Exception {
        Path dir = fixture(spec);
        List<Integer> ts = List.of(20, 32, 45);
        GuidanceMode g = GuidanceMode.FULL;
        startEngine(dir, settings(g, ts, 16, 16));
        int f = spec.vaeFactor();
        int e = 4 * (16 / f) * (16 / f);
        JourneyReference ref = new JourneyReference(ts, NoiseBank.seeded(11, 3, 4, 16 / f, 16 / f), e, g, 1.5, 0.7,
                true, false);
        if (spec.timestepCond() > 0) {
            ref.extra = 0.01 * meanGuidanceEmbedding(8.0, spec.timestepCond());
        }
        boolean fp16 = spec.precision() == FixtureSpec.Precision.FP16;
        double cond = promptMean(dir, PROMPT, spec.textDim());
        double uncond = promptMean(dir, NEGATIVE, spec.textDim());
        Random r = new Random(4);
        for (int k = 0; k < 4; k++) {
            int[] px = image(r, 16, 16);
            float[] out = run(px, 16, 16);
            Close.assertClose(out, ref.call(expectedLatent(px, 16, 16, f), cond, uncond), Close.relative(fp16 ? 2e-2 : 1e-4));
        }
        assertThat(errors).isEmpty();
    }

    /** Second formulation of LCM's embedding mean: sum of sin and cos of (w-1)*1000*10000^(-k/(half-1)). */
    static double meanGuidanceEmbedding(double w, int dim) {
        int half = dim / 2;
        double sum = 0;
        for (int k = 0; k < half; k++) {
            double freq = Math.pow(10000.0, -(double) k / (half - 1));
            sum += Math.sin((w - 1) * 1000 * freq) + Math.cos((w - 1) * 1000 * freq);
        }
        return sum / dim;
    }
}
