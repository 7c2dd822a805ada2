package dev.streamcanvas.app.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.app.generate.GenerateViewModel;
import dev.streamcanvas.app.live.GenerationSettings;
import dev.streamcanvas.app.live.ModelInfo;
import dev.streamcanvas.app.testing.FakeGenerationService;
import dev.streamcanvas.app.testing.ManualTaskRunner;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GenerateModelTargetTest {
    private final FakeGenerationService service = new FakeGenerationService();
    private final ManualTaskRunner runner = new ManualTaskRunner();
    private final GenerateViewModel generate = new GenerateViewModel(runner, service, GenerationSettings.defaults());
    private final GenerateModelTarget target = new GenerateModelTarget(generate, runner);

    @Test
    void loadsThroughTheGenerateTabAndCompletesWithTheNewModel() {
        Path folder = Path.of("/runs/model-immiscible");
        CompletableFuture<?> f = target.loadModelFolder(folder).toCompletableFuture();
        runner.runUi();
        assertThat(f).isCompleted();
        assertThat(((ModelInfo) f.join()).folder()).isEqualTo(folder);
        assertThat(generate.modelProperty().get().folder()).isEqualTo(folder);
        assertThat(generate.loadingProperty().get()).isFalse();
    }

    @Test
    void reloadingTheFolderAlreadyInUseCompletesToo() {
        Path folder = Path.of("/runs/model-immiscible");
        target.loadModelFolder(folder);
        runner.runUi();
        CompletableFuture<?> again = target.loadModelFolder(folder).toCompletableFuture();
        runner.runUi();
        assertThat(again).isCompleted();
    }

    @Test
    void aFailedLoadFailsWithTheGenerateTabsMessage() {
        Path folder = Path.of("/runs/model-vanilla");
        service.failures.put(folder, "unet/model.onnx: expected input sample");
        CompletableFuture<?> f = target.loadModelFolder(folder).toCompletableFuture();
        runner.runUi();
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).hasMessageContaining("unet/model.onnx: expected input sample");
    }
}
