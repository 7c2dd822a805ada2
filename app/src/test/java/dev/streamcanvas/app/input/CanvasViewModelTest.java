package dev.streamcanvas.app.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.source.canvas.CanvasModel;
import dev.streamcanvas.app.testing.ManualTaskRunner;
import java.nio.file.Path;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanvasViewModelTest {
    @TempDir
    Path dir;

    private final ManualTaskRunner runner = new ManualTaskRunner();

    @Test
    void drawingIsAutosavedShortlyAfterAChangeAndRestoredNextTime() {
        Path file = dir.resolve("canvas-autosave.png");
        CanvasModel model = new CanvasModel(40, 30);
        CanvasViewModel vm = new CanvasViewModel(model, runner, file);
        vm.colorProperty().set(Color.rgb(200, 10, 20));
        vm.brushSizeProperty().set(8);

        vm.press(20, 15);
        vm.release();
        assertThat(file).doesNotExist(); // debounced
        runner.advance(CanvasViewModel.AUTOSAVE_DELAY);
        assertThat(file).isRegularFile();

        CanvasModel next = new CanvasModel(40, 30); // the next start
        new CanvasViewModel(next, runner, file).restoreAutosave();

        assertThat(next.pixel(20, 15)).isEqualTo(0xFFC80A14);
        assertThat(next.pixel(1, 1)).isEqualTo(CanvasModel.BACKGROUND);
        assertThat(next.canUndo()).isFalse(); // restoring is not an edit
    }

    @Test
    void toolControlsReachTheModel() {
        CanvasModel model = new CanvasModel(10, 10);
        CanvasViewModel vm = new CanvasViewModel(model, runner, null);

        vm.opacityProperty().set(0.25);
        vm.growBrush(true);
        vm.colorProperty().set(Color.rgb(1, 2, 3));

        assertThat(model.opacity()).isEqualTo(0.25);
        assertThat(model.brushSize()).isGreaterThan(24);
        assertThat(model.color()).isEqualTo(0xFF010203);
        vm.press(5, 5);
        vm.release();
        assertThat(vm.canUndoProperty().get()).isTrue();
        vm.undo();
        assertThat(vm.canRedoProperty().get()).isTrue();
    }
}
