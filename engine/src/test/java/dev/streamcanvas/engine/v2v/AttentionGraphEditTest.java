package dev.streamcanvas.engine.v2v;

import static dev.streamcanvas.engine.v2v.OrtRun.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.GraphBuilder;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.Value;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import dev.streamcanvas.engine.train.MicroSdConfig;
import dev.streamcanvas.engine.train.MicroUnet;
import dev.streamcanvas.engine.train.OnnxExport;
import dev.streamcanvas.engine.v2v.OrtRun.T;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionGraphEditTest {
    private static final float TOL = 1e-5f;

    @TempDir
    Path dir;

    // ---- the torch.onnx pattern of diffusers' attn1, with and without names ------------------------------------

    @Test
    void classicExportWithNamesGetsThreeBankedLayersAndFusionOnMidAndFirstUpBlock() throws Exception {
        ModelProto unet = AttentionUnetFixture.build(false, false, true, 2, 8, 1, 17);
        BankLayout layout = AttentionGraphEdit.edit(unet, "classic").layout();
        assertThat(layout.named()).isTrue();
        assertThat(layout.layers()).extracting(BankLayer::name).containsExactly(
                "down_blocks.0.attentions.0.transformer_blocks.0.attn1",
                "mid_block.attentions.0.transformer_blocks.0.attn1",
                "up_blocks.1.attentions.0.transformer_blocks.0.attn1");
        assertThat(layout.layers()).extracting(BankLayer::fusion).containsExactly(false, true, true);
        assertThat(layout.layers()).extracting(BankLayer::level).containsExactly(0, 1, 0);
        assertThat(layout.layers()).allSatisfy(l -> assertThat(l.widthK()).isEqualTo(AttentionUnetFixture.C));
    }

    @Test
    void withoutNamesFusionGoesToTheSmallestTokenLayerAndTheDecoderLayerAfterIt() throws Exception {
        ModelProto unet = AttentionUnetFixture.build(true, false, false, 2, 8, 1, 17);
        BankLayout layout = AttentionGraphEdit.edit(unet, "anonymous").layout();
        assertThat(layout.named()).isFalse();
        assertThat(layout.layers()).extracting(BankLayer::name).containsExactly("attn1_0", "attn1_1", "attn1_2");
        assertThat(layout.layers()).extracting(BankLayer::fusion).containsExactly(false, true, true);
    }

    @Test
    void classicExportWithEmptyBanksEqualsTheOriginalAndItsOwnBankChangesNothing() throws Exception {
        checkEquivalence(AttentionUnetFixture.build(false, false, true, 2, 8, 3, 17), 2, 8, 3);
    }

    @Test
    void sdpaExportWithEmptyBanksEqualsTheOriginalAndItsOwnBankChangesNothing() throws Exception {
        checkEquivalence(AttentionUnetFixture.build(true, false, true, 2, 8, 4, 17), 2, 8, 3);
    }

    @Test
    void bakedTokenCountsAreFreedSoABankOfAnotherLengthRuns() throws Exception {
        // an export without dynamic axes: [2, 64, 2, 8] and [4, 64, 8] reshapes on k and v
        ModelProto classic = AttentionUnetFixture.build(false, true, true, 2, 8, 5, 14);
        checkEquivalence(classic, 2, 8, 3);
        ModelProto sdpa = AttentionUnetFixture.build(true, true, true, 2, 8, 6, 18);
        checkEquivalence(sdpa, 2, 8, 3);
    }

    @Test
    void theOpsetIsKept() throws Exception {
        for (int opset : new int[] {14, 17, 18}) {
            ModelProto unet = AttentionUnetFixture.build(true, false, true, 1, 4, 1, opset);
            ModelProto edited = AttentionGraphEdit.edit(unet, "u").model();
            assertThat(edited.getOpsetImportList()).isEqualTo(unet.getOpsetImportList());
        }
    }

    // ---- a real torch.onnx export with diffusers' module names (resources/v2v/export_torch_unet.py) ------------

    @Test
    void torchOnnxExportWithDiffusersNamesIsFoundByStructureAndEqualsTheOriginalWithEmptyBanks() throws Exception {
        // torch 1.13's export of the classic attention processor: baddbmm (MatMul, Mul by alpha, Add of 0 x empty)
        // before the Softmax, head_to_batch_dim reshapes, node names "/down_blocks.0/attentions.0/.../attn1/to_k/MatMul"
        Path file;
        try (var in = AttentionGraphEditTest.class.getResourceAsStream("/v2v/torch_unet.onnx")) {
            assertThat(in).as("test resource v2v/torch_unet.onnx").isNotNull();
            file = dir.resolve("torch_unet.onnx");
            java.nio.file.Files.write(file, in.readAllBytes());
        }
        ModelProto unet = OnnxModelFile.read(file);
        BankLayout layout = AttentionGraphEdit.edit(unet, "torch").layout();
        assertThat(layout.named()).isTrue();
        assertThat(layout.layers()).extracting(BankLayer::name).containsExactly(
                "down_blocks.0.attentions.0.transformer_blocks.0.attn1",
                "mid_block.attentions.0.transformer_blocks.0.attn1",
                "up_blocks.1.attentions.0.transformer_blocks.0.attn1");
        assertThat(layout.layers()).extracting(BankLayer::fusion).containsExactly(false, true, true);
        assertThat(layout.layers()).allSatisfy(l -> assertThat(l.widthK()).isEqualTo(16));
        checkEquivalence(unet, 2, 8, 8, 16, 7);
        checkEquivalence(unet, 1, 12, 5, 16, 8); // other batch, size and prompt length than the export's example
    }

    // ---- our own micro UNet export --------------------------------------------------------------------------------

    @Test
    void microUnetExportWithEmptyBanksEqualsTheOriginalAndItsOwnBankChangesNothing() throws Exception {
        MicroSdConfig cfg = MicroSdConfig.tiny();
        ModelProto unet;
        try (NDManager m = NDManager.newBaseManager("PyTorch"); MicroUnet u = new MicroUnet(m, cfg, 3)) {
            SplittableRandom r = new SplittableRandom(6);
            for (NDArray a : u.params().all().values()) {
                float[] v = a.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) ((r.nextDouble() * 2 - 1) * 0.2);
                }
                a.set(v);
            }
            unet = OnnxExport.unet(u);
        }
        BankLayout layout = AttentionGraphEdit.edit(unet, "micro").layout();
        // down.attn1 (h/2), mid.attn (h/4), up.attn1 (h/2): no names, fusion on mid and the decoder layer
        assertThat(layout.named()).isFalse();
        assertThat(layout.layers()).extracting(BankLayer::level).containsExactly(1, 2, 1);
        assertThat(layout.layers()).extracting(BankLayer::fusion).containsExactly(false, true, true);
        int side = 8; // symbolic height and width: run at 8x8 latents for more tokens than the trained 4x4
        checkEquivalence(unet, 2, side, cfg.maxTokens(), cfg.textDim(), 3);
    }

    // ---- fixtures and refusals --------------------------------------------------------------------------------------

    @Test
    void fixtureUnetsHaveNoSelfAttentionAndComeBackWithAnEmptyTable() throws Exception {
        for (String weights : new String[] {"analytic", "random"}) {
            Path out = dir.resolve(weights);
            FixtureSpec spec = FixtureSpec.defaults().withWeights(FixtureSpec.Weights.valueOf(weights.toUpperCase(java.util.Locale.ROOT)));
            FixtureGenerator.write(out, spec);
            ModelProto unet = OnnxModelFile.read(out.resolve("unet/model.onnx"));
            AttentionGraphEdit.Result r = AttentionGraphEdit.edit(unet, "fixture");
            assertThat(r.layout().size()).isZero();
            assertThat(r.model().getGraph()).isEqualTo(unet.getGraph());
        }
    }

    @Test
    void alreadyFusedAttentionIsRefusedNamingTheNode() {
        ModelProto unet = AttentionUnetFixture.build(false, false, true, 1, 4, 1, 17);
        ModelProto fused = unet.toBuilder().setGraph(unet.getGraph().toBuilder().addNode(NodeProto.newBuilder()
                .setOpType("MultiHeadAttention").setDomain("com.microsoft").setName("Attention_0")
                .addInput("sample").addOutput("mha_out"))).build();
        assertThatThrownBy(() -> AttentionGraphEdit.edit(fused, "sd15/unet/model.onnx"))
                .isInstanceOf(BankEditException.class)
                .hasMessageContaining("sd15/unet/model.onnx")
                .hasMessageContaining("'Attention_0'")
                .hasMessageContaining("already-fused com.microsoft MultiHeadAttention");
    }

    @Test
    void packedQkvIsRefused() {
        GraphBuilder b = new GraphBuilder("unet");
        Value x = b.input("sample", ElementType.FLOAT32, "batch", 16, 8);
        Value w = b.initializer("qkv", ElementType.FLOAT32, new long[] {8, 24}, new float[8 * 24]);
        Value[] qkv = b.split(b.matmul(x, w), 2, 8, 8, 8);
        Value scores = b.matmul(qkv[0], b.transpose(qkv[1], 0, 2, 1));
        Value o = b.matmul(b.softmax(scores, -1), qkv[2]);
        b.output(o, "out_sample", "batch", 16, 8);
        ModelProto m = b.build();
        assertThatThrownBy(() -> AttentionGraphEdit.edit(m, "packed.onnx"))
                .isInstanceOf(BankEditException.class)
                .hasMessageContaining("packed.onnx")
                .hasMessageContaining("packed QKV");
    }

    // ---- the checks ---------------------------------------------------------------------------------------------

    private void checkEquivalence(ModelProto unet, int batch, int side, long seed) throws Exception {
        checkEquivalence(unet, batch, side, AttentionUnetFixture.L, AttentionUnetFixture.D, seed);
    }

    /**
     * (1) edited with empty banks == original; (2) a layer fed its own K, V, O as bank == original; (3) a bank
     * from another input does change the output (so (1) and (2) can fail).
     */
    private void checkEquivalence(ModelProto unet, int batch, int side, int l, int d, long seed) throws Exception {
        AttentionGraphEdit.Result edit = AttentionGraphEdit.edit(unet, "unet");
        BankLayout layout = edit.layout();
        assertThat(layout.size()).isEqualTo(3);
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, T> in = inputs(batch, side, l, d, r);
        Map<String, T> other = inputs(batch, side, l, d, r);
        float[] reference;
        try (OrtRun original = new OrtRun(unet)) {
            reference = original.run(in, List.of("out_sample")).get("out_sample").data();
        }
        try (OrtRun edited = new OrtRun(edit.model())) {
            List<String> all = new ArrayList<>(List.of("out_sample"));
            for (BankLayer layer : layout.layers()) {
                all.add(layer.currentK());
                all.add(layer.currentV());
                if (layer.fusion()) {
                    all.add(layer.currentO());
                }
            }
            Map<String, T> empty = withBanks(in, layout, null, batch);
            Map<String, T> first = edited.run(empty, all);
            assertThat(maxAbsDiff(first.get("out_sample").data(), reference)).as("empty banks").isLessThan(TOL);

            Map<String, T> own = withBanks(in, layout, first, batch);
            float[] withOwn = edited.run(own, List.of("out_sample")).get("out_sample").data();
            assertThat(maxAbsDiff(withOwn, reference)).as("own K, V, O as bank").isLessThan(TOL);

            Map<String, T> fromOther = edited.run(withBanks(other, layout, null, batch), all);
            float[] mixed = edited.run(withBanks(in, layout, fromOther, batch), List.of("out_sample"))
                    .get("out_sample").data();
            assertThat(maxAbsDiff(mixed, reference)).as("another frame's bank").isGreaterThan(1e-3f);
        }
    }

    private static Map<String, T> inputs(int batch, int side, int l, int d, SplittableRandom r) {
        Map<String, T> in = new LinkedHashMap<>();
        in.put("sample", T.of(gauss(batch * 4 * side * side, r), batch, 4, side, side));
        float[] ts = new float[batch];
        for (int i = 0; i < batch; i++) {
            ts[i] = 100 + 300 * i;
        }
        in.put("timestep", T.of(ts, batch));
        in.put("encoder_hidden_states", T.of(gauss(batch * l * d, r), batch, l, d));
        return in;
    }

    /** Adds bank inputs: empty ([B, 0, C]) when {@code from} is null, else the given current K, V, O. */
    private static Map<String, T> withBanks(Map<String, T> in, BankLayout layout, Map<String, T> from, int batch) {
        Map<String, T> all = new LinkedHashMap<>(in);
        for (BankLayer layer : layout.layers()) {
            all.put(layer.bankK(), from == null ? T.empty(batch, 0, layer.widthK()) : from.get(layer.currentK()));
            all.put(layer.bankV(), from == null ? T.empty(batch, 0, layer.widthV()) : from.get(layer.currentV()));
            if (layer.fusion()) {
                all.put(layer.bankO(), from == null ? T.empty(batch, 0, layer.widthO()) : from.get(layer.currentO()));
            }
        }
        if (layout.fusionCount() > 0) {
            all.put(AttentionGraphEdit.STRENGTH, T.of(new float[] {0.8f}));
            all.put(AttentionGraphEdit.THRESHOLD, T.of(new float[] {0.98f}));
        }
        return all;
    }

    private static float[] gauss(int n, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u = Math.max(1e-12, r.nextDouble());
            a[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return a;
    }
}
