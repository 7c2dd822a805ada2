package dev.streamcanvas.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffusionModelTest {
    @TempDir
    Path tmp;

    private Path fixture(FixtureSpec spec) throws IOException {
        Path dir = tmp.resolve("model");
        FixtureGenerator.write(dir, spec);
        return dir;
    }

    private Path fixture() throws IOException {
        return fixture(FixtureSpec.defaults().withSize(16, 16).withText(8, 10));
    }

    @Test
    void readsFactorScalingAndSizesFromTheFolder() throws Exception {
        try (DiffusionModel m = DiffusionModel.load(fixture(FixtureSpec.defaults().withSize(32, 16).withVaeFactor(4)
                .withText(8, 10).withTimestepCond(16)), Device.CPU)) {
            assertThat(m.codec().factor()).isEqualTo(4);
            assertThat(m.vae().scalingFactor()).isCloseTo(0.18215f, within(1e-7f));
            assertThat(m.fixedSize()).containsExactly(32, 16);
            assertThat(m.prompts().sequenceLength()).isEqualTo(10);
            assertThat(m.prompts().width()).isEqualTo(8);
            assertThat(m.unet().timestepCondWidth()).isEqualTo(16);
            assertThat(m.singleStep()).isFalse();
            assertThat(m.runtimeStatus()).isEqualTo("CPU");
        }
    }

    @Test
    void textEncoderEmbeddingFollowsTheAnalyticFormula() throws Exception {
        Path dir = fixture();
        try (DiffusionModel m = DiffusionModel.load(dir, Device.CPU)) {
            float[] emb = m.prompts().encode("hello world");
            int[] ids = m.textEncoder().tokenizer().encode("hello world").ids();
            for (int l = 0; l < 10; l++) {
                for (int d = 0; d < 8; d++) {
                    assertThat((double) emb[l * 8 + d]).isCloseTo(Math.sin(0.001 * ids[l] * (d + 1)), within(1e-6));
                }
            }
        }
    }

    @Test
    void guidanceEmbeddingMatchesHandValues() {
        // w = 1.5 -> w' = 500; dim 4: half = 2, freqs 1 and 1e-4: [sin 500, sin 0.05, cos 500, cos 0.05]
        float[] e = Unet.guidanceEmbedding(1.5f, 4);
        assertThat((double) e[0]).isCloseTo(Math.sin(500), within(1e-6));
        assertThat((double) e[1]).isCloseTo(Math.sin(0.05), within(1e-6));
        assertThat((double) e[2]).isCloseTo(Math.cos(500), within(1e-6));
        assertThat((double) e[3]).isCloseTo(Math.cos(0.05), within(1e-6));
        assertThat(Unet.guidanceEmbedding(2f, 5)[4]).isZero();
    }

    @Test
    void aMissingComponentIsNamed() throws Exception {
        Path dir = fixture();
        Files.delete(dir.resolve("vae_decoder/model.onnx"));
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("vae_decoder/model.onnx").hasMessageContaining("missing")
                .hasMessageContaining("latent_sample");
    }

    @Test
    void aWrongSignatureNamesTheFileExpectedAndFound() throws Exception {
        Path dir = fixture();
        Files.copy(dir.resolve("text_encoder/model.onnx"), dir.resolve("unet/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("unet/model.onnx").hasMessageContaining("'sample' is missing")
                .hasMessageContaining("expected sample [batch, 4, h, w]").hasMessageContaining("input_ids");
    }

    @Test
    void mismatchedPartsAreNamed() throws Exception {
        Path dir = fixture();
        Path other = tmp.resolve("other");
        FixtureGenerator.write(other, FixtureSpec.defaults().withSize(16, 16).withText(12, 10));
        Files.copy(other.resolve("unet/model.onnx"), dir.resolve("unet/model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("unet/model.onnx").hasMessageContaining("D = 12")
                .hasMessageContaining("makes 8");
    }

    @Test
    void aNonOnnxFileIsNamed() throws Exception {
        Path dir = fixture();
        Files.writeString(dir.resolve("unet/model.onnx"), "this is not a protobuf model");
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("unet/model.onnx");
    }

    @Test
    void anExternalDataPathEscapingTheFolderIsRefused() throws Exception {
        Path dir = fixture(FixtureSpec.defaults().withSize(16, 16).withText(8, 10)
                .withWeights(FixtureSpec.Weights.RANDOM).withChannels(8).withExternalData(true));
        Path unet = dir.resolve("unet/model.onnx");
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(unet));
        ModelProto.Builder b = m.toBuilder();
        boolean changed = false;
        for (int i = 0; i < b.getGraph().getInitializerCount(); i++) {
            TensorProto t = b.getGraph().getInitializer(i);
            if (t.getExternalDataCount() > 0) {
                TensorProto.Builder tb = t.toBuilder().clearExternalData();
                for (StringStringEntryProto kv : t.getExternalDataList()) {
                    tb.addExternalData(kv.getKey().equals("location")
                            ? kv.toBuilder().setValue("../../outside.bin").build() : kv);
                }
                b.getGraphBuilder().setInitializer(i, tb.build());
                changed = true;
                break;
            }
        }
        assertThat(changed).as("the fixture has external data").isTrue();
        Files.write(unet, b.build().toByteArray());
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("unet").hasMessageContaining("outside.bin");
    }

    @Test
    void aFolderThatIsNotAModelIsNamed() {
        Path nowhere = tmp.resolve("nowhere");
        assertThatThrownBy(() -> DiffusionModel.load(nowhere, Device.CPU)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("nowhere").hasMessageContaining("not a model folder");
    }

    @Test
    void tinyVaeCardLoadsThePairWithItsRangeAndScale() throws Exception {
        Path dir = fixture();
        // declare the fixture's own VAE graphs as a "tiny" pair in [-1, 1] with scale 1
        Files.writeString(dir.resolve(TinyVae.CARD), "{\"format\":\"streamcanvas-tiny-vae/1\","
                + "\"encoder\":\"vae_encoder/model.onnx\",\"decoder\":\"vae_decoder/model.onnx\","
                + "\"image_range\":[-1.0,1.0],\"scaling_factor\":1.0}");
        try (DiffusionModel m = DiffusionModel.load(dir, Device.CPU, true)) {
            assertThat(m.vae().scalingFactor()).isEqualTo(1f);
            float[] image = new float[3 * 16 * 16];
            java.util.Arrays.fill(image, 0.4f);
            float[] lat = new float[4 * 2 * 2];
            m.codec().encode(image, 1, 16, 16, lat);
            assertThat((double) lat[0]).isCloseTo(0.2, within(1e-6)); // 0.5 * 0.4, no scaling
        }
    }

    @Test
    void tinyVaeRangeMapsTheImageIntoTheDeclaredInterval() throws Exception {
        Path dir = fixture();
        Files.writeString(dir.resolve(TinyVae.CARD), "{\"encoder\":\"vae_encoder/model.onnx\","
                + "\"decoder\":\"vae_decoder/model.onnx\",\"image_range\":[0,1],\"scaling_factor\":1.0}");
        try (DiffusionModel m = DiffusionModel.load(dir, Device.CPU, true)) {
            float[] image = new float[3 * 16 * 16];
            java.util.Arrays.fill(image, 0.4f); // -> 0.7 in [0, 1]
            float[] lat = new float[4 * 2 * 2];
            m.codec().encode(image, 1, 16, 16, lat);
            assertThat((double) lat[0]).isCloseTo(0.35, within(1e-6));
            float[] back = new float[3 * 16 * 16];
            m.codec().decode(lat, 1, 16, 16, back);
            assertThat((double) back[0]).isCloseTo(2 * (2 * 0.35) - 1, within(1e-6)); // decoder 2*l = 0.7 -> 0.4
        }
    }

    @Test
    void tinyVaeCardEscapingTheFolderIsRefused() throws Exception {
        Path dir = fixture();
        Files.writeString(dir.resolve(TinyVae.CARD), "{\"encoder\":\"../evil.onnx\",\"decoder\":\"vae_decoder/model.onnx\"}");
        assertThatThrownBy(() -> DiffusionModel.load(dir, Device.CPU, true)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(TinyVae.CARD).hasMessageContaining("escapes the model folder");
    }

    @Test
    void freshTensorModeGivesTheSameNumbersAsReusedTensors() throws Exception {
        try (DiffusionModel m = DiffusionModel.load(fixture(), Device.CPU)) {
            float[] latents = new float[2 * 4 * 2 * 2];
            for (int i = 0; i < latents.length; i++) {
                latents[i] = (float) Math.cos(i);
            }
            float[] emb = new float[2 * 10 * 8];
            java.util.Arrays.fill(emb, 0.3f);
            int[] ts = {999, 599};
            float[] reused = new float[latents.length];
            float[] fresh = new float[latents.length];
            m.denoiser().condition(new dev.streamcanvas.engine.stream.Conditioning(ts, emb, 10, 8));
            m.denoiser().predict(latents, 2, 2, 2, reused);
            m.runner().setFreshTensors(true);
            m.denoiser().predict(latents, 2, 2, 2, fresh);
            assertThat(fresh).containsExactly(reused);
            // out = 0.5 x + 0.1 * 0.3 + 0.001 t
            assertThat((double) reused[0]).isCloseTo(0.5 + 0.03 + 0.999, within(1e-5));
        }
    }

    @Test
    void theUnetUsesTheNewConditioningAfterEachHandOverAndRefusesAWrongWidth() throws Exception {
        try (DiffusionModel m = DiffusionModel.load(fixture(), Device.CPU)) {
            float[] latents = new float[2 * 4 * 2 * 2];
            float[] out = new float[latents.length];
            float[] emb = new float[2 * 10 * 8];
            java.util.Arrays.fill(emb, 0.3f);
            m.denoiser().condition(new dev.streamcanvas.engine.stream.Conditioning(new int[] {999, 599}, emb, 10, 8));
            m.denoiser().predict(latents, 2, 2, 2, out);
            // out = 0.5 x + 0.1 * mean(emb) + 0.001 t, with x = 0
            assertThat((double) out[16]).isCloseTo(0.03 + 0.599, within(1e-5));
            java.util.Arrays.fill(emb, -0.5f);
            m.denoiser().condition(new dev.streamcanvas.engine.stream.Conditioning(new int[] {100, 200}, emb, 10, 8));
            m.denoiser().predict(latents, 2, 2, 2, out);
            assertThat((double) out[0]).isCloseTo(-0.05 + 0.1, within(1e-5));
            assertThat((double) out[16]).isCloseTo(-0.05 + 0.2, within(1e-5));
            assertThatThrownBy(() -> m.denoiser().condition(new dev.streamcanvas.engine.stream.Conditioning(
                    new int[] {1}, new float[10 * 7], 10, 7))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("D=7").hasMessageContaining("encoder_hidden_states");
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        DiffusionModel m = DiffusionModel.load(fixture(), Device.CPU);
        m.close();
        m.close();
        assertThatThrownBy(() -> m.unet().graph().session()).isInstanceOf(IllegalStateException.class);
    }
}
