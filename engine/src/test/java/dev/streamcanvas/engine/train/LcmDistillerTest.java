package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.engine.schedule.NoiseSchedule;
import dev.streamcanvas.engine.schedule.StepCoefficients;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LcmDistillerTest {
    @TempDir
    Path dir;

    private static final NoiseSchedule SD = NoiseSchedule.STABLE_DIFFUSION;

    @Test
    void ddimStepWithTheTrueNoiseLandsOnTheForwardProcessAtTheNextTimestep() {
        // x_t = a x0 + b eps; with the true eps the step must give a' x0 + b' eps (hand-derived)
        StepCoefficients from = SD.coefficients(519);
        StepCoefficients to = SD.coefficients(499);
        float x0 = 0.7f;
        float eps = -1.3f;
        float xt = from.a() * x0 + from.b() * eps;
        assertThat(LcmDistiller.ddimStep(from, to, xt, eps)).isCloseTo(to.a() * x0 + to.b() * eps, within(1e-5f));
    }

    @Test
    void consistencyFunctionIsTheIdentityAtTimestepZeroAndTheX0PredictionAtHighTimesteps() {
        // c_skip(0) = 1, c_out(0) = 0: the boundary condition f(x, 0) = x
        assertThat(LcmDistiller.consistency(SD.coefficients(0), 0.42f, 5f)).isCloseTo(0.42f, within(1e-6f));
        // at t = 999: c_skip = 0.25 / (100 * 999^2 + 0.25) ~ 2.5e-9, c_out ~ 1, so f = (x - b eps) / a
        StepCoefficients c = SD.coefficients(999);
        float x = 0.3f;
        float eps = 0.9f;
        assertThat(LcmDistiller.consistency(c, x, eps)).isCloseTo((x - c.b() * eps) / c.a(), within(1e-4f));
    }

    @Test
    void emaMovesEachWeightTowardTheSourceByOneMinusDecay() throws Exception {
        try (var m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch");
                Params a = new Params(m, 1);
                Params b = new Params(m, 2)) {
            a.constant("w", 1f, 2);
            b.constant("w", 3f, 2);
            a.emaFrom(b, 0.75f);               // 0.75 * 1 + 0.25 * 3 = 1.5
            assertThat(a.get("w").toFloatArray()).containsExactly(1.5f, 1.5f);
            a.copyFrom(b);
            assertThat(a.get("w").toFloatArray()).containsExactly(3f, 3f);
        }
    }

    @Test
    void distillationStartsFromTheTeacherAndResumesBitForBit() throws Exception {
        ImageFolder data = TestImages.shapes(40, 16, 1);
        Path teacherDir = dir.resolve("teacher");
        try (Trainer t = new Trainer(teacher(teacherDir, false), data, null)) {
            t.run();
        }
        Map<String, float[]> straight;
        try (Trainer t = new Trainer(teacher(teacherDir, true), data, null)) {
            t.prepareOnly();
            try (LcmDistiller d = new LcmDistiller(config(dir.resolve("a"), 6, false), t, null)) {
                assertThat(d.student().params().snapshot().get("conv_out.weight"))
                        .containsExactly(t.unet().params().snapshot().get("conv_out.weight"));
                assertThat(d.run()).isTrue();
                straight = d.student().params().snapshot();
                assertThat(d.history()).isNotEmpty();
                float[] img = d.sample(new long[8 * 8], 1, new int[] {0, 25}, 3);
                assertThat(img).hasSize(3 * 16 * 16);
                for (float v : img) {
                    assertThat(v).isBetween(-1f, 1f);
                }
            }
        }
        try (Trainer t = new Trainer(teacher(teacherDir, true), data, null)) {
            t.prepareOnly();
            try (LcmDistiller d = new LcmDistiller(config(dir.resolve("b"), 3, false), t, null)) {
                d.run();
            }
            try (LcmDistiller d = new LcmDistiller(config(dir.resolve("b"), 6, true), t, null)) {
                assertThat(d.run()).isTrue();
                assertThat(d.stepsDone()).isEqualTo(6);
                Map<String, float[]> resumed = d.student().params().snapshot();
                for (var e : straight.entrySet()) {
                    assertThat(resumed.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
                }
            }
        }
    }

    @Test
    void resumingWithAnotherGuidanceScaleIsRefusedNamingTheCheckpoint() throws Exception {
        ImageFolder data = TestImages.shapes(40, 16, 1);
        Path teacherDir = dir.resolve("teacher");
        try (Trainer t = new Trainer(teacher(teacherDir, false), data, null)) {
            t.run();
        }
        try (Trainer t = new Trainer(teacher(teacherDir, true), data, null)) {
            t.prepareOnly();
            try (LcmDistiller d = new LcmDistiller(config(dir.resolve("a"), 2, false), t, null)) {
                d.run();
            }
            LcmDistiller.Config other = new LcmDistiller.Config(dir.resolve("a"), 4, 4, 1e-3f, 2.5f, 0.9f, 2, 5, true, 0.5f);
            try (LcmDistiller d = new LcmDistiller(other, t, null)) {
                assertThatThrownBy(d::run).isInstanceOf(IOException.class)
                        .hasMessageContaining(LcmDistiller.CHECKPOINT).hasMessageContaining("guidance");
            }
        }
    }

    @Test
    void aTeacherWithoutATrainedUnetIsRefused() throws Exception {
        ImageFolder data = TestImages.shapes(40, 16, 1);
        try (Trainer t = new Trainer(teacher(dir.resolve("none"), true), data, null)) {
            assertThatThrownBy(t::prepareOnly).isInstanceOf(IOException.class).hasMessageContaining("no training checkpoint");
        }
    }

    @Test
    void theStudentsShortPromptsAreTheCaptionsPrefixesByCommaParts() throws Exception {
        java.util.List<float[]> imgs = new java.util.ArrayList<>();
        java.util.List<String> caps = new java.util.ArrayList<>();
        ImageFolder shapes = TestImages.shapes(40, 16, 1);
        for (int i = 0; i < shapes.size(); i++) {
            imgs.add(shapes.image(i));
            caps.add(shapes.caption(i) + (i % 2 == 0 ? ", shapes, test set" : ""));
        }
        ImageFolder data = ImageFolder.of(16, imgs, caps);
        Path teacherDir = dir.resolve("teacher");
        try (Trainer t = new Trainer(teacher(teacherDir, false), data, null)) {
            t.run();
        }
        try (Trainer t = new Trainer(teacher(teacherDir, true), data, null)) {
            t.prepareOnly();
            var tok = t.tokenizer().tokenizer(MicroSdConfig.tiny().maxTokens());
            try (LcmDistiller d = new LcmDistiller(config(dir.resolve("a"), 1, false), t, null)) {
                int[] items = t.trainItems();
                for (int pos = 0; pos < items.length; pos++) {
                    String caption = data.caption(items[pos]);
                    long[][] forms = d.shortPromptIds(pos);
                    if (!caption.contains(",")) {
                        assertThat(forms).as(caption).isEmpty();
                        continue;
                    }
                    // "<shape>, shapes, test set": the name, and the name with the next part
                    String name = caption.substring(0, caption.indexOf(','));
                    assertThat(forms).as(caption).hasNumberOfRows(2);
                    assertThat(forms[0]).as(caption).containsExactly(ids(tok, name));
                    assertThat(forms[1]).as(caption).containsExactly(ids(tok, name + ", shapes"));
                }
            }
        }
    }

    private static long[] ids(dev.streamcanvas.engine.text.ClipTokenizer tok, String text) {
        return java.util.Arrays.stream(tok.encode(text).ids()).asLongStream().toArray();
    }

    private static TrainConfig teacher(Path out, boolean resume) {
        return TrainConfig.builder().setOutDir(out).optModel(MicroSdConfig.tiny()).optVaeSteps(10)
                .optSteps(resume ? Integer.MAX_VALUE : 10).optBatch(4).optLearningRate(2e-3f).optVaeLearningRate(2e-3f)
                .optCheckpointEvery(100).optEvalEvery(0).optQualityEvery(0).optHeldOut(8).optBpeMerges(40).optSampleSteps(4)
                .optSeed(77).optResume(resume).build();
    }

    private static LcmDistiller.Config config(Path out, int steps, boolean resume) {
        return new LcmDistiller.Config(out, steps, 4, 1e-3f, 2f, 0.9f, 3, 5, resume, 0.5f);
    }
}
