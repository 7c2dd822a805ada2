package dev.streamcanvas.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.ModelLoadException;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelFileTest {
    @TempDir
    Path tmp;

    /** y = conv(x, w) + b with a 2 KiB weight, symbolic batch. */
    private static ModelProto smallModel() {
        GraphBuilder g = new GraphBuilder("small");
        Value x = g.input("x", ElementType.FLOAT32, "batch", 4, 8, 8);
        float[] w = new float[8 * 4 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7) * 0.01f;
        }
        Value wt = g.initializer("conv.weight", ElementType.FLOAT32, new long[] {8, 4, 3, 3}, w);
        Value bt = g.initializer("conv.bias", ElementType.FLOAT32, new long[] {8}, new float[8]);
        Value half = g.initializer("scale", ElementType.FLOAT16, new long[] {1}, new float[] {0.5f});
        Value y = g.mul(g.conv(x, wt, bt, 1, 1), g.cast(half, ElementType.FLOAT32));
        g.output(g.relu(y), "y", "batch", 8, 8, 8);
        return g.build();
    }

    @Test
    void readWriteReadRoundTripIsEqual() throws Exception {
        ModelProto built = smallModel();
        Path a = tmp.resolve("a/model.onnx");
        OnnxModelFile.write(built, a);
        ModelProto first = OnnxModelFile.readInlined(a);
        assertThat(first).isEqualTo(built);
        Path b = tmp.resolve("b/model.onnx");
        OnnxModelFile.write(first, b);
        ModelProto second = OnnxModelFile.readInlined(b);
        assertThat(second).isEqualTo(first);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void largeInitializersGoToAnExternalDataFileAndReadBackEqual() throws Exception {
        ModelProto built = smallModel();
        Path file = tmp.resolve("ext/model.onnx");
        OnnxModelFile.write(built, file, 1024);
        Path data = tmp.resolve("ext/model.onnx_data");
        assertThat(data).exists();
        assertThat(Files.size(data)).isEqualTo(8 * 4 * 3 * 3 * 4);        // only the conv weight is >= 1 KiB
        ModelProto structure = OnnxModelFile.read(file);
        TensorProto w = structure.getGraph().getInitializer(0);
        assertThat(w.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
        assertThat(w.hasRawData()).isFalse();
        assertThat(OnnxSummary.of(structure).externalDataFiles()).containsExactly("model.onnx_data");
        assertThat(OnnxModelFile.readInlined(file)).isEqualTo(built);
        // and ONNX Runtime finds the weights next to the model
        try (OnnxGraph graph = OnnxGraph.load(file, Device.CPU)) {
            assertThat(graph.input("x").orElseThrow().dimNames()).containsExactly("batch", null, null, null);
        }
    }

    @Test
    void summaryListsSignatureOpsetsOpsAndParameters() throws Exception {
        OnnxSummary s = OnnxSummary.of(smallModel());
        assertThat(s.inputs()).containsExactly(new TensorInfo("x", ElementType.FLOAT32, new long[] {-1, 4, 8, 8},
                Arrays.asList("batch", null, null, null)));
        assertThat(s.outputs().get(0).shapeString()).isEqualTo("[batch, 8, 8, 8]");
        assertThat(s.defaultOpset()).isEqualTo(17);
        assertThat(s.opCounts()).containsEntry("Conv", 1).containsEntry("Cast", 1).containsEntry("Relu", 1)
                .containsEntry("Identity", 1).containsEntry("Mul", 1);
        assertThat(s.initializerCount()).isEqualTo(3);
        assertThat(s.parameterCount()).isEqualTo(288 + 8 + 1);
        assertThat(s.initializerBytes()).isEqualTo(288 * 4 + 8 * 4 + 2);
    }

    private Path withExternalLocation(String location) throws Exception {
        ModelProto m = smallModel();
        TensorProto w = m.getGraph().getInitializer(0);
        TensorProto ext = w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("1152"))
                .build();
        ModelProto bad = m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, ext)).build();
        Path file = tmp.resolve("models/unet/model.onnx");
        Files.createDirectories(file.getParent());
        Files.write(file, bad.toByteArray());
        return file;
    }

    @Test
    void externalDataWithAnAbsolutePathIsRefused() throws Exception {
        Path outside = tmp.resolve("secret.bin");
        Files.write(outside, new byte[4096]);
        Path file = withExternalLocation(outside.toString());
        assertThatThrownBy(() -> OnnxModelFile.read(file)).isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessage(file + ": external data location '" + outside + "' of tensor 'conv.weight' is an absolute path: "
                        + "it escapes the model folder " + file.getParent().toAbsolutePath()
                        + " (external data must be a file inside the model's folder)");
    }

    @Test
    void externalDataWithDotDotIsRefused() throws Exception {
        Path file = withExternalLocation("../secret.bin");
        Files.write(tmp.resolve("models/secret.bin"), new byte[4096]);
        assertThatThrownBy(() -> OnnxModelFile.read(file)).isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("external data location '../secret.bin' of tensor 'conv.weight' contains '..': it")
                .hasMessageContaining("escapes the model folder");
    }

    @Test
    void externalDataThroughASymlinkOutOfTheFolderIsRefused() throws Exception {
        Path outside = tmp.resolve("secret.bin");
        Files.write(outside, new byte[4096]);
        Path file = withExternalLocation("weights.bin");
        Files.createSymbolicLink(file.resolveSibling("weights.bin"), outside);
        assertThatThrownBy(() -> OnnxModelFile.read(file)).isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("'weights.bin' of tensor 'conv.weight' is a symbolic link to " + outside.toRealPath() + ": it")
                .hasMessageContaining("escapes the model folder");
        // and the runtime loader refuses it the same way, before ONNX Runtime sees the file
        assertThatThrownBy(() -> OnnxGraph.load(file, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("escapes the model folder");
    }

    @Test
    void externalDataInsideTheFolderThatIsTooShortIsRefused() throws Exception {
        Path file = withExternalLocation("model.onnx_data");
        Files.write(file.resolveSibling("model.onnx_data"), new byte[100]);
        assertThatThrownBy(() -> OnnxModelFile.read(file)).isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("model.onnx_data: external data file is too short for tensor 'conv.weight'");
    }

    @Test
    void aTruncatedFileIsRefusedWithAClearMessage() throws Exception {
        Path good = tmp.resolve("good.onnx");
        OnnxModelFile.write(smallModel(), good);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        assertThatThrownBy(() -> OnnxModelFile.read(cut)).isInstanceOf(OnnxFormatException.class)
                .hasMessage(cut + ": the file is truncated (it ends in the middle of the model)");
        assertThatThrownBy(() -> OnnxGraph.load(cut, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessage(cut.toAbsolutePath() + ": the file is truncated (it ends in the middle of the model)");
    }

    @Test
    void aNonOnnxFileIsRefusedWithAClearMessage() throws Exception {
        Path png = tmp.resolve("picture.onnx");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        assertThatThrownBy(() -> OnnxModelFile.read(png)).isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith(png + ": the file is not an ONNX model");
        Path text = tmp.resolve("notes.onnx");
        Files.writeString(text, "just some text, not a model\n");
        assertThatThrownBy(() -> OnnxModelFile.read(text)).isInstanceOf(OnnxFormatException.class)
                .hasMessageStartingWith(text + ": the file is not an ONNX model");
    }

    @Test
    void aTensorWhoseDataDoesNotMatchItsDimsIsRefused() throws Exception {
        ModelProto m = smallModel();
        TensorProto w = m.getGraph().getInitializer(0);
        TensorProto shortData = w.toBuilder().setRawData(w.getRawData().substring(0, 1000)).build();
        Path file = tmp.resolve("mismatch.onnx");
        Files.write(file, m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, shortData)).build().toByteArray());
        assertThatThrownBy(() -> OnnxModelFile.read(file)).isInstanceOf(OnnxFormatException.class)
                .hasMessage(file + ": tensor 'conv.weight' declares dims [8, 4, 3, 3] of float32 (1152 bytes) but holds"
                        + " 1000 bytes of data");

        TensorProto typed = TensorProto.newBuilder().setName("conv.bias").setDataType(1).addDims(8)
                .addAllFloatData(List.of(1f, 2f, 3f)).build();
        Path file2 = tmp.resolve("mismatch2.onnx");
        Files.write(file2, m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(1, typed)).build().toByteArray());
        assertThatThrownBy(() -> OnnxModelFile.read(file2)).isInstanceOf(OnnxFormatException.class)
                .hasMessage(file2 + ": tensor 'conv.bias' declares dims [8] (8 elements of float32) but holds 3 values");
    }

    @Test
    void typedFieldTensorsConvertToTheSameRawBytes() {
        TensorProto typed = TensorProto.newBuilder().setDataType(1).addDims(3).addAllFloatData(List.of(1f, -2f, 0.5f)).build();
        TensorProto raw = Tensors.floats(null, ElementType.FLOAT32, new long[] {3}, new float[] {1f, -2f, 0.5f});
        assertThat(Tensors.rawBytes(typed)).isEqualTo(raw.getRawData());
        assertThat(Tensors.toFloats(typed)).containsExactly(1f, -2f, 0.5f);
        // little-endian IEEE: 1.0f = 00 00 80 3f
        assertThat(raw.getRawData().substring(0, 4)).isEqualTo(ByteString.copyFrom(new byte[] {0, 0, (byte) 0x80, 0x3f}));
    }
}
