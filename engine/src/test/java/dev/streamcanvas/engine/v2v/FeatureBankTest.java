package dev.streamcanvas.engine.v2v;

import static dev.streamcanvas.engine.v2v.OrtRun.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.model.GraphRunner;
import dev.streamcanvas.engine.model.Unet;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import dev.streamcanvas.engine.stream.Conditioning;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.PromptEncoder;
import dev.streamcanvas.engine.stream.StreamPipeline;
import dev.streamcanvas.engine.stream.StreamSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bank through the real UNet class on an edited diffusers-pattern graph (ONNX Runtime, CPU). */
class FeatureBankTest {
    private static final int B = 2;
    private static final int S = 8;
    private static final float TOL = 1e-5f;

    @TempDir
    Path dir;

    private Path original() throws Exception {
        ModelProto m = AttentionUnetFixture.build(true, false, true, B, S, 11, 17);
        Path file = dir.resolve("model/unet/model.onnx");
        Files.createDirectories(file.getParent());
        OnnxModelFile.write(m, file, 1024); // the larger weights as external data, as SD exports
        return file;
    }

    @Test
    void theEditKeepsExternalWeightsAndIsCachedByTheOriginalsHash() throws Exception {
        Path file = original();
        Path cache = dir.resolve("cache");
        BankedUnetFile.Prepared p = BankedUnetFile.prepare(file, cache);
        assertThat(p.file()).startsWith(cache);
        assertThat(p.layout().size()).isEqualTo(3);
        // the data file is shared (hard link), not copied into memory or rewritten
        Path data = p.file().resolveSibling("model.onnx_data");
        assertThat(Files.isSameFile(data, file.resolveSibling("model.onnx_data"))).isTrue();
        long written = Files.getLastModifiedTime(p.file()).toMillis();
        BankedUnetFile.Prepared again = BankedUnetFile.prepare(file, cache);
        assertThat(again.file()).isEqualTo(p.file());
        assertThat(Files.getLastModifiedTime(again.file()).toMillis()).isEqualTo(written);
        assertThat(again.layout()).isEqualTo(p.layout());
    }

    @Test
    void theUnetWithTheBankOffOrEmptyPredictsWhatThePlainUnetPredicts() throws Exception {
        Path file = original();
        float[][] in = inputs(new SplittableRandom(1));
        float[] plain = plainPredict(file, in);
        try (Unet unet = banked(file)) {
            FeatureBank bank = unet.featureBank();
            float[] out = new float[plain.length];
            bank.configure(BankSettings.OFF, 1, true);
            predict(unet, in[0], in[1], out);
            assertThat(maxAbsDiff(out, plain)).isLessThan(TOL);
            bank.configure(BankSettings.ON.withInterval(1), 1, true);
            predict(unet, in[0], in[1], out); // empty bank: plain attention, then filled
            assertThat(maxAbsDiff(out, plain)).isLessThan(TOL);
            assertThat(bank.filled()).isTrue();
            // the same frame again: the bank holds its own K, V, O, so nothing changes
            predict(unet, in[0], in[1], out);
            assertThat(maxAbsDiff(out, plain)).as("own bank").isLessThan(TOL);
        }
    }

    @Test
    void aBankFromAnotherFrameChangesTheOutputAndAResetEmptiesIt() throws Exception {
        Path file = original();
        SplittableRandom r = new SplittableRandom(2);
        float[][] a = inputs(r);
        float[][] other = inputs(r);
        float[] plainA = plainPredict(file, a);
        try (Unet unet = banked(file)) {
            FeatureBank bank = unet.featureBank();
            float[] out = new float[plainA.length];
            bank.configure(BankSettings.ON.withInterval(1).withFusionThreshold(0f), 1, true);
            predict(unet, other[0], a[1], out);
            predict(unet, a[0], a[1], out);
            assertThat(maxAbsDiff(out, plainA)).isGreaterThan(1e-3f);
            bank.reset();
            predict(unet, a[0], a[1], out);
            assertThat(maxAbsDiff(out, plainA)).isLessThan(TOL);
        }
    }

    @Test
    void eachConditioningLayoutKeepsItsOwnBank() throws Exception {
        Path file = original();
        SplittableRandom r = new SplittableRandom(5);
        float[][] a = inputs(r);
        float[][] other = inputs(r);
        int[] later = {200, 100};
        float[] plainLater;
        try (Unet plain = new Unet(OnnxGraph.load(file, Device.CPU, 1), new GraphRunner())) {
            plainLater = new float[B * 4 * S * S];
            predict(plain, later, a[0], a[1], plainLater);
        }
        try (Unet unet = banked(file)) {
            FeatureBank bank = unet.featureBank();
            float[] out = new float[plainLater.length];
            bank.configure(BankSettings.ON.withInterval(1).withFusionThreshold(0f), 1, true);
            predict(unet, other[0], a[1], out); // fills the bank of the ts() layout with another frame
            predict(unet, later, a[0], a[1], out); // a new layout: its own, still empty bank
            assertThat(maxAbsDiff(out, plainLater)).as("other layout's bank unused").isLessThan(TOL);
            predict(unet, later, a[0], a[1], out); // now its own bank holds this very frame
            assertThat(maxAbsDiff(out, plainLater)).as("own bank").isLessThan(TOL);
            predict(unet, other[0], a[1], out);
            // two merges: the later layout's second call, and the ts() layout's bank, still full, on its second
            // call (had the later layout replaced it, that call would have filled it again: one merge)
            assertThat(bank.merges()).isEqualTo(2);
        }
    }

    @Test
    void theBankIsUpdatedEveryIntervalCallsFillingFirstThenMerging() throws Exception {
        Path file = original();
        float[][] in = inputs(new SplittableRandom(3));
        try (Unet unet = banked(file)) {
            FeatureBank bank = unet.featureBank();
            float[] out = new float[B * 4 * S * S];
            bank.configure(BankSettings.ON.withInterval(3), 1, true);
            for (int i = 0; i < 7; i++) {
                predict(unet, in[0], in[1], out);
            }
            // calls 0 (fill), 3 and 6 (merges)
            assertThat(bank.updates()).isEqualTo(3);
            assertThat(bank.merges()).isEqualTo(2);
        }
    }

    @Test
    void thePipelineKeepsTheBankOnAPromptChangeAndEmptiesItOnSeedStepsAndGuidanceChanges() throws Exception {
        Path file = original();
        try (Unet unet = banked(file)) {
            FeatureBank bank = unet.featureBank();
            PromptEncoder prompts = new PromptEncoder() {
                @Override
                public int sequenceLength() {
                    return AttentionUnetFixture.L;
                }

                @Override
                public int width() {
                    return AttentionUnetFixture.D;
                }

                @Override
                public float[] encode(String prompt) {
                    float[] e = new float[AttentionUnetFixture.L * AttentionUnetFixture.D];
                    java.util.Arrays.fill(e, prompt.length() * 0.01f);
                    return e;
                }
            };
            StreamPipeline p = new StreamPipeline(NoiseSchedule.STABLE_DIFFUSION, unet, prompts, null);
            StreamSettings s = StreamSettings.builder().prompt("a").size(S * 8, S * 8).slots(2)
                    .guidance(GuidanceMode.SELF).temporal(BankSettings.ON.withInterval(1)).build();
            float[] frame = inputs(new SplittableRandom(4))[0];
            float[] one = java.util.Arrays.copyOf(frame, 4 * S * S);
            p.configure(s, 4, S, S);
            p.step(one);
            assertThat(bank.filled()).isTrue();
            p.configure(s.toBuilder().prompt("another prompt").build(), 4, S, S);
            assertThat(bank.filled()).as("kept on prompt change").isTrue();
            p.configure(s.toBuilder().seed(99).build(), 4, S, S);
            assertThat(bank.filled()).as("emptied on seed change").isFalse();
            p.step(one);
            p.configure(s.toBuilder().seed(99).strength(0.6).build(), 4, S, S);
            p.step(one);
            assertThat(bank.updates()).isEqualTo(3);
            p.configure(s.toBuilder().seed(99).strength(0.6).guidance(GuidanceMode.NONE).build(), 4, S, S);
            assertThat(bank.filled()).as("emptied on guidance change").isFalse();
            p.step(one);
            p.resetHistory();
            assertThat(bank.filled()).as("emptied on input switch").isFalse();
        }
    }

    private static int[] ts() {
        return new int[] {500, 300};
    }

    /** Conditions the UNet on {@link #ts()} and these embeddings, then predicts all B rows. */
    private static void predict(Unet unet, float[] latents, float[] embeddings, float[] out) {
        predict(unet, ts(), latents, embeddings, out);
    }

    private static void predict(Unet unet, int[] timesteps, float[] latents, float[] embeddings, float[] out) {
        unet.condition(new Conditioning(timesteps, embeddings, AttentionUnetFixture.L, AttentionUnetFixture.D));
        unet.predict(latents, B, S, S, out);
    }

    private Unet banked(Path file) throws Exception {
        BankedUnetFile.Prepared p = BankedUnetFile.prepare(file, dir.resolve("cache"));
        OnnxGraph g = OnnxGraph.load(p.file(), Device.CPU, 1);
        return new Unet(g, new GraphRunner(), new FeatureBank(p.layout(), g.environment()));
    }

    private static float[] plainPredict(Path file, float[][] in) throws Exception {
        try (Unet plain = new Unet(OnnxGraph.load(file, Device.CPU, 1), new GraphRunner())) {
            float[] out = new float[B * 4 * S * S];
            predict(plain, in[0], in[1], out);
            return out;
        }
    }

    private static float[][] inputs(SplittableRandom r) {
        float[] lat = new float[B * 4 * S * S];
        float[] emb = new float[B * AttentionUnetFixture.L * AttentionUnetFixture.D];
        for (int i = 0; i < lat.length; i++) {
            lat[i] = (float) (r.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return new float[][] {lat, emb};
    }
}
