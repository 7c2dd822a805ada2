package dev.streamcanvas.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamcanvas.engine.assign.Gaussian;
import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import dev.streamcanvas.engine.schedule.StepCoefficients;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Latent consistency distillation (LCM) of a trained micro UNet, so that 1, 2 and 4 steps of the stream's LCM
 * step math (DESIGN §4) give clean images. In our words:
 * <ul>
 *   <li>Grid: the 50 LCM timesteps t = 19, 39, ..., 999 (skip k = 20); a training row draws t from it and
 *       t' = max(t - 20, 0).</li>
 *   <li>x_t = a_t x0 + b_t eps (fresh noise, not assigned).</li>
 *   <li>Teacher (frozen, the trained epsilon model) with classifier-free guidance of scale w:
 *       eps_w = eps(x_t, t, empty) + w (eps(x_t, t, c) - eps(x_t, t, empty)); one DDIM step from t to t'
 *       gives x_t' = a_t' x0_w + b_t' eps_w with x0_w = (x_t - b_t eps_w) / a_t.</li>
 *   <li>Consistency function of a UNet u: f(x, t) = c_skip(t) x + c_out(t) (x - b_t u(x, t, c)) / a_t, the
 *       stream's x0 estimate.</li>
 *   <li>Loss: pseudo-Huber distance between the student's f(x_t, t) and the target network's f(x_t', t')
 *       (no gradient), c = 0.001; the target network is an exponential moving average of the student.</li>
 * </ul>
 * The guidance is baked in (the student takes no guidance input), so the distilled model streams with guidance
 * "none". The student starts from the teacher's weights; the text encoder and VAE stay frozen.
 *
 * <p>Data order, timesteps, noise and caption dropout derive from the seed and the step, as in {@link Trainer},
 * and a resumed run continues bit for bit. Not thread-safe; {@link #cancel()} may be called from any thread.
 */
public final class LcmDistiller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LcmDistiller.class);
    private static final String MAGIC = "streamcanvas-lcm-checkpoint-1";
    static final String CHECKPOINT = "distill-checkpoint.bin";
    static final int SKIP = 20;
    static final float HUBER_C = 0.001f;

    /**
     * One distillation run.
     *
     * @param outDir          run folder (checkpoint, metrics, samples)
     * @param steps           distillation steps
     * @param batch           rows per step
     * @param lr              student learning rate (Adam)
     * @param guidance        classifier-free guidance scale w baked into the student (diffusers' convention: 1 = none)
     * @param emaDecay        decay of the target network's moving average
     * @param checkpointEvery write a checkpoint every this many steps (and at the end or on cancel)
     * @param seed            seed for data order, timesteps, noise and caption dropout
     * @param resume          continue from {@code outDir}'s checkpoint when there is one
     * @param shortPrompts    share of rows whose student (and target) sees a shorter form of the caption
     *                        ({@link CaptionForms#shorter}, chosen uniformly: "dog face" or "dog face, animal
     *                        mammal") while the teacher keeps the whole caption, so that the short prompts people
     *                        type get what the full captions get
     */
    public record Config(Path outDir, int steps, int batch, float lr, float guidance, float emaDecay,
            int checkpointEvery, long seed, boolean resume, float shortPrompts) {
        public Config {
            if (outDir == null) {
                throw new IllegalArgumentException("outDir is required");
            }
            if (steps < 0 || batch < 1 || checkpointEvery < 1 || !(lr > 0) || !(guidance >= 1)
                    || !(emaDecay >= 0 && emaDecay < 1) || !(shortPrompts >= 0 && shortPrompts <= 1)) {
                throw new IllegalArgumentException("need steps >= 0, batch >= 1, checkpointEvery >= 1, lr > 0, "
                        + "guidance >= 1, 0 <= emaDecay < 1; got steps=" + steps + " batch=" + batch + " checkpointEvery="
                        + checkpointEvery + " lr=" + lr + " guidance=" + guidance + " emaDecay=" + emaDecay
                        + " shortPrompts=" + shortPrompts + " (need it in [0, 1])");
            }
        }
    }

    private final Config cfg;
    private final Trainer teacher;
    private final TrainListener listener;
    private final NoiseSchedule schedule = NoiseSchedule.STABLE_DIFFUSION;
    private final MicroUnet student;
    private final MicroUnet target;
    private final float[] emptyCtx;    // [L * D] text embedding of the empty caption
    private final long[][][] shortIds; // per training position: [forms][L] ids of the caption's shorter forms
    private final List<double[]> history = new ArrayList<>(); // step, mean loss over the window
    private volatile boolean cancelled;
    private int stepsDone;
    private double lossSum;
    private int window;

    /**
     * @param teacher a trainer whose run has finished its UNet stage and whose latents are prepared
     *                ({@link Trainer#prepareOnly()}); it stays owned by the caller
     */
    public LcmDistiller(Config cfg, Trainer teacher, TrainListener listener) throws IOException {
        this.cfg = cfg;
        this.teacher = teacher;
        this.listener = listener == null ? new TrainListener() { } : listener;
        Files.createDirectories(cfg.outDir());
        MicroSdConfig m = teacher.config().model();
        NDManager manager = teacher.manager();
        student = new MicroUnet(manager, m, cfg.seed() + 7);
        target = new MicroUnet(manager, m, cfg.seed() + 8);
        student.params().copyFrom(teacher.unet().params());
        target.params().copyFrom(teacher.unet().params());
        int[] items = teacher.trainItems();
        shortIds = new long[items.length][][];
        for (int i = 0; i < items.length; i++) {
            shortIds[i] = teacher.shorterTokenIds(items[i]);
        }
        long[] empty = teacher.emptyTokenIds();
        try (NDManager sm = manager.newSubManager()) {
            teacher.textEncoder().params().lendTo(sm);
            emptyCtx = teacher.textEncoder().forward(sm.create(empty, new Shape(1, empty.length))).toFloatArray();
        }
    }

    public void cancel() {
        cancelled = true;
    }

    /** Runs (or continues) to the configured steps; false when cancelled (a checkpoint is written first). */
    public boolean run() throws IOException {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        Path ckpt = cfg.outDir().resolve(CHECKPOINT);
        if (cfg.resume() && Files.exists(ckpt)) {
            load(ckpt);
            LOG.info("resumed distillation from {} at step {}", ckpt, stepsDone);
        }
        listener.onStage(TrainListener.Stage.DISTILL, cfg.steps());
        long last = System.nanoTime();
        double rate = Double.NaN;
        while (stepsDone < cfg.steps()) {
            if (cancelled || Thread.currentThread().isInterrupted()) {
                save();
                return false;
            }
            double loss = step(stepsDone);
            stepsDone++;
            lossSum += loss;
            window++;
            long now = System.nanoTime();
            double r = 1e9 / Math.max(1, now - last);
            last = now;
            rate = Double.isNaN(rate) ? r : 0.9 * rate + 0.1 * r;
            listener.onStep(TrainListener.Stage.DISTILL, stepsDone, cfg.steps(), loss, 0, rate);
            if (stepsDone % cfg.checkpointEvery() == 0) {
                history.add(new double[] {stepsDone, lossSum / window});
                lossSum = 0;
                window = 0;
                save();
            }
        }
        if (window > 0) {
            history.add(new double[] {stepsDone, lossSum / window});
            lossSum = 0;
            window = 0;
        }
        save();
        listener.onStage(TrainListener.Stage.DONE, 0);
        return true;
    }

    /** One distillation step; returns the loss. */
    private double step(int step) {
        SplittableRandom r = new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + 3 * 0x632BE59BD9B4E019L + step);
        MicroSdConfig m = teacher.config().model();
        int b = cfg.batch();
        int h = m.latentSize();
        int d = 4 * h * h;
        int l = m.maxTokens();
        int dim = m.textDim();
        float[] latents = teacher.trainLatents();
        int nTrain = latents.length / d / 2;
        float[] x0 = new float[b * d];
        long[] ids = new long[b * l];       // the teacher's captions
        long[] sids = new long[b * l];      // the student's: the same, or their first part
        int[] t = new int[b];
        int[] tPrev = new int[b];
        int[] items = teacher.trainItems();
        for (int i = 0; i < b; i++) {
            int pos = r.nextInt(nTrain);
            int row = 2 * pos + (r.nextBoolean() ? 1 : 0);
            System.arraycopy(latents, row * d, x0, i * d, d);
            long[] tok = r.nextDouble() < Trainer.CAPTION_DROPOUT ? teacher.emptyTokenIds()
                    : teacher.tokenIds(items[pos]);
            System.arraycopy(tok, 0, ids, i * l, l);
            boolean shorter = tok != teacher.emptyTokenIds() && r.nextDouble() < cfg.shortPrompts()
                    && shortIds[pos].length > 0;
            System.arraycopy(shorter ? shortIds[pos][r.nextInt(shortIds[pos].length)] : tok, 0, sids, i * l, l);
            int n = r.nextInt(50);
            t[i] = SKIP * n + SKIP - 1;
            tPrev[i] = Math.max(t[i] - SKIP, 0);
        }
        float[] eps = Gaussian.fill(new float[b * d], r);
        float[] xt = schedule.addNoise(x0, eps, t, d);

        // 1. the teacher's guided DDIM step t -> t', and the target network's x0 estimate at t' (no gradients)
        float[] ctx;                        // [B, L, D] the student's (and target's) conditioning
        float[] fTarget = new float[b * d];
        try (NDManager sm = teacher.manager().newSubManager()) {
            teacher.textEncoder().params().lendTo(sm);
            teacher.unet().params().lendTo(sm);
            target.params().lendTo(sm);
            float[] full = teacher.textEncoder().forward(sm.create(ids, new Shape(b, l))).toFloatArray();  // [B, L, D]
            ctx = teacher.textEncoder().forward(sm.create(sids, new Shape(b, l))).toFloatArray();
            float[] both = new float[2 * b * l * dim];
            System.arraycopy(full, 0, both, 0, full.length);
            for (int i = 0; i < b; i++) {
                System.arraycopy(emptyCtx, 0, both, (b + i) * l * dim, l * dim);
            }
            float[] xx = new float[2 * b * d];
            System.arraycopy(xt, 0, xx, 0, b * d);
            System.arraycopy(xt, 0, xx, b * d, b * d);
            float[] tt = new float[2 * b];
            for (int i = 0; i < b; i++) {
                tt[i] = t[i];
                tt[b + i] = t[i];
            }
            float[] e2 = teacher.unet().forward(sm.create(xx, new Shape(2L * b, 4, h, h)),
                    sm.create(tt, new Shape(2L * b)), sm.create(both, new Shape(2L * b, l, dim))).toFloatArray();
            float[] xPrev = new float[b * d];
            float w = cfg.guidance();
            for (int i = 0; i < b; i++) {
                StepCoefficients c = schedule.coefficients(t[i]);
                StepCoefficients p = schedule.coefficients(tPrev[i]);
                for (int k = i * d; k < (i + 1) * d; k++) {
                    float ec = e2[k];
                    float eu = e2[b * d + k];
                    xPrev[k] = ddimStep(c, p, xt[k], eu + w * (ec - eu));
                }
            }
            float[] tp = new float[b];
            for (int i = 0; i < b; i++) {
                tp[i] = tPrev[i];
            }
            float[] et = target.forward(sm.create(xPrev, new Shape(b, 4, h, h)), sm.create(tp, new Shape(b)),
                    sm.create(ctx, new Shape(b, l, dim))).toFloatArray();
            for (int i = 0; i < b; i++) {
                StepCoefficients p = schedule.coefficients(tPrev[i]);
                for (int k = i * d; k < (i + 1) * d; k++) {
                    fTarget[k] = consistency(p, xPrev[k], et[k]);
                }
            }
        }

        // 2. the student's x0 estimate at t: f = (c_skip + c_out / a) x_t - (c_out b / a) eps_hat
        float[] base = new float[b * d];
        float[] slope = new float[b];
        float[] tf = new float[b];
        for (int i = 0; i < b; i++) {
            StepCoefficients c = schedule.coefficients(t[i]);
            slope[i] = -c.cOut() * c.b() / c.a();
            tf[i] = t[i];
            for (int k = i * d; k < (i + 1) * d; k++) {
                base[k] = (c.cSkip() + c.cOut() / c.a()) * xt[k];
            }
        }
        double loss;
        try (NDManager sm = teacher.manager().newSubManager()) {
            student.params().lendTo(sm);
            NDArray xs = sm.create(xt, new Shape(b, 4, h, h));
            NDArray baseArr = sm.create(base, new Shape(b, 4, h, h));
            NDArray slopeArr = sm.create(slope, new Shape(b, 1, 1, 1));
            NDArray tgt = sm.create(fTarget, new Shape(b, 4, h, h));
            NDArray ctxArr = sm.create(ctx, new Shape(b, l, dim));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray epsHat = student.forward(xs, sm.create(tf, new Shape(b)), ctxArr);
                NDArray f = baseArr.add(epsHat.mul(slopeArr));
                NDArray diff = f.sub(tgt);
                NDArray lossArr = diff.square().add(HUBER_C * HUBER_C).sqrt().sub(HUBER_C).mean();
                loss = lossArr.getFloat();
                gc.backward(lossArr);
            }
        }
        if (!Double.isFinite(loss) || !student.params().adamStep(cfg.lr(), 0.9f, 0.999f, 1e-8f, 1f)) {
            student.params().zeroGradients();
            LOG.warn("distillation step {}: non-finite loss or gradient, update skipped", step + 1);
        }
        target.params().emaFrom(student.params(), cfg.emaDecay());
        return loss;
    }

    /** One deterministic DDIM step from {@code from} to {@code to}: a' (x - b eps) / a + b' eps. */
    static float ddimStep(StepCoefficients from, StepCoefficients to, float x, float eps) {
        float x0 = (x - from.b() * eps) / from.a();
        return to.a() * x0 + to.b() * eps;
    }

    /** The stream's x0 estimate from one epsilon value: c_skip x + c_out (x - b eps) / a. */
    static float consistency(StepCoefficients c, float x, float eps) {
        return c.cSkip() * x + c.cOut() * (x - c.b() * eps) / c.a();
    }

    /**
     * Multi-step consistency sampling with the student (what the stream does for text-to-image): from seeded
     * noise, at each LCM timestep t(k) = 999 - 20 k of the given t_index list, estimate x0 and re-noise it to the
     * next timestep with fresh noise. ids [n, L]; returns decoded images [n, 3, S, S] in [-1, 1].
     */
    public float[] sample(long[] ids, int n, int[] tIndex, long seed) {
        MicroSdConfig m = teacher.config().model();
        int h = m.latentSize();
        int d = 4 * h * h;
        int l = m.maxTokens();
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = Gaussian.fill(new float[n * d], r);
        float[] x0 = new float[n * d];
        try (NDManager sm = teacher.manager().newSubManager()) {
            teacher.textEncoder().params().lendTo(sm);
            student.params().lendTo(sm);
            NDArray ctx = teacher.textEncoder().forward(sm.create(ids, new Shape(n, l)));
            for (int k = 0; k < tIndex.length; k++) {
                int t = 999 - SKIP * tIndex[k];
                StepCoefficients c = schedule.coefficients(t);
                float[] tf = new float[n];
                java.util.Arrays.fill(tf, t);
                try (NDManager step = sm.newSubManager()) {
                    float[] e = student.forward(step.create(x, new Shape(n, 4, h, h)), step.create(tf, new Shape(n)), ctx)
                            .toFloatArray();
                    for (int i = 0; i < x.length; i++) {
                        x0[i] = consistency(c, x[i], e[i]);
                    }
                }
                if (k + 1 < tIndex.length) {
                    StepCoefficients next = schedule.coefficients(999 - SKIP * tIndex[k + 1]);
                    float[] z = Gaussian.fill(new float[n * d], r);
                    for (int i = 0; i < x.length; i++) {
                        x[i] = next.a() * x0[i] + next.b() * z[i];
                    }
                }
            }
        }
        return teacher.decode(x0, n);
    }

    // ---------------------------------------------------------------- checkpoints

    private void save() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode meta = json.createObjectNode();
        meta.put("steps", stepsDone);
        meta.put("guidance", cfg.guidance());
        meta.put("shortPrompts", cfg.shortPrompts());
        meta.put("model", teacher.config().model().toString());
        var hist = meta.putArray("history");
        for (double[] row : history) {
            hist.addArray().add(row[0]).add(row[1]);
        }
        byte[] metaBytes = json.writeValueAsBytes(meta);
        Path file = cfg.outDir().resolve(CHECKPOINT);
        AtomicFiles.write(file, os -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.writeUTF(MAGIC);
            out.writeInt(metaBytes.length);
            out.write(metaBytes);
            student.params().write(out);
            target.params().write(out);
            out.flush();
        });
        StringBuilder sb = new StringBuilder("step,distill_loss\n");
        for (double[] row : history) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f%n", (long) row[0], row[1]));
        }
        AtomicFiles.write(cfg.outDir().resolve("distill-metrics.csv"), sb.toString().getBytes(StandardCharsets.UTF_8));
        listener.onCheckpoint(stepsDone, file);
    }

    private void load(Path file) throws IOException {
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                DataInputStream in = new DataInputStream(is)) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not a StreamCanvas distillation checkpoint (found header '" + magic + "')");
            }
            int len = in.readInt();
            if (len < 0 || len > (1 << 24)) {
                throw new IOException(file + ": corrupt distillation checkpoint (metadata length " + len + ")");
            }
            byte[] m = new byte[len];
            in.readFully(m);
            ObjectNode meta = (ObjectNode) new ObjectMapper().readTree(m);
            String model = meta.path("model").asText();
            if (!model.equals(teacher.config().model().toString())) {
                throw new IOException(file + ": checkpoint is for model " + model + ", the teacher is "
                        + teacher.config().model());
            }
            if (meta.path("guidance").floatValue() != cfg.guidance()) {
                throw new IOException(file + ": checkpoint was distilled with guidance " + meta.path("guidance").asText()
                        + ", this run asks for " + cfg.guidance());
            }
            if (meta.path("shortPrompts").floatValue() != cfg.shortPrompts()) {
                throw new IOException(file + ": checkpoint was distilled with short-prompt share "
                        + meta.path("shortPrompts").asText() + ", this run asks for " + cfg.shortPrompts());
            }
            student.params().read(in, file.toString());
            target.params().read(in, file.toString());
            stepsDone = meta.path("steps").asInt();
            history.clear();
            for (var row : meta.path("history")) {
                history.add(new double[] {row.get(0).asDouble(), row.get(1).asDouble()});
            }
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": distillation checkpoint is truncated", e);
        }
    }

    // ---------------------------------------------------------------- accessors

    /** [forms][L] ids of the shorter prompts the student may see for training position {@code pos}. */
    long[][] shortPromptIds(int pos) {
        return shortIds[pos];
    }

    /** The distilled UNet (the online student). */
    public MicroUnet student() {
        return student;
    }

    /** The moving-average target network. */
    public MicroUnet target() {
        return target;
    }

    public int stepsDone() {
        return stepsDone;
    }

    public Config config() {
        return cfg;
    }

    /** Rows of {step, mean distillation loss since the previous row}. */
    public List<double[]> history() {
        return List.copyOf(history);
    }

    @Override
    public void close() {
        try {
            student.close();
        } finally {
            target.close();
        }
    }
}
