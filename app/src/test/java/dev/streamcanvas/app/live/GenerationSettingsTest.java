package dev.streamcanvas.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.StreamSettings;
import org.junit.jupiter.api.Test;

/** The app's bounds are the engine's limits where the engine has one, and UI ranges inside them elsewhere. */
class GenerationSettingsTest {
    private static GenerationSettings with(int steps, double gamma, double delta, double threshold, int w, int h) {
        return new GenerationSettings("p", "n", 1, steps, GuidanceMode.FULL, gamma, delta, 3, true, threshold, w, h);
    }

    @Test
    void theWidestSettingsTheAppAcceptsAreValidEngineSettings() {
        for (GenerationSettings g : new GenerationSettings[] {
                with(StreamSettings.MAX_SLOTS, GenerationSettings.MAX_GAMMA, 1, GenerationSettings.MAX_THRESHOLD,
                        GenerationSettings.MAX_SIZE, GenerationSettings.MAX_SIZE),
                with(1, 0, 0, 0, GenerationSettings.MIN_SIZE, GenerationSettings.MIN_SIZE)}) {
            StreamSettings s = StreamEngineService.toEngine(g, null);
            assertThat(s.slotCount()).isEqualTo(g.steps());
            assertThat(s.width()).isEqualTo(g.width());
            assertThat(s.filter().threshold()).isEqualTo(g.similarityThreshold());
        }
    }

    @Test
    void stepsAndTheSideMultipleAreTheEnginesLimits() {
        assertThatThrownBy(() -> with(StreamSettings.MAX_SLOTS + 1, 1, 1, 0.9, 512, 512))
                .hasMessage("steps must be 1 to " + StreamSettings.MAX_SLOTS + ", got " + (StreamSettings.MAX_SLOTS + 1));
        int off = 512 + StreamSettings.SIDE_MULTIPLE / 2;
        assertThatThrownBy(() -> with(2, 1, 1, 0.9, off, 512))
                .hasMessageContaining("multiple of " + StreamSettings.SIDE_MULTIPLE).hasMessageContaining(off + "x512");
    }

    @Test
    void aThresholdOfOneIsRefusedThoughTheEngineWouldTakeIt() {
        assertThatThrownBy(() -> with(2, 1, 1, 1.0, 512, 512)).hasMessageContaining("similarityThreshold")
                .hasMessageContaining("got 1.0");
    }
}
