package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.streamcanvas.engine.assign.Gaussian;
import dev.streamcanvas.engine.assign.NoiseAssignment;
import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExportTest {
    private static final double TOL = 1e-4;

    @TempDir
    Path dir;

    /** Random non-trivial weights everywhere (norm scales and biases too), so every op is exercised. */
    private static void perturb(Params p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Map.Entry<String, NDArray> e : p.all().entrySet()) {
            float[] v = e.getValue().toFloatArray();
            boolean scaleLike = e.getKey().endsWith(".bias") || e.getKey().contains("norm") || e.getKey().contains(".ln");
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) ((r.nextDouble() * 2 - 1) * (scaleLike ? 0.3 : 0.05));
            }
            e.getValue().set(v);
        }
    }

    private static float[] run(Path file, Map<String, Object> inputs) throws Exception {
        try (OnnxGraph g = OnnxGraph.load(file, Device.CPU)) {
            OrtEnvironment env = g.environment();
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, Object> e : inputs.entrySet()) {
                    Object[] v = (Object[]) e.getValue();
                    long[] shape = (long[]) v[1];
                    feed.put(e.getKey(), v[0] instanceof float[] f ? OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape)
                            : OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) v[0]), shape));
                }
                try (OrtSession.Result res = g.session().run(feed)) {
                    OnnxTensor out = (OnnxTensor) res.get(0);
                    FloatBuffer fb = out.getFloatBuffer();
                    float[] a = new float[fb.remaining()];
                    fb.get(a);
                    return a;
                }
            } finally {
                for (OnnxTensor t : feed.values()) {
                    t.close();
                }
            }
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static Path save(ModelProto m, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        OnnxModelFile.write(m, file);
        return file;
    }

    @Test
    void aFactorEightVaeHasOneMoreStageEachWayAndItsExportMatchesTheDjlForwardPass() throws Exception {
        MicroSdConfig f8 = new MicroSdConfig(32, 8, 16, 16, 1, 2, 8, 4, 8);
        assertThat(f8.latentSize()).isEqualTo(4);
        assertThatThrownBy(() -> new MicroSdConfig(48, 8, 16, 16, 1, 2, 8, 4, 8)).hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> new MicroSdConfig(32, 8, 16, 16, 1, 2, 8, 4, 2)).hasMessageContaining("vaeFactor");
        SplittableRandom r = new SplittableRandom(10);
        int b = 2;
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                MicroVae vae = new MicroVae(m, f8, 1);
                MicroVae four = new MicroVae(m, new MicroSdConfig(32, 8, 16, 16, 1, 2, 8, 4), 1)) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            assertThat(vae.params().all().keySet()).containsAll(four.params().all().keySet())
                    .contains("enc.down2.weight", "dec.up2.weight");
            assertThat(four.params().all().keySet()).noneMatch(k -> k.startsWith("enc.down2") || k.startsWith("dec.res3"));
            perturb(vae.params(), 4);
            float[] img = SyntheticImages.smoothBatch(b, 3, 32, 32, r);
            float[] lat = Gaussian.fill(new float[b * 4 * 4 * 4], r);
            NDArray e = vae.encode(m.create(img, new Shape(b, 3, 32, 32)));
            assertThat(e.getShape()).isEqualTo(new Shape(b, 8, 4, 4));
            float[] encDjl = e.toFloatArray();
            float[] decDjl = vae.decode(m.create(lat, new Shape(b, 4, 4, 4))).toFloatArray();
            float[] enc = run(save(OnnxExport.vaeEncoder(vae), dir.resolve("e8/model.onnx")),
                    Map.of("sample", new Object[] {img, new long[] {b, 3, 32, 32}}));
            float[] dec = run(save(OnnxExport.vaeDecoder(vae), dir.resolve("d8/model.onnx")),
                    Map.of("latent_sample", new Object[] {lat, new long[] {b, 4, 4, 4}}));
            assertThat(maxAbsDiff(enc, encDjl)).as("vae_encoder").isLessThan(TOL);
            assertThat(maxAbsDiff(dec, decDjl)).as("vae_decoder").isLessThan(TOL);
            assertThat(dec).hasSize(b * 3 * 32 * 32);
        }
    }

    @Test
    void everyExportedGraphMatchesTheDjlForwardPass() throws Exception {
        MicroSdConfig cfg = MicroSdConfig.tiny();
        SplittableRandom r = new SplittableRandom(9);
        int b = 2;
        int s = cfg.imageSize();
        int h = cfg.latentSize();
        int l = cfg.maxTokens();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                MicroVae vae = new MicroVae(m, cfg, 1);
                MicroTextEncoder te = new MicroTextEncoder(m, cfg, 30, 2);
                MicroUnet unet = new MicroUnet(m, cfg, 3)) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            perturb(vae.params(), 4);
            perturb(te.params(), 5);
            perturb(unet.params(), 6);
            float[] img = SyntheticImages.smoothBatch(b, 3, s, s, r);
            float[] lat = Gaussian.fill(new float[b * 4 * h * h], r);
            float[] ctx = Gaussian.fill(new float[b * l * cfg.textDim()], r);
            float[] ts = {17f, 803f};
            long[] ids = new long[b * l];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = r.nextInt(30);
            }
            float[] encDjl = vae.encode(m.create(img, new Shape(b, 3, s, s))).toFloatArray();
            float[] decDjl = vae.decode(m.create(lat, new Shape(b, 4, h, h))).toFloatArray();
            float[] teDjl = te.forward(m.create(ids, new Shape(b, l))).toFloatArray();
            float[] unetDjl = unet.forward(m.create(lat, new Shape(b, 4, h, h)), m.create(ts),
                    m.create(ctx, new Shape(b, l, cfg.textDim()))).toFloatArray();

            float[] enc = run(save(OnnxExport.vaeEncoder(vae), dir.resolve("e/model.onnx")),
                    Map.of("sample", new Object[] {img, new long[] {b, 3, s, s}}));
            float[] dec = run(save(OnnxExport.vaeDecoder(vae), dir.resolve("d/model.onnx")),
                    Map.of("latent_sample", new Object[] {lat, new long[] {b, 4, h, h}}));
            float[] txt = run(save(OnnxExport.textEncoder(te), dir.resolve("t/model.onnx")),
                    Map.of("input_ids", new Object[] {ids, new long[] {b, l}}));
            Map<String, Object> uin = new LinkedHashMap<>();
            uin.put("sample", new Object[] {lat, new long[] {b, 4, h, h}});
            uin.put("timestep", new Object[] {ts, new long[] {b}});
            uin.put("encoder_hidden_states", new Object[] {ctx, new long[] {b, l, cfg.textDim()}});
            float[] un = run(save(OnnxExport.unet(unet), dir.resolve("u/model.onnx")), uin);

            assertThat(maxAbsDiff(enc, encDjl)).as("vae_encoder").isLessThan(TOL);
            assertThat(maxAbsDiff(dec, decDjl)).as("vae_decoder").isLessThan(TOL);
            assertThat(maxAbsDiff(txt, teDjl)).as("text_encoder").isLessThan(TOL);
            assertThat(maxAbsDiff(un, unetDjl)).as("unet").isLessThan(TOL);
            // the outputs are not trivially small, so the tolerance means something
            assertThat(maxAbsDiff(un, new float[un.length])).isGreaterThan(0.05);
        }
    }

    @Test
    void exportWritesTheModelFolderContract() throws Exception {
        ImageFolder data = TestImages.shapes(12, 16, 5);
        TrainConfig cfg = TrainConfig.builder().setOutDir(dir.resolve("run")).optModel(MicroSdConfig.tiny())
                .optAssignment(NoiseAssignment.Mode.EXACT, 1).optVaeSteps(2).optSteps(2).optBatch(4)
                .optCheckpointEvery(10).optEvalEvery(0).optQualityEvery(0).optHeldOut(3).optBpeMerges(20)
                .optSampleSteps(2).optSeed(7).build();
        Path model = dir.resolve("model");
        try (Trainer t = new Trainer(cfg, data, null)) {
            t.run();
            OnnxExport.export(t, model);
            com.fasterxml.jackson.databind.JsonNode vaeCfg = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(model.resolve("vae_encoder/config.json").toFile());
            assertThat(vaeCfg.get("scaling_factor").asDouble()).isCloseTo(t.scalingFactor(), org.assertj.core.api.Assertions.within(1e-6));
        }
        for (String f : new String[] {"model_index.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
            "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json", "scheduler/scheduler_config.json",
            "text_encoder/model.onnx", "unet/model.onnx", "vae_encoder/model.onnx", "vae_decoder/model.onnx",
            "vae_decoder/config.json", "unet/config.json"}) {
            assertThat(model.resolve(f)).as(f).isRegularFile();
        }
        try (OnnxGraph unet = OnnxGraph.load(model.resolve("unet/model.onnx"), Device.CPU);
                OnnxGraph text = OnnxGraph.load(model.resolve("text_encoder/model.onnx"), Device.CPU)) {
            assertThat(unet.input("sample")).isPresent();
            assertThat(unet.input("timestep")).isPresent();
            assertThat(unet.input("encoder_hidden_states")).isPresent();
            assertThat(unet.output("out_sample")).isPresent();
            assertThat(text.output("last_hidden_state")).isPresent();
        }
    }
}
