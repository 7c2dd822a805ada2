package dev.streamcanvas.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.onnx.FixtureSpec.Ids;
import dev.streamcanvas.engine.onnx.FixtureSpec.Precision;
import dev.streamcanvas.engine.onnx.FixtureSpec.Timestep;
import dev.streamcanvas.engine.onnx.FixtureSpec.VaeOutput;
import dev.streamcanvas.engine.onnx.FixtureSpec.Weights;
import dev.streamcanvas.engine.onnx.OrtRun.In;
import dev.streamcanvas.engine.onnx.OrtRun.Out;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RANDOM fixtures: every variant loads, runs at two batch sizes with the declared shapes, and is seeded. */
class RandomFixtureTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> variants() {
        FixtureSpec base = FixtureSpec.defaults().withWeights(Weights.RANDOM).withSize(32, 48).withText(8, 6)
                .withChannels(8);
        return Stream.of(
                Arguments.of("fp32 int64 timestep", base),
                Arguments.of("int64 ids, float scalar timestep, f=4", base.withIds(Ids.INT64)
                        .withTimestep(Timestep.FLOAT_SCALAR).withVaeFactor(4)),
                Arguments.of("fp16 float timestep, params, cond, external data", base.withPrecision(Precision.FP16)
                        .withTimestep(Timestep.FLOAT).withVaeOutput(VaeOutput.LATENT_PARAMETERS).withTimestepCond(16)
                        .withExternalData(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyGraphRunsWithTheDeclaredShapes(String label, FixtureSpec spec) throws Exception {
        Path dir = tmp.resolve("f");
        FixtureGenerator.write(dir, spec);
        assertThat(FixtureGenerator.readSpec(dir)).isEqualTo(spec);
        if (spec.externalData()) {
            assertThat(dir.resolve("unet/model.onnx_data")).exists();
        }
        int l = spec.seqLen();
        int d = spec.textDim();
        int h = spec.latentHeight();
        int w = spec.latentWidth();
        Random rnd = new Random(5);
        for (int b : new int[] {1, 3}) {
            try (OnnxGraph te = OnnxGraph.load(dir.resolve("text_encoder/model.onnx"), Device.CPU)) {
                double[] ids = new double[b * l];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rnd.nextInt(ClipVocabulary.learn(FixtureGenerator.MERGES).size());
                }
                checkOut(OrtRun.run(te, Map.of("input_ids", new In(ids, b, l))).get("last_hidden_state"), b, l, d);
            }
            try (OnnxGraph unet = OnnxGraph.load(dir.resolve("unet/model.onnx"), Device.CPU)) {
                Map<String, In> feeds = new LinkedHashMap<>();
                feeds.put("sample", new In(random(rnd, b * 4 * h * w), b, 4, h, w));
                feeds.put("timestep", spec.timestep() == Timestep.FLOAT_SCALAR ? new In(new double[] {500})
                        : new In(random(rnd, b), b));
                feeds.put("encoder_hidden_states", new In(random(rnd, b * l * d), b, l, d));
                if (spec.timestepCond() > 0) {
                    feeds.put("timestep_cond", new In(random(rnd, b * spec.timestepCond()), b, spec.timestepCond()));
                }
                checkOut(OrtRun.run(unet, feeds).get("out_sample"), b, 4, h, w);
            }
            try (OnnxGraph enc = OnnxGraph.load(dir.resolve("vae_encoder/model.onnx"), Device.CPU)) {
                boolean params = spec.vaeOutput() == VaeOutput.LATENT_PARAMETERS;
                Out out = OrtRun.run(enc, Map.of("sample", new In(random(rnd, b * 3 * spec.height() * spec.width()),
                        b, 3, spec.height(), spec.width()))).get(params ? "latent_parameters" : "latent_sample");
                checkOut(out, b, params ? 8 : 4, h, w);
            }
            try (OnnxGraph dec = OnnxGraph.load(dir.resolve("vae_decoder/model.onnx"), Device.CPU)) {
                Out out = OrtRun.run(dec, Map.of("latent_sample", new In(random(rnd, b * 4 * h * w), b, 4, h, w)))
                        .get("sample");
                checkOut(out, b, 3, spec.height(), spec.width());
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedDifferentOnes() {
        FixtureSpec spec = FixtureSpec.defaults().withWeights(Weights.RANDOM).withChannels(8);
        assertThat(FixtureGenerator.unet(spec)).isEqualTo(FixtureGenerator.unet(spec));
        assertThat(FixtureGenerator.unet(spec.withSeed(7))).isNotEqualTo(FixtureGenerator.unet(spec));
        assertThat(OnnxSummary.of(FixtureGenerator.unet(spec.withChannels(64))).parameterCount())
                .isGreaterThan(OnnxSummary.of(FixtureGenerator.unet(spec)).parameterCount());
    }

    /** The same file loaded through DJL's Criteria on the OnnxRuntime engine gives the same numbers. */
    @Test
    void djlCriteriaLoadsTheSameGraphAndAgrees() throws Exception {
        FixtureSpec spec = FixtureSpec.defaults().withWeights(Weights.RANDOM).withChannels(8);
        Path dir = tmp.resolve("djl");
        FixtureGenerator.write(dir, spec);
        Path file = dir.resolve("vae_decoder/model.onnx");
        double[] z = random(new Random(9), 2 * 4 * 8 * 8);
        Out ours;
        try (OnnxGraph dec = OnnxGraph.load(file, Device.CPU)) {
            ours = OrtRun.run(dec, Map.of("latent_sample", new In(z, 2, 4, 8, 8))).get("sample");
        }
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine("OnnxRuntime").build();
        float[] zf = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            zf[i] = (float) z[i];
        }
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor();
                NDManager manager = NDManager.newBaseManager("OnnxRuntime")) {
            NDArray in = manager.create(zf, new Shape(2, 4, 8, 8));
            in.setName("latent_sample");
            NDList out = predictor.predict(new NDList(in));
            float[] theirs = out.get(0).toFloatArray();
            assertThat(out.get(0).getShape().getShape()).containsExactly(2, 3, 64, 64);
            for (int i = 0; i < theirs.length; i++) {
                assertThat((double) theirs[i]).isCloseTo(ours.data()[i], within(1e-6));
            }
        }
        assertThat(Files.size(file)).isPositive();
    }

    private static void checkOut(Out out, long... shape) {
        assertThat(out.shape()).containsExactly(shape);
        assertThat(java.util.Arrays.stream(out.data()).allMatch(Double::isFinite)).as("all finite").isTrue();
        double spread = 0;
        for (double v : out.data()) {
            spread = Math.max(spread, Math.abs(v - out.data()[0]));
        }
        assertThat(spread).as("output is not constant").isGreaterThan(0);
    }

    private static double[] random(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble() * 2 - 1;
        }
        return a;
    }
}
