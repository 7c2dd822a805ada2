package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.assign.NoiseAssignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierQualityTest {
    @TempDir
    Path dir;

    private TrainConfig.Builder base() {
        return TrainConfig.builder().setOutDir(dir.resolve("run")).optModel(MicroSdConfig.tiny()).optVaeSteps(2)
                .optSteps(2).optBatch(4).optLearningRate(2e-3f).optVaeLearningRate(2e-3f).optCheckpointEvery(50)
                .optEvalEvery(1).optQualityEvery(2).optHeldOut(4).optBpeMerges(20).optSampleSteps(2).optSeed(5)
                .optAssignment(NoiseAssignment.Mode.EXACT, 1);
    }

    @Test
    void aQualityStepAlsoMeasuresTheClassifierDistanceAndItsBootstrapSpread() throws Exception {
        ImageFolder data = TestImages.shapes(20, 16, 6);
        Path clf = dir.resolve("clf");
        try (EmojiClassifier c = new EmojiClassifier(List.of("a", "b"), 16, 8, 3)) {
            c.save(clf);
        }
        TrainConfig cfg = base().optClassifier(clf).optQualitySamples(10).build();
        try (Trainer t = new Trainer(cfg, data, null)) {
            assertThat(t.run()).isEqualTo(Trainer.Outcome.COMPLETED);
            List<Measurement> h = t.history();
            assertThat(h).hasSize(2);
            assertThat(h.get(0).classifierFd()).isNaN(); // step 1: held-out loss only
            Measurement last = h.get(1);
            assertThat(last.classifierFd()).isFinite().isPositive();
            assertThat(last.classifierFdStd()).isFinite().isPositive();
            assertThat(last.distanceReduction()).isNegative();
            assertThat(last.frechetDistance()).isFinite(); // the VAE-feature distance is still there
        }
        List<String> csv = Files.readAllLines(dir.resolve("run").resolve("metrics.csv"));
        assertThat(csv.get(0)).endsWith(",classifier_fd,classifier_fd_std,distance_reduction_pct");
        assertThat(csv.get(1).split(",", -1)[5]).isEmpty();
        assertThat(Double.parseDouble(csv.get(2).split(",", -1)[5])).isPositive();
        // the checkpoint keeps the new columns for a resume
        Measurement saved = Checkpoint.readMeta(dir.resolve("run").resolve(Checkpoint.FILE)).history().get(1);
        assertThat(saved.classifierFdStd()).isPositive();
    }

    @Test
    void aClassifierOfAnotherImageSizeIsRefusedNamingBothSizes() throws Exception {
        ImageFolder data = TestImages.shapes(20, 16, 6);
        Path clf = dir.resolve("clf32");
        try (EmojiClassifier c = new EmojiClassifier(List.of("a", "b"), 32, 8, 3)) {
            c.save(clf);
        }
        assertThatThrownBy(() -> new Trainer(base().optClassifier(clf).build(), data, null).close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 px")
                .hasMessageContaining("16 px").hasMessageContaining("classifier.bin");
    }
}
