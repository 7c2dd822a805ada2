package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.assign.NoiseAssignment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainComparisonTest {
    @TempDir
    Path dir;

    @Test
    void bothRunsShareTheVaeAndAdvanceInTurns() throws Exception {
        ImageFolder data = TestImages.shapes(20, 16, 6);
        TrainConfig base = new TrainConfig(dir, MicroSdConfig.tiny(), NoiseAssignment.Mode.NONE, 1, 4, 6, 4, 2e-3f,
                2e-3f, 50, 2, 0, 4, 20, 2, 11, null, false);
        List<String> order = new ArrayList<>();
        try (TrainComparison c = new TrainComparison(base, NoiseAssignment.Mode.FP16, 1, data,
                name -> new TrainListener() {
                    @Override
                    public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                        if (stage == Stage.UNET) {
                            order.add(name.charAt(0) + "" + step);
                        }
                    }
                })) {
            assertThat(c.run(2)).isEqualTo(Trainer.Outcome.COMPLETED);
            assertThat(order).startsWith("v1", "v2", "i1", "i2", "v3", "v4", "i3", "i4");
            assertThat(c.immiscible().vaeStepsDone()).isEqualTo(4);
            Map<String, float[]> v = c.vanilla().vae().params().snapshot();
            Map<String, float[]> i = c.immiscible().vae().params().snapshot();
            assertThat(i.get("enc.conv_out.weight")).containsExactly(v.get("enc.conv_out.weight"));
            assertThat(c.immiscible().scalingFactor()).isEqualTo(c.vanilla().scalingFactor());
            assertThat(c.vanilla().history()).hasSize(3);
            assertThat(c.immiscible().history()).hasSize(3);
        }
    }
}
