package dev.streamcanvas.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphTest {
    @TempDir
    static Path tmp;
    static Path fixture;

    @BeforeAll
    static void writeFixture() throws Exception {
        fixture = tmp.resolve("fixture");
        FixtureGenerator.write(fixture, FixtureSpec.defaults().withTimestepCond(8));
    }

    @Test
    void cpuLoadReportsTheSignatureWithSymbolicDims() throws Exception {
        try (OnnxGraph unet = OnnxGraph.load(fixture.resolve("unet/model.onnx"), Device.CPU)) {
            assertThat(unet.status()).isEqualTo(new RuntimeStatus(Device.CPU, Device.CPU, ""));
            assertThat(unet.inputs()).extracting(TensorInfo::name)
                    .containsExactly("sample", "timestep", "encoder_hidden_states", "timestep_cond");
            TensorInfo sample = unet.input("sample").orElseThrow();
            assertThat(sample.type()).isEqualTo(ElementType.FLOAT32);
            assertThat(sample.shape()).containsExactly(-1, 4, -1, -1);
            assertThat(sample.dimNames()).containsExactly("batch_size", null, "height", "width");
            assertThat(unet.input("timestep").orElseThrow().type()).isEqualTo(ElementType.INT64);
            assertThat(unet.output("out_sample").orElseThrow().shapeString()).isEqualTo("[batch_size, 4, height, width]");
            assertThat(unet.input("nope")).isEmpty();
            assertThat(unet.file()).isEqualTo(fixture.resolve("unet/model.onnx").toAbsolutePath());
            assertThat(unet.session().getInputNames()).contains("sample");
            assertThat(unet.environment()).isSameAs(OrtEnvironment.getEnvironment());
        }
    }

    @Test
    void requestingCudaOnTheCpuBuildFallsBackToCpuAndSaysWhy() throws Exception {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime build has CUDA; the fallback path needs the CPU build");
        try (OnnxGraph dec = OnnxGraph.load(fixture.resolve("vae_decoder/model.onnx"), Device.CUDA)) {
            RuntimeStatus s = dec.status();
            assertThat(s.requested()).isEqualTo(Device.CUDA);
            assertThat(s.active()).isEqualTo(Device.CPU);
            assertThat(s.fellBack()).isTrue();
            assertThat(s.message()).contains("CUDA requested but this ONNX Runtime build has no CUDA")
                    .contains("running on CPU").contains("-Pcuda").contains("CUDA 12 + cuDNN 9");
            assertThat(dec.session().getNumInputs()).isEqualTo(1);
        }
        try (OnnxGraph dec = OnnxGraph.load(fixture.resolve("vae_decoder/model.onnx"), Device.TENSORRT)) {
            assertThat(dec.status().active()).isEqualTo(Device.CPU);
            assertThat(dec.status().message()).contains("TENSORRT requested").contains("-Pcuda");
        }
    }

    @Test
    void aPinnedThreadCountStillRunsAndANegativeOneIsRefused() throws Exception {
        try (OnnxGraph te = OnnxGraph.load(fixture.resolve("text_encoder/model.onnx"), Device.CPU, 1)) {
            assertThat(te.outputs()).extracting(TensorInfo::name).containsExactly("last_hidden_state");
        }
        assertThatThrownBy(() -> OnnxGraph.load(fixture.resolve("text_encoder/model.onnx"), Device.CPU, -1))
                .hasMessageContaining("intraOpThreads must be >= 0, got -1");
    }

    @Test
    void closeIsIdempotentAndTheSessionIsGoneAfterwards() throws Exception {
        OnnxGraph g = OnnxGraph.load(fixture.resolve("text_encoder/model.onnx"), Device.CPU);
        g.close();
        g.close();
        assertThatThrownBy(g::session).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aMissingFileIsAModelLoadExceptionNamingIt() {
        Path missing = tmp.resolve("nothing/model.onnx");
        assertThatThrownBy(() -> OnnxGraph.load(missing, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessage(missing.toAbsolutePath() + ": no such model file");
    }

    @Test
    void aGraphOnnxRuntimeRejectsGivesOneLineNamingTheFile() throws Exception {
        // valid protobuf, passes the toolkit checks, but uses an op that does not exist
        var g = new dev.streamcanvas.engine.onnx.GraphBuilder("bad");
        var x = g.input("x", ElementType.FLOAT32, 2);
        g.output(g.op("NoSuchOp", ElementType.FLOAT32, java.util.List.of(x)), "y", 2);
        Path file = tmp.resolve("bad.onnx");
        dev.streamcanvas.engine.onnx.OnnxModelFile.write(g.build(), file);
        assertThatThrownBy(() -> OnnxGraph.load(file, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(file.toAbsolutePath() + ": ONNX Runtime cannot load the model: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Files.exists(file)).isTrue();
        assertThat(Arrays.asList(Device.values())).containsExactly(Device.CPU, Device.CUDA, Device.TENSORRT);
    }
}
