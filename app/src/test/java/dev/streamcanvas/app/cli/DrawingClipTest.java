package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.source.canvas.CanvasModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrawingClipTest {
    @Test
    void theClipStartsBlankAndTheSketchGrowsFrameByFrameIntoAYellowFace() {
        List<int[]> frames = DrawingClip.frames(64, 64, 12);
        assertThat(frames).hasSize(12);
        assertThat(frames.get(0)).containsOnly(CanvasModel.BACKGROUND);
        int previous = 0;
        for (int[] f : frames.subList(1, frames.size())) {
            int painted = painted(f);
            assertThat(painted).isGreaterThanOrEqualTo(previous);
            previous = painted;
        }
        int[] last = frames.get(frames.size() - 1);
        assertThat(painted(last)).isGreaterThan(64 * 64 / 3); // a disc of radius ~0.4 of the side
        int centre = last[32 * 64 + 32];
        int r = (centre >> 16) & 0xff;
        int g = (centre >> 8) & 0xff;
        int b = centre & 0xff;
        assertThat(r).as("red of the face's centre").isGreaterThan(200);
        assertThat(g).as("green").isGreaterThan(150);
        assertThat(b).as("blue").isLessThan(100);
        assertThat(DrawingClip.frames(64, 64, 12).get(7)).containsExactly(frames.get(7)); // deterministic
    }

    private static int painted(int[] f) {
        int n = 0;
        for (int p : f) {
            if (p != CanvasModel.BACKGROUND) {
                n++;
            }
        }
        return n;
    }
}
