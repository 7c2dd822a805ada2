package dev.streamcanvas.app.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultModelsTest {
    @TempDir
    Path dir;

    @Test
    void withoutAShippedModelThePlaceholderIsGeneratedOnceInTheContractLayout() throws Exception {
        DefaultModels models = new DefaultModels(dir.resolve("home"), dir.resolve("data/placeholder-model"));

        Path first = models.locate();
        long written = Files.getLastModifiedTime(first.resolve("unet/model.onnx")).toMillis();
        Path second = models.locate();

        assertThat(first).isEqualTo(dir.resolve("data/placeholder-model"));
        for (String part : new String[] {"model_index.json", "unet/model.onnx", "text_encoder/model.onnx", "vae_encoder/model.onnx",
            "vae_decoder/model.onnx", "tokenizer/vocab.json", "scheduler/scheduler_config.json"}) {
            assertThat(first.resolve(part)).isRegularFile();
        }
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second.resolve("unet/model.onnx")).toMillis()).isEqualTo(written);
        assertThat(models.isPlaceholder(first)).isTrue();
        try (Stream<Path> left = Files.list(dir.resolve("data"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("placeholder-model"); // no temp folders left
        }
    }

    @Test
    void theAppsDefaultPromptsFitThePlaceholdersTextEncoderSoNoStartWarnsOfTruncation() throws Exception {
        Path placeholder = new DefaultModels(dir.resolve("home"), dir.resolve("data/placeholder-model")).locate();
        var tokenizer = dev.streamcanvas.engine.text.ClipTokenizer.load(placeholder.resolve("tokenizer"), 0);
        GenerationSettings d = GenerationSettings.defaults();

        assertThat(tokenizer.encode(d.prompt()).truncated()).as(d.prompt()).isFalse();
        assertThat(tokenizer.encode(d.negativePrompt()).truncated()).as(d.negativePrompt()).isFalse();
    }

    @Test
    void shippedModelIsPreferred() throws Exception {
        Path shipped = Files.createDirectories(dir.resolve("home/models/micro-sd"));
        Files.writeString(shipped.resolve("model_index.json"), "{}");
        Files.createDirectories(dir.resolve("home/models/not-a-model"));
        DefaultModels models = new DefaultModels(dir.resolve("home"), dir.resolve("data/placeholder-model"));

        assertThat(models.locate()).isEqualTo(shipped);
        assertThat(models.isPlaceholder(shipped)).isFalse();
        assertThat(dir.resolve("data/placeholder-model")).doesNotExist();
    }
}
