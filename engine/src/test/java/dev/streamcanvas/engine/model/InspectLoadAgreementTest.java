package dev.streamcanvas.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.Tensors;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code inspect} ({@link ModelFolder#check}) and {@code render} ({@link DiffusionModel#load}) judge a folder the
 * same way: what one refuses the other refuses, naming the same file, and what one accepts the other accepts.
 */
class InspectLoadAgreementTest {
    @TempDir
    Path tmp;

    private Path fixture() throws Exception {
        Path dir = tmp.resolve("m");
        FixtureGenerator.write(dir, FixtureSpec.defaults().withSize(32, 32).withText(8, 10));
        return dir;
    }

    static Stream<Arguments> brokenSupportFiles() {
        String sched = "scheduler/scheduler_config.json";
        return Stream.of(
                Arguments.of("tokenizer/vocab.json", "{\"a\": 1, \"b\"".getBytes(), "not valid JSON"),
                Arguments.of("tokenizer/merges.txt", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'}, "not UTF-8"),
                Arguments.of("tokenizer/merges.txt", "#version: 0.2\na b c d\n".getBytes(), "expected 'a b'"),
                Arguments.of(sched, "{\"prediction_type\": \"v_prediction\"}".getBytes(), "prediction_type"),
                Arguments.of(sched, "{\"num_train_timesteps\": 0}".getBytes(), "num_train_timesteps"),
                Arguments.of(sched, "{\"num_train_timesteps\": 10}".getBytes(), "num_train_timesteps is 10"),
                Arguments.of(sched, "{\"num_train_timesteps\": 2000000000}".getBytes(), "limit"),
                Arguments.of(sched, "{\"beta_start\": 0.012, \"beta_end\": 0.00085}".getBytes(), "beta_start"),
                Arguments.of(sched, "{\"beta_start\": NaN}".getBytes(), "scheduler_config.json"));
    }

    @ParameterizedTest
    @MethodSource("brokenSupportFiles")
    void aBrokenSupportFileIsRefusedByBothNamingTheFile(String rel, byte[] content, String why) throws Exception {
        Path dir = fixture();
        Files.write(dir.resolve(rel), content);
        Path file = dir.toAbsolutePath().resolve(rel);
        ModelFolder.Report r = ModelFolder.check(dir);
        assertThat(r.ok()).as("inspect refuses it").isFalse();
        assertThat(r.problems()).anyMatch(p -> p.startsWith(file.toString()) && p.contains(why));
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU).close()).as("render refuses it")
                .hasMessageStartingWith(file.toString()).hasMessageContaining(why);
    }

    @Test
    void aTokenIdPastTheEmbeddingTableIsRefusedByBothAtLoad() throws Exception {
        Path dir = tmp.resolve("r");
        FixtureGenerator.write(dir, FixtureSpec.defaults().withSize(32, 32).withText(8, 10)
                .withWeights(FixtureSpec.Weights.RANDOM));
        DiffusionModel.load(dir, Device.CPU).close(); // as written, every id has its row
        Path vocab = dir.resolve("tokenizer/vocab.json");
        String json = Files.readString(vocab).trim();
        Files.writeString(vocab, json.substring(0, json.length() - 1) + ", \"zebra</w>\": 5000}");
        Path file = dir.toAbsolutePath().resolve("tokenizer/vocab.json");
        assertThat(ModelFolder.check(dir).problems()).anyMatch(p -> p.startsWith(file.toString())
                && p.contains("'zebra</w>' has id 5000") && p.contains("embedding table has"));
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU).close()).hasMessageStartingWith(file.toString())
                .hasMessageContaining("'zebra</w>' has id 5000");
    }

    @Test
    void aMissingModelIndexIsAcceptedByBoth() throws Exception {
        Path dir = fixture();
        Files.delete(dir.resolve("model_index.json"));
        assertThat(ModelFolder.check(dir).problems()).isEmpty();
        DiffusionModel.load(dir, Device.CPU).close();
    }

    @Test
    void aUnetWhoseOutputHasTheWrongChannelCountIsRefusedByBoth() throws Exception {
        Path dir = fixture();
        Path unet = dir.resolve("unet/model.onnx");
        ModelProto m = OnnxModelFile.read(unet);
        GraphProto g = m.getGraph();
        // out_sample keeps only 3 of its 4 channels: Slice(raw, [0], [3], [1])
        GraphProto.Builder gb = g.toBuilder();
        for (int i = 0; i < gb.getNodeCount(); i++) {
            NodeProto n = gb.getNode(i);
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals("out_sample")) {
                    gb.setNode(i, n.toBuilder().setOutput(k, "out_raw"));
                }
            }
        }
        gb.addInitializer(Tensors.int64s("s0", new long[] {1}, new long[] {0}));
        gb.addInitializer(Tensors.int64s("s1", new long[] {1}, new long[] {3}));
        gb.addInitializer(Tensors.int64s("ax", new long[] {1}, new long[] {1}));
        gb.addNode(NodeProto.newBuilder().setOpType("Slice").addInput("out_raw").addInput("s0").addInput("s1")
                .addInput("ax").addOutput("out_sample"));
        ValueInfoProto.Builder out = gb.getOutput(0).toBuilder();
        out.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(1).setDimValue(3);
        gb.setOutput(0, out);
        OnnxModelFile.write(m.toBuilder().setGraph(gb).build(), unet);

        Path file = dir.toAbsolutePath().resolve("unet/model.onnx");
        assertThat(ModelFolder.check(dir).problems()).anyMatch(p -> p.startsWith(file.toString()));
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU).close()).hasMessageStartingWith(file.toString())
                .hasMessageContaining("out_sample").hasMessageContaining("as many channels");
    }
}
