package dev.streamcanvas.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.FixtureSpec.Ids;
import dev.streamcanvas.engine.onnx.FixtureSpec.Precision;
import dev.streamcanvas.engine.onnx.FixtureSpec.Timestep;
import dev.streamcanvas.engine.onnx.FixtureSpec.VaeOutput;
import dev.streamcanvas.engine.onnx.FixtureSpec.Weights;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ModelFolderTest {
    @TempDir
    Path tmp;

    static Stream<FixtureSpec> variants() {
        FixtureSpec d = FixtureSpec.defaults();
        return Stream.of(d,
                d.withIds(Ids.INT64).withTimestep(Timestep.FLOAT).withVaeFactor(4).withSize(64, 32),
                d.withTimestep(Timestep.FLOAT_SCALAR).withVaeOutput(VaeOutput.LATENT_PARAMETERS).withTimestepCond(256),
                d.withPrecision(Precision.FP16).withWeights(Weights.RANDOM).withChannels(8).withExternalData(true)
                        .withText(24, 9));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyFixtureVariantMeetsTheContractWithItsOwnSignature(FixtureSpec spec) throws Exception {
        Path dir = tmp.resolve("m");
        FixtureGenerator.write(dir, spec);
        ModelFolder.Report r = ModelFolder.requireValid(dir);
        assertThat(r.problems()).isEmpty();
        assertThat(r.components()).containsOnlyKeys(ModelFolder.GRAPHS);
        ModelFolder.Contract c = r.contract().orElseThrow();
        ElementType floatType = spec.precision() == Precision.FP16 ? ElementType.FLOAT16 : ElementType.FLOAT32;
        assertThat(c).isEqualTo(new ModelFolder.Contract(spec.seqLen(), spec.textDim(),
                spec.ids() == Ids.INT32 ? ElementType.INT32 : ElementType.INT64,
                spec.timestep() == Timestep.INT64 ? ElementType.INT64 : floatType,
                spec.timestep() == Timestep.FLOAT_SCALAR, spec.timestepCond(), floatType,
                spec.vaeOutput() == VaeOutput.LATENT_SAMPLE ? "latent_sample" : "latent_parameters",
                spec.vaeFactor(), spec.height(), spec.width()));
    }

    @Test
    void aSymbolicSequenceLengthAsOptimumExportsItTakesLFromTheTokenizer() throws Exception {
        Path dir = tmp.resolve("m");
        FixtureSpec spec = FixtureSpec.defaults().withText(32, 16);
        FixtureGenerator.write(dir, spec);
        var g = new dev.streamcanvas.engine.onnx.GraphBuilder("text_encoder");
        var ids = g.input("input_ids", ElementType.INT64, "batch_size", "sequence_length");
        var hidden = g.expand(g.unsqueeze(g.cast(ids, ElementType.FLOAT32), 2),
                g.concat(0, g.shape(ids), g.longs(32)));
        g.output(hidden, "last_hidden_state", "batch_size", "sequence_length", 32);
        g.output(g.reduceMean(hidden, false, 1), "pooler_output", "batch_size", 32);
        OnnxModelFile.write(g.build(), dir.resolve("text_encoder/model.onnx"));
        ModelFolder.Report r = ModelFolder.check(dir);
        assertThat(r.problems()).isEmpty();
        assertThat(r.contract().orElseThrow().seqLen()).isEqualTo(16);
        assertThat(r.contract().orElseThrow().idsType()).isEqualTo(ElementType.INT64);
    }

    @Test
    void aMissingGraphAndMissingTokenizerFilesAreNamed() throws Exception {
        Path dir = tmp.resolve("m");
        FixtureGenerator.write(dir, FixtureSpec.defaults());
        Files.delete(dir.resolve("unet/model.onnx"));
        Files.delete(dir.resolve("tokenizer/merges.txt"));
        ModelFolder.Report r = ModelFolder.check(dir);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).containsExactly(
                dir.toAbsolutePath().resolve("tokenizer/merges.txt") + ": missing",
                dir.toAbsolutePath().resolve("unet/model.onnx") + ": missing (expected the unet graph)");
        assertThat(r.contract()).isEmpty();
        assertThatThrownBy(() -> ModelFolder.requireValid(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("does not meet the model contract").hasMessageContaining("unet/model.onnx: missing");
    }

    @Test
    void aGraphWithTheWrongSignatureIsReportedWithExpectedAndFound() throws Exception {
        Path dir = tmp.resolve("m");
        FixtureSpec spec = FixtureSpec.defaults();
        FixtureGenerator.write(dir, spec);
        // put a VAE decoder where the unet belongs
        OnnxModelFile.write(FixtureGenerator.vaeDecoder(spec), dir.resolve("unet/model.onnx"));
        ModelFolder.Report r = ModelFolder.check(dir);
        assertThat(r.problems()).hasSize(1);
        assertThat(r.problems().get(0))
                .startsWith(dir.toAbsolutePath().resolve("unet/model.onnx") + ": expected inputs sample float [B, 4, h, w]")
                .endsWith("; found inputs latent_sample float32 [batch_size, 4, 8, 8] -> outputs sample float32 "
                        + "[batch_size, 3, 64, 64]");
    }

    @Test
    void aTextWidthThatDoesNotMatchTheUnetIsReported() throws Exception {
        Path dir = tmp.resolve("m");
        FixtureGenerator.write(dir, FixtureSpec.defaults());
        OnnxModelFile.write(FixtureGenerator.textEncoder(FixtureSpec.defaults().withText(48, 16), 1000),
                dir.resolve("text_encoder/model.onnx"));
        assertThat(ModelFolder.check(dir).problems()).containsExactly(dir.toAbsolutePath().resolve("unet/model.onnx")
                + ": encoder_hidden_states width 32 does not match the text encoder's last_hidden_state width 48 ("
                + dir.toAbsolutePath().resolve("text_encoder/model.onnx") + ")");
    }

    @Test
    void anUnsafeGraphIsAProblemNotACrash() throws Exception {
        Path dir = tmp.resolve("m");
        FixtureGenerator.write(dir, FixtureSpec.defaults());
        Files.writeString(dir.resolve("vae_encoder/model.onnx"), "<html>not a model</html>");
        assertThat(ModelFolder.check(dir).problems()).containsExactly(dir.toAbsolutePath().resolve("vae_encoder/model.onnx")
                + ": the file is not an ONNX model (it does not parse as an ONNX ModelProto)");
        assertThat(ModelFolder.check(tmp.resolve("nope")).problems()).hasSize(1)
                .allSatisfy(p -> assertThat(p).contains("not a folder"));
    }
}
