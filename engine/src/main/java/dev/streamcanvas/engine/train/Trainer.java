package dev.streamcanvas.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.streamcanvas.engine.assign.Gaussian;
import dev.streamcanvas.engine.assign.NoiseAssignment;
import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import dev.streamcanvas.engine.text.ClipBpe;
import dev.streamcanvas.engine.text.ClipTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the micro Stable Diffusion on an image folder: first the VAE, then the UNet together with the text
 * encoder (epsilon prediction on the SD schedule), with the noise of each UNet batch paired to the latents by
 * the configured {@link NoiseAssignment.Mode}. Everything random (initial weights, data order, flips,
 * timesteps, caption dropout, noise) derives from the seed and the step number, so a vanilla and an immiscible
 * run with the same seed see identical batches and identical noise draws (the immiscible run only reorders
 * the noise), and a run resumed from a checkpoint continues exactly as if it had not stopped.
 *
 * <p>Control: {@link #run()} blocks the calling thread; {@link #pause()}, {@link #resume()} and {@link #cancel()}
 * may be called from any thread. Cancelling writes a checkpoint first. Not reusable after {@link #close()}.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    static final String CHECKPOINT = Checkpoint.FILE;
    static final float KL_WEIGHT = 1e-3f;
    static final float CAPTION_DROPOUT = 0.1f;

    /** How {@link #run()} ended. */
    public enum Outcome { COMPLETED, CANCELLED, REACHED_TARGET }

    private final TrainConfig cfg;
    private final ImageFolder data;
    private final TrainListener listener;
    private final NDManager manager;
    private final ClipBpe bpe;
    private final MicroVae vae;
    private final MicroTextEncoder text;
    private final MicroUnet unet;
    private final NoiseSchedule schedule = NoiseSchedule.STABLE_DIFFUSION;
    private final Evaluation evaluation;
    private final EmojiClassifier classifier; // null: no classifier-feature metric
    private float[] heldClassifierFeatures;   // [nHeld, classifier feature dim], computed once
    private final int[] trainIdx;
    private final int[] heldIdx;
    private final long[][] tokens;      // per dataset item: [L] ids of its caption
    private final long[] emptyTokens;  // [L] ids of the empty caption
    private double[] vaePsnr = {Double.NaN, Double.NaN};
    private final long[][][] shorterTokens; // per dataset item: [forms][L] ids of its shorter caption forms
    private final Object lock = new Object();
    private volatile boolean cancelled;
    private boolean paused;
    private boolean prepared;
    private final Speed unetSpeed = new Speed();

    private int skippedSteps;
    private int vaeStepsDone;
    private int unetStepsDone;
    private float scaling = Float.NaN;
    private float[] latents;           // [2 * nTrain, 4*h*w] scaled latent means; row 2i original, 2i+1 flipped
    private float[] heldLatents;       // [nHeld, 4*h*w]
    private final List<Measurement> history = new ArrayList<>();
    private double lossSum;
    private double assignSum;
    private int windowSteps;
    private double reductionSum;
    private int reductionSteps;

    public Trainer(TrainConfig cfg, ImageFolder data, TrainListener listener) throws IOException {
        this.cfg = cfg;
        this.data = data;
        this.listener = listener == null ? new TrainListener() { } : listener;
        if (data.imageSize() != cfg.model().imageSize()) {
            throw new IllegalArgumentException("dataset images are " + data.imageSize() + " px, the model expects "
                    + cfg.model().imageSize());
        }
        Files.createDirectories(cfg.outDir());
        int n = data.size();
        heldIdx = heldOutSplit(data, cfg.heldOut());
        trainIdx = complement(heldIdx, n);

        Path merges = cfg.outDir().resolve("tokenizer").resolve("merges.txt");
        if (cfg.resume() && Files.exists(merges)) {
            bpe = ClipBpe.read(merges);
        } else if (cfg.initFrom() != null) { // the text encoder it starts from was trained on these ids
            Path from = cfg.initFrom().resolve("tokenizer").resolve("merges.txt");
            if (!Files.exists(from)) {
                throw new IOException(from + ": the run to start from (--init-from) has no tokenizer");
            }
            bpe = ClipBpe.read(from);
            bpe.write(cfg.outDir().resolve("tokenizer"), cfg.model().maxTokens());
        } else {
            bpe = ClipBpe.train(data.captions(), cfg.bpeMerges());
            bpe.write(cfg.outDir().resolve("tokenizer"), cfg.model().maxTokens());
        }
        // encoded by the same ClipTokenizer that reads the exported tokenizer/ folder live
        ClipTokenizer encoder = bpe.tokenizer(cfg.model().maxTokens());
        tokens = new long[n][];
        for (int i = 0; i < n; i++) {
            tokens[i] = longIds(encoder.encode(data.caption(i)));
        }
        emptyTokens = longIds(encoder.encode(""));
        shorterTokens = new long[n][][];
        for (int i = 0; i < n; i++) {
            List<String> forms = CaptionForms.shorter(data.caption(i));
            shorterTokens[i] = new long[forms.size()][];
            for (int k = 0; k < forms.size(); k++) {
                shorterTokens[i][k] = longIds(encoder.encode(forms.get(k)));
            }
        }

        classifier = cfg.classifierDir() == null ? null : loadClassifier(cfg);
        manager = NDManager.newBaseManager("PyTorch");
        vae = new MicroVae(manager, cfg.model(), cfg.seed() + 1);
        text = new MicroTextEncoder(manager, cfg.model(), bpe.vocabSize(), cfg.seed() + 2);
        unet = new MicroUnet(manager, cfg.model(), cfg.seed() + 3);
        evaluation = new Evaluation(cfg, manager, schedule, vae, text, unet);
        LOG.info("micro SD: vae {} params, text {} params (vocab {}), unet {} params; {} train / {} held-out images",
                vae.params().count(), text.params().count(), bpe.vocabSize(), unet.params().count(), trainIdx.length,
                heldIdx.length);
    }

    /** The classifier of {@code cfg.classifierDir()}, refused (and closed) when its image size is not the model's. */
    private static EmojiClassifier loadClassifier(TrainConfig cfg) throws IOException {
        EmojiClassifier c = EmojiClassifier.load(cfg.classifierDir());
        if (c.size() != cfg.model().imageSize()) {
            int size = c.size();
            c.close();
            throw new IllegalArgumentException(cfg.classifierDir().resolve(EmojiClassifier.FILE) + ": the classifier takes "
                    + size + " px images, the model makes " + cfg.model().imageSize() + " px images (train one with "
                    + "`classifier --size " + cfg.model().imageSize() + "`)");
        }
        return c;
    }

    // ---------------------------------------------------------------- control

    public void pause() {
        synchronized (lock) {
            paused = true;
        }
    }

    public void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    public void cancel() {
        cancelled = true;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    public boolean isPaused() {
        synchronized (lock) {
            return paused;
        }
    }

    /**
     * Blocks while paused (telling the listener when the run actually halts and when it goes on); true when the
     * run should stop.
     */
    private boolean waitOrStop(TrainListener.Stage stage, int stepsDone) {
        boolean halted;
        synchronized (lock) {
            halted = paused && !cancelled;
        }
        if (halted) {
            listener.onPaused(stage, stepsDone);
        }
        synchronized (lock) {
            while (paused && !cancelled) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                }
            }
        }
        boolean stop = cancelled || Thread.currentThread().isInterrupted();
        if (halted && !stop) {
            listener.onResumed(stage, stepsDone);
        }
        return stop;
    }

    // ---------------------------------------------------------------- the run

    /** Runs (or continues) the training to the configured steps. */
    public Outcome run() throws IOException {
        return runUntil(Integer.MAX_VALUE);
    }

    /**
     * Runs the VAE stage and the latents first (once), then UNet steps until {@code unetStep} steps are done or
     * the configured number is reached. Returns {@link Outcome#REACHED_TARGET} when it stopped at an
     * intermediate target (call again to continue), so two runs can be advanced in turns on one thread.
     */
    public Outcome runUntil(int unetStep) throws IOException {
        // PyTorch keeps grad mode per thread (on by default); gradients are recorded only inside collectors
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        if (!prepared) {
            Outcome o = prepare();
            if (o != null) {
                return o;
            }
            prepared = true;
        }
        int target = Math.min(unetStep, cfg.steps());
        while (unetStepsDone < target) {
            if (waitOrStop(TrainListener.Stage.UNET, unetStepsDone)) {
                return stopCancelled();
            }
            double[] la = unetStep(unetStepsDone);
            unetStepsDone++;
            lossSum += la[0];
            assignSum += la[1];
            windowSteps++;
            if (!Double.isNaN(la[2])) {
                reductionSum += la[2];
                reductionSteps++;
            }
            listener.onStep(TrainListener.Stage.UNET, unetStepsDone, cfg.steps(), la[0], la[1], unetSpeed.tick());
            boolean eval = cfg.evalEvery() > 0 && unetStepsDone % cfg.evalEvery() == 0;
            boolean quality = cfg.qualityEvery() > 0 && unetStepsDone % cfg.qualityEvery() == 0;
            if (eval || quality) {
                measure(quality);
            }
            if (unetStepsDone % cfg.checkpointEvery() == 0) {
                saveCheckpoint();
            }
        }
        if (unetStepsDone < cfg.steps()) {
            return Outcome.REACHED_TARGET;
        }
        Measurement last = history.isEmpty() ? null : history.get(history.size() - 1);
        if (last == null || last.step() != unetStepsDone || !last.hasQuality()) {
            measure(true);
        }
        saveCheckpoint();
        listener.onStage(TrainListener.Stage.DONE, 0);
        return Outcome.COMPLETED;
    }

    /** Resume, VAE stage, latents; null when done, else the outcome that stopped it. */
    private Outcome prepare() throws IOException {
        Path ckpt = cfg.outDir().resolve(CHECKPOINT);
        if (cfg.resume() && Files.exists(ckpt)) {
            loadCheckpointChecked(ckpt);
            LOG.info("resumed from {} at vae step {}, unet step {}", ckpt, vaeStepsDone, unetStepsDone);
        } else if (cfg.initFrom() != null) {
            Path from = cfg.initFrom().resolve(CHECKPOINT);
            if (!Files.exists(from)) {
                throw new IOException(from + ": the run to start from (--init-from) has no checkpoint");
            }
            loadCheckpointChecked(from);
            vae.params().resetOptimizer();
            text.params().resetOptimizer();
            unet.params().resetOptimizer();
            LOG.info("started from {} at vae step {}, unet step {}, with a fresh optimiser", from, vaeStepsDone,
                    unetStepsDone);
        }
        if (cfg.vaeFrom() != null && vaeStepsDone < cfg.vaeSteps()) {
            loadVaeFrom(cfg.vaeFrom().resolve(CHECKPOINT));
            vaeStepsDone = cfg.vaeSteps();
        }

        // 1. VAE
        if (vaeStepsDone < cfg.vaeSteps()) {
            listener.onStage(TrainListener.Stage.VAE, cfg.vaeSteps());
            Speed speed = new Speed();
            while (vaeStepsDone < cfg.vaeSteps()) {
                if (waitOrStop(TrainListener.Stage.VAE, vaeStepsDone)) {
                    return stopCancelled();
                }
                double loss = vaeStep(vaeStepsDone);
                vaeStepsDone++;
                listener.onStep(TrainListener.Stage.VAE, vaeStepsDone, cfg.vaeSteps(), loss, 0, speed.tick());
                if (vaeStepsDone % cfg.checkpointEvery() == 0 && vaeStepsDone < cfg.vaeSteps()) {
                    saveCheckpoint();
                }
            }
            scaling = Float.NaN; // a fresh VAE needs a fresh scaling factor
        }

        // 2. latents of the whole training set (both orientations), scaled to unit variance
        listener.onStage(TrainListener.Stage.LATENTS, 1);
        computeLatents();
        if (unetStepsDone == 0) {
            saveCheckpoint();
        }
        // 3. UNet + text encoder (in runUntil)
        listener.onStage(TrainListener.Stage.UNET, cfg.steps());
        return null;
    }

    private Outcome stopCancelled() throws IOException {
        saveCheckpoint();
        LOG.info("cancelled at vae step {}, unet step {}; checkpoint written", vaeStepsDone, unetStepsDone);
        return Outcome.CANCELLED;
    }

    // ---------------------------------------------------------------- steps

    private double vaeStep(int step) {
        SplittableRandom r = stepRandom(1, step);
        int b = cfg.batch();
        int s = cfg.model().imageSize();
        int imgLen = 3 * s * s;
        int[] items = batchItems(step);
        float[] x = new float[b * imgLen];
        for (int i = 0; i < b; i++) {
            float[] img = data.image(items[i]);
            if (r.nextBoolean()) {
                flipInto(img, x, i * imgLen, 3, s);
            } else {
                System.arraycopy(img, 0, x, i * imgLen, imgLen);
            }
        }
        int h = cfg.model().latentSize();
        float[] eps = Gaussian.fill(new float[b * 4 * h * h], r);
        double loss;
        try (NDManager sm = manager.newSubManager()) {
            vae.params().lendTo(sm);
            NDArray xs = sm.create(x, new Shape(b, 3, s, s));
            NDArray e = sm.create(eps, new Shape(b, 4, h, h));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray par = vae.encode(xs);                                  // [B, 8, h, h]
                NDArray mean = par.get(":, 0:4");
                NDArray logvar = par.get(":, 4:8").clip(-20f, 10f);
                NDArray z = mean.add(Nn.scale(logvar, 0.5f).exp().mul(e));
                NDArray mse = vae.decode(z).sub(xs).square().mean();
                NDArray kl = Nn.scale(mean.square().add(logvar.exp()).sub(logvar).sub(1f), 0.5f).mean();
                NDArray total = mse.add(Nn.scale(kl, KL_WEIGHT));
                loss = total.getFloat();
                gc.backward(total);
            }
        }
        if (!vae.params().adamStep(cfg.vaeLr(), 0.9f, 0.999f, 1e-8f, 1f)) {
            skippedSteps++;
            LOG.warn("VAE step {}: non-finite gradient, update skipped ({} so far)", step + 1, skippedSteps);
        }
        return loss;
    }

    /** Returns {loss, assignment ms, distance reduction % (NaN when the mode has none)}. */
    private double[] unetStep(int step) {
        SplittableRandom r = stepRandom(2, step);
        int b = cfg.batch();
        int h = cfg.model().latentSize();
        int d = 4 * h * h;
        int[] items = batchItems(step);
        int[] pos = batchPositions(step);
        float[] x0 = new float[b * d];
        int[] t = new int[b];
        long[] ids = new long[b * cfg.model().maxTokens()];
        for (int i = 0; i < b; i++) {
            int row = 2 * pos[i] + (r.nextBoolean() ? 1 : 0);
            System.arraycopy(latents, row * d, x0, i * d, d);
        }
        for (int i = 0; i < b; i++) {
            t[i] = r.nextInt(schedule.trainTimesteps());
        }
        // a separate stream, so that whole-caption runs draw exactly the numbers they always drew
        SplittableRandom cr = cfg.shortCaptions() > 0 ? stepRandom(5, step) : null;
        for (int i = 0; i < b; i++) {
            long[] tok = r.nextDouble() < CAPTION_DROPOUT ? emptyTokens : tokens[items[i]];
            long[][] forms = shorterTokens[items[i]];
            if (cr != null && tok != emptyTokens && cr.nextDouble() < cfg.shortCaptions() && forms.length > 0) {
                tok = forms[cr.nextInt(forms.length)];
            }
            System.arraycopy(tok, 0, ids, i * tok.length, tok.length);
        }
        long a0 = System.nanoTime();
        NoiseAssignment.Paired paired = NoiseAssignment.pairedNoiseMeasured(x0, b, d, cfg.assignment(), cfg.knn(), r);
        float[] noise = paired.noise();
        double assignMs = cfg.assignment() == NoiseAssignment.Mode.NONE ? 0 : (System.nanoTime() - a0) / 1e6;
        float[] xt = schedule.addNoise(x0, noise, t, d);
        float[] tf = new float[b];
        for (int i = 0; i < b; i++) {
            tf[i] = t[i];
        }
        double loss;
        try (NDManager sm = manager.newSubManager()) {
            unet.params().lendTo(sm);
            text.params().lendTo(sm);
            NDArray xts = sm.create(xt, new Shape(b, 4, h, h));
            NDArray eps = sm.create(noise, new Shape(b, 4, h, h));
            NDArray ts = sm.create(tf, new Shape(b));
            NDArray idArr = sm.create(ids, new Shape(b, cfg.model().maxTokens()));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray ctx = text.forward(idArr);
                NDArray l = unet.forward(xts, ts, ctx).sub(eps).square().mean();
                loss = l.getFloat();
                gc.backward(l);
            }
        }
        // a non-finite loss skips both updates; a non-finite gradient skips that model's update (counted once)
        boolean finite = Double.isFinite(loss);
        if (finite) {
            boolean u = unet.params().adamStep(cfg.lr(), 0.9f, 0.999f, 1e-8f, 1f);
            boolean t2 = text.params().adamStep(cfg.lr(), 0.9f, 0.999f, 1e-8f, 1f);
            finite = u && t2;
        } else {
            unet.params().zeroGradients();
            text.params().zeroGradients();
        }
        if (!finite) {
            skippedSteps++;
            LOG.warn("UNet step {}: non-finite loss or gradient, update skipped ({} so far)", step + 1, skippedSteps);
        }
        return new double[] {loss, assignMs, paired.reductionPercent()};
    }

    // ---------------------------------------------------------------- latents and metrics

    private void computeLatents() {
        int s = cfg.model().imageSize();
        int h = cfg.model().latentSize();
        int d = 4 * h * h;
        int n = trainIdx.length;
        float[] raw = new float[2 * n * d];
        encodeMeans(n, i -> {
            float[] img = data.image(trainIdx[i / 2]);
            if (i % 2 == 0) {
                return img;
            }
            float[] f = new float[img.length];
            flipInto(img, f, 0, 3, s);
            return f;
        }, 2, raw);
        float[] held = new float[heldIdx.length * d];
        encodeMeans(heldIdx.length, i -> data.image(heldIdx[i]), 1, held);
        if (Float.isNaN(scaling)) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    double v = raw[2 * i * d + k];
                    sum += v;
                    sq += v * v;
                }
            }
            long cnt = (long) n * d;
            double var = sq / cnt - (sum / cnt) * (sum / cnt);
            scaling = (float) (1 / Math.sqrt(Math.max(var, 1e-12)));
            LOG.info("latent scaling factor {}", scaling);
        }
        for (int i = 0; i < raw.length; i++) {
            raw[i] *= scaling;
        }
        for (int i = 0; i < held.length; i++) {
            held[i] *= scaling;
        }
        latents = raw;
        heldLatents = held;
        vaePsnr = reconstructionPsnr(held);
        LOG.info("VAE reconstruction of the {} held-out images: PSNR mean {} dB, 10th percentile {} dB",
                heldIdx.length, String.format(Locale.ROOT, "%.2f", vaePsnr[0]), String.format(Locale.ROOT, "%.2f", vaePsnr[1]));
    }

    /**
     * PSNR (peak-to-peak 2 in [-1, 1]) of the held-out images against the decode of their scaled latent means
     * {@code held}: {mean, 10th percentile} over the images. The same measure as {@code evaluate}'s, on the run's
     * own VAE before export.
     */
    private double[] reconstructionPsnr(float[] held) {
        int n = heldIdx.length;
        if (n == 0) {
            return Psnr.meanAndP10(new double[0]);
        }
        int s = cfg.model().imageSize();
        int d = held.length / n;
        int len = 3 * s * s;
        double[] psnr = new double[n];
        for (int start = 0; start < n; start += 32) {
            int m = Math.min(32, n - start);
            float[] rec = decode(java.util.Arrays.copyOfRange(held, start * d, (start + m) * d), m);
            for (int i = 0; i < m; i++) {
                psnr[start + i] = Psnr.of(rec, i * len, data.image(heldIdx[start + i]), len);
            }
        }
        return Psnr.meanAndP10(psnr);
    }

    /** {mean, 10th percentile} held-out VAE reconstruction PSNR in dB, measured when the latents were made. */
    public double[] vaeHeldOutPsnr() {
        return vaePsnr.clone();
    }

    private void encodeMeans(int n, java.util.function.IntFunction<float[]> image, int copies, float[] out) {
        int s = cfg.model().imageSize();
        int h = cfg.model().latentSize();
        int d = 4 * h * h;
        int imgLen = 3 * s * s;
        int total = n * copies;
        int chunk = 32;
        for (int start = 0; start < total; start += chunk) {
            int m = Math.min(chunk, total - start);
            float[] x = new float[m * imgLen];
            for (int i = 0; i < m; i++) {
                System.arraycopy(image.apply(start + i), 0, x, i * imgLen, imgLen);
            }
            try (NDManager sm = manager.newSubManager()) {
                vae.params().lendTo(sm);
                float[] mean = vae.encode(sm.create(x, new Shape(m, 3, s, s))).get(":, 0:4").toFloatArray();
                System.arraycopy(mean, 0, out, start * d, m * d);
            }
        }
    }

    private void measure(boolean quality) throws IOException {
        Measurement lastRow = history.isEmpty() ? null : history.get(history.size() - 1);
        boolean sameStep = lastRow != null && lastRow.step() == unetStepsDone;
        double held;
        if (sameStep) {
            // this step's held-out loss is known already; only the quality metric is added
            held = lastRow.heldOutLoss();
            history.remove(history.size() - 1);
            lossSum = lastRow.trainLoss() * Math.max(1, windowSteps);
            assignSum = lastRow.assignMs() * Math.max(1, windowSteps);
            boolean reduced = !Double.isNaN(lastRow.distanceReduction());
            reductionSum = reduced ? lastRow.distanceReduction() * Math.max(1, windowSteps) : 0;
            reductionSteps = reduced ? Math.max(1, windowSteps) : 0;
            windowSteps = Math.max(1, windowSteps);
        } else {
            held = heldOutLoss();
            listener.onHeldOutLoss(unetStepsDone, held);
        }
        double fd = Double.NaN;
        Evaluation.ClassifierQuality cq = null;
        if (quality && heldIdx.length >= 2) {
            int n = heldIdx.length;
            int s = cfg.model().imageSize();
            int imgLen = 3 * s * s;
            float[] real = new float[n * imgLen];
            for (int i = 0; i < n; i++) {
                System.arraycopy(data.image(heldIdx[i]), 0, real, i * imgLen, imgLen);
            }
            Evaluation.Quality q = evaluation.quality(heldIds(), real, n, scaling, unetStepsDone);
            fd = q.frechetDistance();
            listener.onQuality(unetStepsDone, fd, q.samples(), q.argb(), s);
            if (classifier != null) {
                if (heldClassifierFeatures == null) {
                    heldClassifierFeatures = classifier.evaluate(real, n).features();
                }
                cq = evaluation.classifierQuality(classifier, heldIds(), n, heldClassifierFeatures, scaling, unetStepsDone);
                LOG.info("step {}: classifier-feature Frechet distance {} +- {} (bootstrap sd, {} samples)", unetStepsDone,
                        String.format(Locale.ROOT, "%.4f", cq.fd()), String.format(Locale.ROOT, "%.4f", cq.std()),
                        cfg.qualitySamples());
            }
        }
        history.add(new Measurement(unetStepsDone, held, fd, windowSteps == 0 ? Double.NaN : lossSum / windowSteps,
                windowSteps == 0 ? Double.NaN : assignSum / windowSteps, cq == null ? Double.NaN : cq.fd(),
                cq == null ? Double.NaN : cq.std(), reductionSteps == 0 ? Double.NaN : reductionSum / reductionSteps));
        lossSum = 0;
        assignSum = 0;
        windowSteps = 0;
        reductionSum = 0;
        reductionSteps = 0;
        writeMetrics();
    }

    /** Mean epsilon MSE over held-out latents at fixed timesteps with fixed fresh (unassigned) noise. */
    public double heldOutLoss() {
        return evaluation.heldOutLoss(heldLatents, heldIds(), heldIdx.length);
    }

    /**
     * Deterministic DDIM sampling (eta 0, no guidance) from seeded noise for the given token ids [n, L];
     * returns decoded images [n, 3, S, S].
     */
    public float[] sample(long[] ids, int n, int steps, long seed) {
        return evaluation.sample(ids, n, steps, seed, scaling);
    }

    /** [nHeld, L] token ids of the held-out captions. */
    private long[] heldIds() {
        int l = cfg.model().maxTokens();
        long[] ids = new long[heldIdx.length * l];
        for (int i = 0; i < heldIdx.length; i++) {
            System.arraycopy(tokens[heldIdx[i]], 0, ids, i * l, l);
        }
        return ids;
    }

    private void writeMetrics() throws IOException {
        StringBuilder sb = new StringBuilder(METRICS_HEADER).append('\n');
        for (Measurement row : history) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%s,%.6f,%.3f,%s,%s,%s%n", (long) row.step(), row.heldOutLoss(),
                    orEmpty(row.frechetDistance(), "%.6f"), row.trainLoss(), row.assignMs(),
                    orEmpty(row.classifierFd(), "%.6f"), orEmpty(row.classifierFdStd(), "%.6f"),
                    orEmpty(row.distanceReduction(), "%.4f")));
        }
        AtomicFiles.write(cfg.outDir().resolve("metrics.csv"), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The columns of {@code metrics.csv}, in {@link Measurement}'s order (the classifier and distance-reduction
     * columns are empty when not measured; files written before them have only the first five).
     */
    public static final String METRICS_HEADER = "step,heldout_loss,frechet_distance,train_loss,assign_ms,classifier_fd,"
            + "classifier_fd_std,distance_reduction_pct";

    private static String orEmpty(double v, String format) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    // ---------------------------------------------------------------- data order and randomness

    private SplittableRandom stepRandom(int stage, int step) {
        return new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + stage * 0x632BE59BD9B4E019L + step);
    }

    private final Map<Integer, int[]> epochOrders = new HashMap<>();

    /** Positions (into the training list) of the batch at this step: epoch-wise shuffles from the seed. */
    private int[] batchPositions(int step) {
        int n = trainIdx.length;
        int b = cfg.batch();
        int[] out = new int[b];
        for (int i = 0; i < b; i++) {
            long p = (long) step * b + i;
            int epoch = (int) (p / n);
            int[] order = epochOrders.computeIfAbsent(epoch,
                    e -> permutation(n, new SplittableRandom(cfg.seed() * 31 + e)));
            out[i] = order[(int) (p % n)];
        }
        if (epochOrders.size() > 4) {
            epochOrders.keySet().removeIf(e -> e < (int) ((long) step * b / n) - 1);
        }
        return out;
    }

    private int[] batchItems(int step) {
        int[] pos = batchPositions(step);
        int[] items = new int[pos.length];
        for (int i = 0; i < pos.length; i++) {
            items[i] = trainIdx[pos[i]];
        }
        return items;
    }

    /**
     * The held-out items (sorted dataset indices) for a requested count: at most a fifth of the set, at least one
     * when there are two or more items, chosen by {@link #heldOutOrder}, so any tool that asks for the same count
     * on the same folder (the trainer, the emoji classifier, the evaluation) holds out the same images.
     */
    public static int[] heldOutSplit(ImageFolder data, int heldOut) {
        int held = heldOutCount(data.size(), heldOut);
        int[] out = java.util.Arrays.copyOfRange(heldOutOrder(data), 0, held);
        java.util.Arrays.sort(out);
        return out;
    }

    /** Sorted indices 0..n-1 that are not in the sorted array {@code held}. */
    public static int[] complement(int[] held, int n) {
        int[] out = new int[n - held.length];
        int k = 0;
        int h = 0;
        for (int i = 0; i < n; i++) {
            if (h < held.length && held[h] == i) {
                h++;
            } else {
                out[k++] = i;
            }
        }
        return out;
    }

    /** How many of {@code n} images are held out when {@code asked} are: at most a fifth, at least one of two. */
    public static int heldOutCount(int n, int asked) {
        return n < 2 ? 0 : Math.max(1, Math.min(asked, n / 5));
    }

    /**
     * Dataset indices ordered by the SHA-256 of their {@linkplain #splitKey split keys} (first 8 bytes, unsigned,
     * ties by file name): the held-out set is a prefix of this order, so it depends on the file names only (not on
     * the seed, the other files or their order), and two runs on the same folder always hold out the same images.
     */
    static int[] heldOutOrder(ImageFolder data) {
        int n = data.size();
        long[] key = new long[n];
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < n; i++) {
                byte[] h = sha.digest(splitKey(data.name(i)).getBytes(StandardCharsets.UTF_8));
                key[i] = java.nio.ByteBuffer.wrap(h, 0, 8).getLong();
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> {
            int c = Long.compareUnsigned(key[a], key[b]);
            return c != 0 ? c : data.name(a).compareTo(data.name(b));
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /**
     * The name a file is split by: the part after the last {@code "--"} ({@code "tw--1f436.png"} is split as
     * {@code "1f436.png"}), else the whole name. Variants of one picture from several sets ("STYLE--NAME") hash
     * alike, so they sit next to each other in the held-out order and one emoji is never trained in one style and
     * held out in another; a folder without such names is split exactly as before.
     */
    static String splitKey(String name) {
        int k = name.lastIndexOf("--");
        return k < 0 || k + 2 == name.length() ? name : name.substring(k + 2);
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Horizontal flip of a [c, s, s] image into out at offset. */
    static void flipInto(float[] img, float[] out, int offset, int c, int s) {
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < s; y++) {
                int row = (ch * s + y) * s;
                for (int x = 0; x < s; x++) {
                    out[offset + row + x] = img[row + s - 1 - x];
                }
            }
        }
    }

    // ---------------------------------------------------------------- checkpoints

    private void saveCheckpoint() throws IOException {
        Path file = cfg.outDir().resolve(CHECKPOINT);
        Checkpoint.write(file, new Checkpoint.Meta(vaeStepsDone, unetStepsDone, scaling, cfg.model().toString(),
                bpe.vocabSize(), history), vae.params(), text.params(), unet.params());
        listener.onCheckpoint(unetStepsDone, file);
    }

    private void loadCheckpointChecked(Path file) throws IOException {
        try {
            loadCheckpoint(file);
        } catch (java.io.EOFException | RuntimeException e) { // cut off, or garbage where sizes should be
            throw new IOException(file + ": the checkpoint is truncated or corrupt (" + e + "); it was left as it is",
                    e);
        }
    }

    private void loadCheckpoint(Path file) throws IOException {
        String model = Checkpoint.readMeta(file).model();
        if (!model.equals(cfg.model().toString())) {
            throw new IOException(file + ": checkpoint is for model " + model + ", this run configures " + cfg.model());
        }
        Checkpoint.Meta meta = Checkpoint.read(file, vae.params(), text.params(), unet.params());
        vaeStepsDone = meta.vaeSteps();
        unetStepsDone = meta.unetSteps();
        scaling = meta.scalingFactor();
        history.clear();
        history.addAll(meta.history());
    }

    private void loadVaeFrom(Path file) throws IOException {
        Checkpoint.Meta meta;
        try {
            meta = Checkpoint.read(file, vae.params(), null, null);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no checkpoint to take the VAE from", e);
        }
        if (Float.isNaN(meta.scalingFactor())) {
            throw new IOException(file + ": its VAE stage is not finished (no scaling factor yet)");
        }
        scaling = meta.scalingFactor();
    }

    // ---------------------------------------------------------------- later stages (distillation)

    /**
     * Loads the checkpoint of a finished (or paused) run and prepares its latents without training or writing
     * anything, so that a later stage ({@link LcmDistiller}) can use the trained models as a teacher. Needs a
     * config with {@code resume} set and at least as many steps as the run has done.
     */
    public void prepareOnly() throws IOException {
        loadOnly();
        computeLatents();
        prepared = true;
    }

    /**
     * Loads the checkpoint of a run that has trained its UNet, without latents, training or writing (enough to
     * export it with {@link OnnxExport}).
     */
    public void loadOnly() throws IOException {
        Path ckpt = cfg.outDir().resolve(CHECKPOINT);
        if (!Files.exists(ckpt)) {
            throw new IOException(ckpt + ": no training checkpoint");
        }
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        loadCheckpoint(ckpt);
        if (Float.isNaN(scaling) || unetStepsDone == 0) {
            throw new IOException(ckpt + ": the run has not trained its UNet yet (vae step " + vaeStepsDone
                    + ", unet step " + unetStepsDone + ")");
        }
    }

    NDManager manager() {
        return manager;
    }

    /** The image folder this run trains on. */
    public ImageFolder dataset() {
        return data;
    }

    /** [2 * nTrain, 4*h*w] scaled latent means: row 2i is training item {@code trainItems()[i]}, 2i+1 its flip. */
    float[] trainLatents() {
        return latents;
    }

    /** Dataset indices of the training split, in latent-row order. */
    int[] trainItems() {
        return trainIdx;
    }

    /** Dataset indices of the held-out split (sorted). */
    public int[] heldOutItems() {
        return heldIdx.clone();
    }

    /** [L] token ids of dataset item {@code item}'s caption. */
    long[] tokenIds(int item) {
        return tokens[item];
    }

    /** [forms][L] token ids of the shorter forms ({@link CaptionForms#shorter}) of item {@code item}'s caption. */
    long[][] shorterTokenIds(int item) {
        return shorterTokens[item];
    }

    /** [L] token ids of the empty caption. */
    long[] emptyTokenIds() {
        return emptyTokens;
    }

    /** Decodes scaled latents [n, 4, h, w] to images [n, 3, S, S] clipped to [-1, 1]. */
    float[] decode(float[] scaledLatents, int n) {
        int h = cfg.model().latentSize();
        try (NDManager sm = manager.newSubManager()) {
            vae.params().lendTo(sm);
            return vae.decode(sm.create(scaledLatents, new Shape(n, 4, h, h)).div(scaling)).clip(-1f, 1f).toFloatArray();
        }
    }

    // ---------------------------------------------------------------- accessors (export, UI)

    public MicroVae vae() {
        return vae;
    }

    public MicroTextEncoder textEncoder() {
        return text;
    }

    public MicroUnet unet() {
        return unet;
    }

    private static long[] longIds(ClipTokenizer.Encoding e) {
        int[] ids = e.ids();
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /** The learned vocabulary (writes the tokenizer files; {@link ClipBpe#tokenizer(int)} encodes). */
    public ClipBpe tokenizer() {
        return bpe;
    }

    public float scalingFactor() {
        return scaling;
    }

    public TrainConfig config() {
        return cfg;
    }

    public int unetStepsDone() {
        return unetStepsDone;
    }

    /** Optimiser steps skipped because the loss or a gradient was not finite (inf/NaN). */
    public int skippedSteps() {
        return skippedSteps;
    }

    public int vaeStepsDone() {
        return vaeStepsDone;
    }

    /** The measurements so far, oldest first. */
    public List<Measurement> history() {
        return List.copyOf(history);
    }

    @Override
    public void close() {
        try {
            if (classifier != null) {
                classifier.close();
            }
            unet.close();
        } finally {
            try {
                text.close();
            } finally {
                try {
                    vae.close();
                } finally {
                    manager.close();
                }
            }
        }
    }

    /** Exponentially smoothed steps per second. */
    private static final class Speed {
        private long last = System.nanoTime();
        private double rate = Double.NaN;

        double tick() {
            long now = System.nanoTime();
            double r = 1e9 / Math.max(1, now - last);
            last = now;
            rate = Double.isNaN(rate) ? r : 0.9 * rate + 0.1 * r;
            return rate;
        }
    }
}
