package dev.streamcanvas.app.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.testing.ManualTaskRunner;
import dev.streamcanvas.engine.train.TrainConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny real training run (PyTorch on the CPU) from the Train tab's view-model. */
class TrainViewModelTest {
    @TempDir
    Path dir;

    private final ManualTaskRunner runner = new ManualTaskRunner();
    private final AtomicReference<Path> used = new AtomicReference<>();

    @Test
    void runTrainsExportsAndHandsTheModelToTheLiveView() throws Exception {
        Path data = Files.createDirectories(dir.resolve("images"));
        String[] names = {"red square", "green square", "blue square", "yellow square"};
        int[] colours = {0xFFE53935, 0xFF43A047, 0xFF1E88E5, 0xFFFDD835};
        for (int i = 0; i < 8; i++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean inside = x > 4 + i && x < 24 + i / 2 && y > 6 && y < 26;
                    img.setRGB(x, y, inside ? colours[i % 4] : 0xFFFFFFFF);
                }
            }
            ImageIO.write(img, "png", data.resolve(names[i % 4].replace(' ', '_') + "_" + i + ".png").toFile());
        }
        TrainViewModel vm = new TrainViewModel(runner, used::set, dir.resolve("runs"));
        vm.dataFolderProperty().set(data);
        vm.assignmentProperty().set(TrainConfig.Assignment.EXACT);
        vm.sizeProperty().set(32);
        vm.stepsProperty().set(3);
        vm.vaeStepsProperty().set(3);
        vm.batchProperty().set(4);

        vm.start();
        assertThat(vm.runningProperty().get()).isTrue();
        runner.awaitUi(() -> !vm.runningProperty().get(), Duration.ofMinutes(3), "the training run to end");

        assertThat(vm.messageProperty().get()).isNull();
        assertThat(vm.statusProperty().get()).startsWith("Done: exported the model to ");
        Path model = vm.exportedProperty().get();
        assertThat(model.resolve("model_index.json")).isRegularFile();
        assertThat(model.resolve("unet/model.onnx")).isRegularFile();
        vm.useTrainedModel();
        assertThat(used.get()).isEqualTo(model);
    }

    @Test
    void startWithoutAFolderExplains() {
        TrainViewModel vm = new TrainViewModel(runner, used::set, dir.resolve("runs"));

        vm.start();

        assertThat(vm.runningProperty().get()).isFalse();
        assertThat(vm.messageProperty().get()).contains("Choose a folder");
    }

    @Test
    void unreadableFolderEndsTheRunWithAMessage() {
        TrainViewModel vm = new TrainViewModel(runner, used::set, dir.resolve("runs"));
        vm.dataFolderProperty().set(dir.resolve("missing"));

        vm.start();
        runner.awaitUi(() -> !vm.runningProperty().get(), Duration.ofSeconds(30), "the run to end");

        assertThat(vm.messageProperty().get()).startsWith("Training failed: ").contains("missing");
        assertThat(vm.exportedProperty().get()).isNull();
    }
}
