package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.assign.NoiseAssignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path dir;

    private static TrainConfig tiny(Path out, NoiseAssignment.Mode a, int vaeSteps, int steps) {
        return TrainConfig.builder().setOutDir(out).optModel(MicroSdConfig.tiny()).optAssignment(a, 3)
                .optVaeSteps(vaeSteps).optSteps(steps).optBatch(8).optLearningRate(2e-3f).optVaeLearningRate(2e-3f)
                .optCheckpointEvery(5).optEvalEvery(10).optQualityEvery(0).optHeldOut(8).optBpeMerges(40)
                .optSampleSteps(4).optSeed(77).build();
    }

    @Test
    void shortRunLowersTrainingAndHeldOutLoss() throws Exception {
        ImageFolder data = TestImages.shapes(48, 16, 1);
        List<Double> vaeLoss = new ArrayList<>();
        List<Double> unetLoss = new ArrayList<>();
        List<Double> held = new ArrayList<>();
        List<Double> fd = new ArrayList<>();
        TrainListener l = new TrainListener() {
            @Override
            public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                (stage == Stage.VAE ? vaeLoss : unetLoss).add(loss);
            }

            @Override
            public void onHeldOutLoss(int step, double loss) {
                held.add(loss);
            }

            @Override
            public void onQuality(int step, double d, float[][] samples, int[][] argb, int size) {
                fd.add(d);
                assertThat(samples[0]).hasSize(3 * 16 * 16);
                assertThat(argb[0]).hasSize(16 * 16);
            }
        };
        try (Trainer t = new Trainer(tiny(dir, NoiseAssignment.Mode.EXACT, 60, 80), data, l)) {
            assertThat(t.run()).isEqualTo(Trainer.Outcome.COMPLETED);
            assertThat(t.scalingFactor()).isPositive().isFinite();
        }
        assertThat(mean(vaeLoss.subList(50, 60))).isLessThan(0.6 * mean(vaeLoss.subList(0, 10)));
        assertThat(mean(unetLoss.subList(70, 80))).isLessThan(0.8 * mean(unetLoss.subList(0, 10)));
        assertThat(held).hasSize(8);
        assertThat(held.get(7)).isLessThan(held.get(0));
        assertThat(fd).hasSize(1);
        assertThat(fd.get(0)).isFinite().isNotNegative();
        assertThat(Files.readAllLines(dir.resolve("metrics.csv"))).hasSize(9);
        assertThat(dir.resolve("tokenizer").resolve("vocab.json")).exists();
    }

    @Test
    void runKilledMidwayResumesFromItsCheckpointToTheSameWeights() throws Exception {
        ImageFolder data = TestImages.shapes(24, 16, 2);
        Path straight = dir.resolve("straight");
        Path crashed = dir.resolve("crashed");
        Map<String, float[]> expected;
        try (Trainer t = new Trainer(tiny(straight, NoiseAssignment.Mode.FP16, 7, 12), data, null)) {
            t.run();
            expected = t.unet().params().snapshot();
        }
        // the "kill": the listener throws at UNet step 8, after the checkpoint of step 5
        TrainListener killer = new TrainListener() {
            @Override
            public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                if (stage == Stage.UNET && step == 8) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        try (Trainer t = new Trainer(tiny(crashed, NoiseAssignment.Mode.FP16, 7, 12), data, killer)) {
            assertThatThrownBy(t::run).hasMessage("killed");
        }
        try (Trainer t = new Trainer(tiny(crashed, NoiseAssignment.Mode.FP16, 7, 12).withResume(true), data, null)) {
            t.run();
            assertThat(t.unetStepsDone()).isEqualTo(12);
            Map<String, float[]> got = t.unet().params().snapshot();
            for (Map.Entry<String, float[]> e : expected.entrySet()) {
                assertThat(got.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue(),
                        org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    @Test
    void cancelStopsWithACheckpointAndPauseBlocksUntilResumed() throws Exception {
        ImageFolder data = TestImages.shapes(24, 16, 3);
        int[] seen = new int[1];
        Trainer[] holder = new Trainer[1];
        TrainListener l = new TrainListener() {
            @Override
            public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                if (stage == Stage.UNET) {
                    seen[0] = step;
                    if (step == 3) {
                        holder[0].cancel();
                    }
                }
            }
        };
        try (Trainer t = new Trainer(tiny(dir, NoiseAssignment.Mode.NONE, 4, 20), data, l)) {
            holder[0] = t;
            assertThat(t.run()).isEqualTo(Trainer.Outcome.CANCELLED);
            assertThat(seen[0]).isEqualTo(3);
        }
        assertThat(dir.resolve(Trainer.CHECKPOINT)).exists();
        java.util.concurrent.CountDownLatch halted = new java.util.concurrent.CountDownLatch(1);
        TrainListener waits = new TrainListener() {
            @Override
            public void onPaused(Stage stage, int stepsDone) {
                halted.countDown();
            }
        };
        try (Trainer t = new Trainer(tiny(dir, NoiseAssignment.Mode.NONE, 4, 5).withResume(true), data, waits)) {
            t.pause();
            Thread worker = new Thread(() -> {
                try {
                    t.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            worker.start();
            // wait for the run to halt (not a fixed time: a loaded machine may take long to get there)
            assertThat(halted.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("the paused run halts").isTrue();
            // and stays halted: a while later it has neither finished nor stepped (machine load cannot fail this)
            worker.join(200);
            assertThat(worker.isAlive()).isTrue();
            assertThat(t.unetStepsDone()).isEqualTo(3);
            t.resume();
            worker.join(60_000);
            assertThat(worker.isAlive()).isFalse();
            assertThat(t.unetStepsDone()).isEqualTo(5);
        }
    }

    @Test
    void pauseIsReportedWhenTheRunHaltsAndResumeWhenItGoesOn() throws Exception {
        ImageFolder data = TestImages.shapes(24, 16, 5);
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch halted = new java.util.concurrent.CountDownLatch(1);
        Trainer[] holder = new Trainer[1];
        TrainListener l = new TrainListener() {
            @Override
            public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                if (stage == Stage.UNET) {
                    events.add("step " + step);
                    if (step == 2) {
                        holder[0].pause();
                    }
                }
            }

            @Override
            public void onPaused(Stage stage, int stepsDone) {
                events.add("paused " + stage + " " + stepsDone);
                halted.countDown();
            }

            @Override
            public void onResumed(Stage stage, int stepsDone) {
                events.add("resumed " + stage + " " + stepsDone);
            }
        };
        try (Trainer t = new Trainer(tiny(dir, NoiseAssignment.Mode.NONE, 2, 4), data, l)) {
            holder[0] = t;
            Thread worker = new Thread(() -> {
                try {
                    t.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            worker.start();
            assertThat(halted.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(t.isPaused()).isTrue();
            assertThat(t.unetStepsDone()).isEqualTo(2);
            t.resume();
            worker.join(60_000);
            assertThat(worker.isAlive()).isFalse();
        }
        assertThat(events).containsExactly("step 1", "step 2", "paused UNET 2", "resumed UNET 2", "step 3", "step 4");
    }

    @Test
    void vanillaAndImmiscibleRunsSeeTheSameBatchesAndTheSameNoiseDraws() throws Exception {
        // with a batch of one, the assignment cannot reorder anything: both runs must end bit-identical
        ImageFolder data = TestImages.shapes(12, 16, 4);
        TrainConfig base = TrainConfig.builder().setOutDir(dir.resolve("v")).optModel(MicroSdConfig.tiny())
                .optAssignment(NoiseAssignment.Mode.NONE, 1).optVaeSteps(3).optSteps(4).optBatch(1)
                .optLearningRate(2e-3f).optVaeLearningRate(2e-3f).optCheckpointEvery(50).optEvalEvery(0)
                .optQualityEvery(0).optHeldOut(4).optBpeMerges(20).optSampleSteps(2).optSeed(5).build();
        Map<String, float[]> vanilla;
        try (Trainer t = new Trainer(base, data, null)) {
            t.run();
            vanilla = t.unet().params().snapshot();
        }
        try (Trainer t = new Trainer(base.withOutDir(dir.resolve("i")).withAssignment(NoiseAssignment.Mode.EXACT, 1), data, null)) {
            t.run();
            Map<String, float[]> imm = t.unet().params().snapshot();
            assertThat(imm.get("conv_out.weight")).containsExactly(vanilla.get("conv_out.weight"));
        }
    }

    @Test
    void shortCaptionsAreTheCaptionsShorterFormsAndChangeOnlyTheRowsTheyAreDrawnFor() throws Exception {
        List<float[]> imgs = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        ImageFolder shapes = TestImages.shapes(12, 16, 6);
        for (int i = 0; i < shapes.size(); i++) {
            imgs.add(shapes.image(i));
            caps.add(shapes.caption(i) + ", shapes, test set");
        }
        ImageFolder data = ImageFolder.of(16, imgs, caps);
        TrainConfig base = TrainConfig.builder().setOutDir(dir.resolve("whole")).optModel(MicroSdConfig.tiny())
                .optVaeSteps(3).optSteps(4).optBatch(4).optLearningRate(2e-3f).optVaeLearningRate(2e-3f)
                .optCheckpointEvery(50).optEvalEvery(0).optQualityEvery(0).optHeldOut(4).optBpeMerges(20)
                .optSampleSteps(2).optSeed(5).build();
        Map<String, float[]> whole;
        try (Trainer t = new Trainer(base, data, null)) {
            var tok = t.tokenizer().tokenizer(MicroSdConfig.tiny().maxTokens());
            String name = shapes.caption(0);
            long[][] forms = t.shorterTokenIds(0);
            assertThat(forms).hasNumberOfRows(2);
            assertThat(forms[0]).containsExactly(java.util.Arrays.stream(tok.encode(name).ids()).asLongStream().toArray());
            assertThat(forms[1]).containsExactly(
                    java.util.Arrays.stream(tok.encode(name + ", shapes").ids()).asLongStream().toArray());
            t.run();
            whole = t.unet().params().snapshot();
        }
        // share 0 is the whole-caption run exactly (its random draws are untouched) ...
        try (Trainer t = new Trainer(base.toBuilder().setOutDir(dir.resolve("zero")).optShortCaptions(0).build(), data, null)) {
            t.run();
            assertThat(t.unet().params().snapshot().get("conv_out.weight")).containsExactly(whole.get("conv_out.weight"));
        }
        // ... and share 1 trains on other token ids, so the weights move elsewhere
        try (Trainer t = new Trainer(base.toBuilder().setOutDir(dir.resolve("short")).optShortCaptions(1).build(), data, null)) {
            t.run();
            assertThat(t.unet().params().snapshot().get("conv_out.weight")).isNotEqualTo(whole.get("conv_out.weight"));
        }
    }

    @Test
    void aShortCaptionShareOutsideZeroToOneIsRefusedNamingIt() {
        assertThatThrownBy(() -> TrainConfig.builder().setOutDir(dir).optShortCaptions(1.5f).build())
                .hasMessageContaining("shortCaptions").hasMessageContaining("1.5");
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Test
    void aRunStartedFromAnotherGoesOnFromItsWeightsStepsAndTokenizer() throws Exception {
        ImageFolder data = TestImages.shapes(40, 16, 3);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        List<Double> aLoss = new ArrayList<>();
        try (Trainer t = new Trainer(tiny(a, NoiseAssignment.Mode.NONE, 10, 12), data, new TrainListener() {
            @Override
            public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                if (stage == Stage.UNET) {
                    aLoss.add(loss);
                }
            }
        })) {
            assertThat(t.run()).isEqualTo(Trainer.Outcome.COMPLETED);
        }
        List<Integer> bSteps = new ArrayList<>();
        TrainConfig cb = tiny(b, NoiseAssignment.Mode.NONE, 10, 16).toBuilder().optInitFrom(a).optResume(true).build();
        try (Trainer t = new Trainer(cb, data, new TrainListener() {
            @Override
            public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                bSteps.add(step);
                assertThat(stage).isEqualTo(Stage.UNET); // the VAE came along: no VAE stage
            }
        })) {
            assertThat(t.run()).isEqualTo(Trainer.Outcome.COMPLETED);
        }
        assertThat(bSteps).containsExactly(13, 14, 15, 16);
        assertThat(Files.readString(b.resolve("tokenizer").resolve("merges.txt")))
                .isEqualTo(Files.readString(a.resolve("tokenizer").resolve("merges.txt")));
        assertThat(Checkpoint.readMeta(b.resolve(Trainer.CHECKPOINT)).unetSteps()).isEqualTo(16);
        assertThat(Checkpoint.readMeta(a.resolve(Trainer.CHECKPOINT)).unetSteps()).isEqualTo(12);

        // with its own checkpoint, the run resumes from it, not from the run it started from
        List<Integer> again = new ArrayList<>();
        TrainConfig cb2 = cb.toBuilder().optSteps(18).build();
        try (Trainer t = new Trainer(cb2, data, new TrainListener() {
            @Override
            public void onStep(Stage stage, int step, int total, double loss, double assignMs, double sps) {
                again.add(step);
            }
        })) {
            t.run();
        }
        assertThat(again).containsExactly(17, 18);
    }

    @Test
    void startingFromAFolderWithoutACheckpointNamesIt() throws Exception {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty.resolve("tokenizer"));
        ImageFolder data = TestImages.shapes(40, 16, 3);
        TrainConfig c = tiny(dir.resolve("b"), NoiseAssignment.Mode.NONE, 10, 12).toBuilder().optInitFrom(empty).build();
        assertThatThrownBy(() -> {
            try (Trainer t = new Trainer(c, data, null)) {
                t.run();
            }
        }).hasMessageContaining(empty.resolve("tokenizer").resolve("merges.txt").toString());
    }
}
