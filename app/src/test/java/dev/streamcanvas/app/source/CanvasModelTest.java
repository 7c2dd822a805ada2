package dev.streamcanvas.app.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.source.canvas.CanvasModel;
import dev.streamcanvas.app.source.canvas.CanvasTool;
import org.junit.jupiter.api.Test;

class CanvasModelTest {
    private final CanvasModel canvas = new CanvasModel(100, 80);

    @Test
    void brushStrokePaintsItsColourAlongThePathAndNothingFarAway() {
        canvas.setColor(0xFF0000FF);
        canvas.setBrushSize(10);
        canvas.press(10, 40);
        canvas.drag(90, 40);
        canvas.release();

        assertThat(canvas.pixel(50, 40)).isEqualTo(0xFF0000FF);
        assertThat(canvas.pixel(12, 40)).isEqualTo(0xFF0000FF);
        assertThat(canvas.pixel(50, 10)).isEqualTo(CanvasModel.BACKGROUND);
        assertThat(canvas.pixel(50, 52)).isEqualTo(CanvasModel.BACKGROUND);
    }

    @Test
    void halfOpaqueStrokeBlendsOnceEvenWhereItsDabsOverlap() {
        canvas.setColor(0xFF000000);
        canvas.setOpacity(0.5);
        canvas.setBrushSize(20);
        canvas.press(20, 40);
        canvas.drag(80, 40); // many overlapping dabs
        canvas.drag(20, 40); // and back over the same pixels
        canvas.release();

        // white under black at 50 %: 255 * 0.5 = 127.5, rounded to 128 per channel
        assertThat(canvas.pixel(50, 40)).isEqualTo(0xFF808080);
    }

    @Test
    void secondStrokeBlendsOverTheFirst() {
        canvas.setColor(0xFF000000);
        canvas.setOpacity(0.5);
        canvas.setBrushSize(20);
        for (int i = 0; i < 2; i++) {
            canvas.press(50, 40);
            canvas.release();
        }
        // 255 -> 128 -> round(128 * 0.5) = 64
        assertThat(canvas.pixel(50, 40)).isEqualTo(0xFF404040);
    }

    @Test
    void undoAndRedoStepThroughStrokes() {
        int before = canvas.pixel(50, 40);
        canvas.setColor(0xFF00FF00);
        canvas.press(50, 40);
        canvas.release();
        int after = canvas.pixel(50, 40);

        canvas.undo();
        assertThat(canvas.pixel(50, 40)).isEqualTo(before);
        assertThat(canvas.canRedo()).isTrue();
        canvas.redo();
        assertThat(canvas.pixel(50, 40)).isEqualTo(after).isEqualTo(0xFF00FF00);
        assertThat(canvas.canRedo()).isFalse();
    }

    @Test
    void fillToolFloodsOnlyTheEnclosedRegion() {
        canvas.setColor(0xFF000000);
        canvas.setBrushSize(4);
        canvas.press(50, 0); // a vertical wall splitting the canvas
        canvas.drag(50, 79);
        canvas.release();
        canvas.setTool(CanvasTool.FILL);
        canvas.setColor(0xFFFF0000);

        canvas.press(10, 10);
        canvas.release();

        assertThat(canvas.pixel(10, 70)).isEqualTo(0xFFFF0000);
        assertThat(canvas.pixel(90, 10)).isEqualTo(CanvasModel.BACKGROUND);
    }

    @Test
    void eraserPaintsTheBackgroundBack() {
        canvas.fillAll(0xFF123456);
        canvas.setTool(CanvasTool.ERASER);
        canvas.setBrushSize(10);
        canvas.press(50, 40);
        canvas.release();

        assertThat(canvas.pixel(50, 40)).isEqualTo(CanvasModel.BACKGROUND);
        assertThat(canvas.pixel(5, 5)).isEqualTo(0xFF123456);
    }

    @Test
    void importedImageCoversTheCanvasAndCanBeUndone() {
        Frame img = new Frame(200, 80); // wider: the centre 100x80 is kept
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 200; x++) {
                img.argb()[y * 200 + x] = x < 100 ? 0xFFFF0000 : 0xFF0000FF;
            }
        }
        canvas.importImage(img);

        assertThat(canvas.pixel(10, 40)).isEqualTo(0xFFFF0000);
        assertThat(canvas.pixel(90, 40)).isEqualTo(0xFF0000FF);
        canvas.undo();
        assertThat(canvas.pixel(10, 40)).isEqualTo(CanvasModel.BACKGROUND);
    }

    @Test
    void everyChangeNotifiesListeners() {
        int[] calls = new int[1];
        canvas.addChangeListener(() -> calls[0]++);
        canvas.press(10, 10);
        canvas.drag(30, 10);
        canvas.release();
        canvas.clear();

        assertThat(calls[0]).isEqualTo(3);
    }
}
