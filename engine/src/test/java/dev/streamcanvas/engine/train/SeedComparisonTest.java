package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.assign.NoiseAssignment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedComparisonTest {
    @TempDir
    Path dir;

    private TrainConfig base(Path out, int steps) {
        return TrainConfig.builder().setOutDir(out).optModel(MicroSdConfig.tiny()).optVaeSteps(3).optSteps(steps)
                .optBatch(4).optLearningRate(2e-3f).optVaeLearningRate(2e-3f).optCheckpointEvery(50).optEvalEvery(2)
                .optQualityEvery(0).optHeldOut(4).optBpeMerges(20).optSampleSteps(2).optSeed(11).build();
    }

    @Test
    void everySeedTrainsInItsFolderOnTheOneVaeTheFirstVanillaRunTrained() throws Exception {
        ImageFolder data = TestImages.shapes(20, 16, 6);
        Map<String, AtomicInteger> vaeSteps = new ConcurrentHashMap<>();
        try (SeedComparison c = new SeedComparison(base(dir, 4), NoiseAssignment.Mode.EXACT, 1, List.of(11L, 12L), data,
                (seed, run) -> new TrainListener() {
                    @Override
                    public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                        if (stage == Stage.VAE) {
                            vaeSteps.computeIfAbsent(seed + "/" + run, k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                })) {
            assertThat(c.run(2)).isEqualTo(Trainer.Outcome.COMPLETED);
            assertThat(vaeSteps).containsOnlyKeys("11/vanilla");
            assertThat(vaeSteps.get("11/vanilla")).hasValue(3);
            List<Trainer> t = c.trainers();
            assertThat(t).hasSize(4);
            float[] vae = t.get(0).vae().params().snapshot().get("enc.conv_out.weight");
            for (Trainer run : t) {
                assertThat(run.vae().params().snapshot().get("enc.conv_out.weight")).containsExactly(vae);
                assertThat(run.scalingFactor()).isEqualTo(t.get(0).scalingFactor());
                assertThat(run.unetStepsDone()).isEqualTo(4);
            }
            assertThat(t.get(2).config().seed()).isEqualTo(12L);
            // another seed: another UNet initialisation
            assertThat(t.get(2).unet().params().snapshot().get("conv_in.weight"))
                    .isNotEqualTo(t.get(0).unet().params().snapshot().get("conv_in.weight"));
        }
        for (String run : List.of("seed-11/vanilla", "seed-11/immiscible", "seed-12/vanilla", "seed-12/immiscible")) {
            assertThat(dir.resolve(run).resolve(Checkpoint.FILE)).exists();
            List<String> csv = Files.readAllLines(dir.resolve(run).resolve("metrics.csv"));
            assertThat(csv.get(0)).isEqualTo(Trainer.METRICS_HEADER);
            assertThat(csv).hasSize(3); // header, steps 2 and 4
        }
        assertThat(dir.resolve(SeedComparison.MANIFEST)).exists();
        // the immiscible rows record how much closer the assignment brought the noise; vanilla has no such column
        List<Measurement> imm = Checkpoint.readMeta(dir.resolve("seed-12/immiscible").resolve(Checkpoint.FILE)).history();
        assertThat(imm).allSatisfy(m -> assertThat(m.distanceReduction()).isNegative());
        List<Measurement> van = Checkpoint.readMeta(dir.resolve("seed-12/vanilla").resolve(Checkpoint.FILE)).history();
        assertThat(van).allSatisfy(m -> assertThat(m.distanceReduction()).isNaN());
    }

    @Test
    void aResumeWithOtherSettingsIsRefusedNamingThem() throws Exception {
        ImageFolder data = TestImages.shapes(20, 16, 6);
        try (SeedComparison c = new SeedComparison(base(dir, 2), NoiseAssignment.Mode.EXACT, 1, List.of(11L, 12L), data,
                (seed, run) -> null)) {
            c.run(2);
        }
        TrainConfig other = base(dir, 6).toBuilder().optBatch(2).optResume(true).build();
        assertThatThrownBy(() -> new SeedComparison(other, NoiseAssignment.Mode.EXACT, 1, List.of(11L, 12L), data,
                (seed, run) -> null)).isInstanceOf(IOException.class).hasMessageContaining("comparison.json")
                .hasMessageContaining("batch was 4, now 2");
        TrainConfig seeds = base(dir, 6).withResume(true);
        assertThatThrownBy(() -> new SeedComparison(seeds, NoiseAssignment.Mode.EXACT, 1, List.of(11L, 13L), data,
                (seed, run) -> null)).isInstanceOf(IOException.class).hasMessageContaining("seeds was [11, 12], now [11, 13]");
        assertThatThrownBy(() -> new SeedComparison(base(dir.resolve("fresh"), 2).withResume(true),
                NoiseAssignment.Mode.EXACT, 1, List.of(11L), data, (seed, run) -> null))
                .isInstanceOf(IOException.class).hasMessageContaining("not a multi-seed comparison");
    }

    @Test
    void aCancelledComparisonResumesToTheWeightsOfAnUninterruptedOne() throws Exception {
        ImageFolder data = TestImages.shapes(20, 16, 6);
        float[] straight;
        try (SeedComparison c = new SeedComparison(base(dir.resolve("a"), 4), NoiseAssignment.Mode.EXACT, 1,
                List.of(11L, 12L), data, (seed, run) -> null)) {
            c.run(1);
            straight = c.trainers().get(3).unet().params().snapshot().get("conv_in.weight");
        }
        SeedComparison[] self = new SeedComparison[1];
        Path b = dir.resolve("b");
        try (SeedComparison c = new SeedComparison(base(b, 4), NoiseAssignment.Mode.EXACT, 1, List.of(11L, 12L), data,
                (seed, run) -> new TrainListener() {
                    @Override
                    public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                        if (stage == Stage.UNET && seed == 12 && run.equals(TrainComparison.VANILLA) && step == 2) {
                            self[0].cancel();
                        }
                    }
                })) {
            self[0] = c;
            assertThat(c.run(1)).isEqualTo(Trainer.Outcome.CANCELLED);
        }
        // every started run wrote its checkpoint: seed 12's immiscible run had done 1 step
        assertThat(Checkpoint.readMeta(b.resolve("seed-12/vanilla").resolve(Checkpoint.FILE)).unetSteps()).isEqualTo(2);
        assertThat(Checkpoint.readMeta(b.resolve("seed-12/immiscible").resolve(Checkpoint.FILE)).unetSteps()).isEqualTo(1);
        try (SeedComparison c = new SeedComparison(base(b, 4).withResume(true), NoiseAssignment.Mode.EXACT, 1,
                List.of(11L, 12L), data, (seed, run) -> null)) {
            assertThat(c.run(1)).isEqualTo(Trainer.Outcome.COMPLETED);
            assertThat(c.trainers().get(3).unet().params().snapshot().get("conv_in.weight")).containsExactly(straight);
        }
    }
}
