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
        TrainConfig base = TrainConfig.builder().setOutDir(dir).optModel(MicroSdConfig.tiny())
                .optAssignment(NoiseAssignment.Mode.NONE, 1).optVaeSteps(4).optSteps(6).optBatch(4)
                .optLearningRate(2e-3f).optVaeLearningRate(2e-3f).optCheckpointEvery(50).optEvalEvery(2)
                .optQualityEvery(0).optHeldOut(4).optBpeMerges(20).optSampleSteps(2).optSeed(11).build();
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

    private TrainConfig base(int steps) {
        return TrainConfig.builder().setOutDir(dir).optModel(MicroSdConfig.tiny()).optVaeSteps(3).optSteps(steps)
                .optBatch(4).optLearningRate(2e-3f).optVaeLearningRate(2e-3f).optCheckpointEvery(50).optEvalEvery(0)
                .optQualityEvery(0).optHeldOut(4).optBpeMerges(20).optSampleSteps(2).optSeed(11).build();
    }

    @Test
    void aVanillaOnlyComparisonTrainsOneRun() throws Exception {
        ImageFolder data = TestImages.shapes(20, 16, 6);
        try (TrainComparison c = new TrainComparison(base(3), NoiseAssignment.Mode.NONE, 1, data,
                name -> new TrainListener() { })) {
            assertThat(c.run(1)).isEqualTo(Trainer.Outcome.COMPLETED);
            assertThat(c.immiscible()).isNull();
            assertThat(c.trainers()).containsExactly(c.vanilla());
            assertThat(c.vanilla().unetStepsDone()).isEqualTo(3);
            assertThat(dir.resolve(TrainComparison.IMMISCIBLE)).doesNotExist();
        }
    }

    @Test
    void cancelFlushesTheCheckpointOfEveryStartedRun() throws Exception {
        ImageFolder data = TestImages.shapes(20, 16, 6);
        TrainComparison[] self = new TrainComparison[1];
        try (TrainComparison c = new TrainComparison(base(20), NoiseAssignment.Mode.EXACT, 1, data,
                name -> new TrainListener() {
                    @Override
                    public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                        if (stage == Stage.UNET && name.equals(TrainComparison.VANILLA) && step == 3) {
                            self[0].cancel();
                        }
                    }
                })) {
            self[0] = c;
            assertThat(c.run(1)).isEqualTo(Trainer.Outcome.CANCELLED);
            // vanilla cancelled after its step 3; the immiscible run had done 2 and wrote them down too
            assertThat(Checkpoint.readMeta(dir.resolve("vanilla").resolve(Checkpoint.FILE)).unetSteps()).isEqualTo(3);
            assertThat(Checkpoint.readMeta(dir.resolve("immiscible").resolve(Checkpoint.FILE)).unetSteps()).isEqualTo(2);
        }
    }
}
