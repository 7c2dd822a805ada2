package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.schedule.NoiseSchedule;
import dev.streamcanvas.engine.schedule.StepCoefficients;
import dev.streamcanvas.engine.schedule.StepMath;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The StreamDiffusion denoising core on latents (DESIGN §4): stream batch of n slots, fixed noise bank, residual
 * CFG with stock noise, roll and re-noise. It knows nothing of images or threads: {@link #step} takes the newest
 * frame's scaled latent and returns the latent of the oldest slot's x0 estimate.
 *
 * <p>Batch layout is slot-major: row {@code i * F + f} is frame f of slot i, slot 0 the newest (highest timestep).
 * Not thread-safe: the engine thread owns it.
 */
public final class StreamPipeline {
    private final NoiseSchedule schedule;
    private final Denoiser denoiser;
    private final PromptEncoder promptEncoder;
    private final java.util.function.Function<String, float[]> embeddingSource;

    private StreamSettings settings;
    private int h;
    private int w;
    private int channels;
    private int n; // slots
    private int frames; // F
    private int e; // elements of one latent: channels * h * w
    private StepCoefficients[] coeff; // [n]
    private float[] noise; // [n*F, C, h, w]
    private float[] stock; // [n*F, C, h, w] residual noise per slot (SELF / INITIALIZE)
    private float[] buffer; // [(n-1)*F, C, h, w] noisy latents of slots 1..n-1 for the next call
    private boolean bufferValid;
    private float[] cond; // [L*D]
    private float[] uncond; // [L*D]
    private Conditioning layout; // [unet batch] timesteps and [unet batch, L, D] embeddings of a batched call
    private Conditioning conditioned; // what the denoiser was last conditioned on
    private int unetBatch;
    private float[] unetIn; // [unet batch, C, h, w]
    private float[] unetOut; // [unet batch, C, h, w]
    private float[] xBatch; // [n*F, C, h, w]
    private float[] eps; // [n*F, C, h, w] guided noise estimate
    private float[] x0Batch; // [n*F, C, h, w]
    private float[] scratch; // [n*F, C, h, w]
    private float[] out; // [F, C, h, w]
    private float[] zeros; // [F, C, h, w] the (zero) input of a text-to-image call
    private boolean fromNoise; // this call starts slot 0 from the bank noise itself
    private long calls;

    /**
     * @param embeddingSource maps a prompt to its [L, D] embedding (typically a {@code PromptCache} in front of
     *                        {@code promptEncoder::encode})
     */
    public StreamPipeline(NoiseSchedule schedule, Denoiser denoiser, PromptEncoder promptEncoder,
            java.util.function.Function<String, float[]> embeddingSource) {
        this.schedule = Objects.requireNonNull(schedule);
        this.denoiser = Objects.requireNonNull(denoiser);
        this.promptEncoder = Objects.requireNonNull(promptEncoder);
        this.embeddingSource = embeddingSource != null ? embeddingSource : promptEncoder::encode;
    }

    /**
     * Applies settings for a latent of {@code channels x h x w}, resetting only the state each change invalidates:
     * prompts re-encode the embeddings (buffers and stock noise kept); seed or noise file redraw the bank and
     * restart the buffer and stock noise; t_index list, slot count, frame batch or latent size restart everything
     * latent-shaped; guidance mode only changes the batch layout; gamma, delta, filter change nothing here.
     *
     * @throws IOException when the noise file cannot be used (the previous settings stay in force)
     */
    public void configure(StreamSettings s, int channels, int h, int w) throws IOException {
        StreamSettings old = settings;
        List<Integer> tIdx = s.resolvedTIndices();
        int newN = tIdx.size();
        boolean shapeChanged = old == null || this.h != h || this.w != w || this.channels != channels
                || newN != n || s.frameBatch() != frames;
        boolean scheduleChanged = shapeChanged || !tIdx.equals(old.resolvedTIndices())
                || s.directStep() != old.directStep() || s.denoisingBatch() != old.denoisingBatch();
        boolean noiseChanged = shapeChanged || s.seed() != old.seed() || !Objects.equals(s.noiseFile(), old.noiseFile());
        boolean promptChanged = old == null || !s.prompt().equals(old.prompt())
                || !s.negativePrompt().equals(old.negativePrompt());
        boolean layoutChanged = shapeChanged || s.guidance() != old.guidance();

        float[] newNoise = null;
        if (noiseChanged) {
            int rows = newN * s.frameBatch();
            newNoise = s.noiseFile() != null ? NoiseBank.load(s.noiseFile(), rows, channels, h, w)
                    : NoiseBank.seeded(s.seed(), rows, channels, h, w);
        }
        float[] newCond = null;
        float[] newUncond = null;
        if (promptChanged) {
            newCond = embeddingSource.apply(s.prompt());
            newUncond = embeddingSource.apply(s.negativePrompt());
        }
        // nothing below can fail: commit
        settings = s;
        if (shapeChanged) {
            this.h = h;
            this.w = w;
            this.channels = channels;
            n = newN;
            frames = s.frameBatch();
            e = channels * h * w;
            int rows = n * frames;
            stock = new float[rows * e];
            buffer = new float[Math.max(0, n - 1) * frames * e];
            xBatch = new float[rows * e];
            eps = new float[rows * e];
            x0Batch = new float[rows * e];
            scratch = new float[rows * e];
            out = new float[frames * e];
            zeros = new float[frames * e];
            bufferValid = false;
        }
        if (scheduleChanged) {
            int[] lcm = schedule.lcmTimesteps(TIndexMapping.LCM_STEPS);
            coeff = new StepCoefficients[n];
            for (int i = 0; i < n; i++) {
                StepCoefficients c = schedule.coefficients(lcm[tIdx.get(i)]);
                coeff[i] = s.directStep() ? c.direct() : c;
            }
            bufferValid = false;
            Arrays.fill(stock, 0f);
        }
        if (noiseChanged) {
            noise = newNoise;
            bufferValid = false;
            Arrays.fill(stock, 0f);
        }
        if (promptChanged) {
            cond = newCond;
            uncond = newUncond;
        }
        if (layoutChanged || scheduleChanged || promptChanged) {
            buildLayout();
        }
        denoiser.setEmbeddedGuidanceScale(s.embeddedGuidance());
        denoiser.temporal(s.temporal(), s.seed(), noiseChanged || scheduleChanged || layoutChanged);
    }

    /** Builds the UNet batch layout: timesteps and embeddings per row, for the guidance mode in force. */
    private void buildLayout() {
        GuidanceMode g = settings.guidance();
        int rowsPerPass = settings.denoisingBatch() ? n * frames : frames;
        unetBatch = g.unetBatch(rowsPerPass / frames, frames);
        int ld = promptEncoder.sequenceLength() * promptEncoder.width();
        int[] ts = new int[unetBatch];
        float[] emb = new float[unetBatch * ld];
        int row = 0;
        // negative rows first (INITIALIZE: newest slot only; FULL: every row), then the positive rows
        int negRows = g == GuidanceMode.INITIALIZE ? frames : g == GuidanceMode.FULL ? rowsPerPass : 0;
        for (int r = 0; r < negRows; r++, row++) {
            ts[row] = coeff[settings.denoisingBatch() ? r / frames : 0].timestep();
            System.arraycopy(uncond, 0, emb, row * ld, ld);
        }
        for (int r = 0; r < rowsPerPass; r++, row++) {
            ts[row] = coeff[settings.denoisingBatch() ? r / frames : 0].timestep();
            System.arraycopy(cond, 0, emb, row * ld, ld);
        }
        layout = new Conditioning(ts, emb, promptEncoder.sequenceLength(), promptEncoder.width());
        unetIn = new float[unetBatch * e];
        unetOut = new float[unetBatch * e];
        slotCalls = null;
    }

    /** Forgets the frame history (next frame restarts the buffer from itself); keeps noise and prompts. */
    public void resetHistory() {
        bufferValid = false;
        if (stock != null) {
            Arrays.fill(stock, 0f);
        }
        if (settings != null) {
            denoiser.temporal(settings.temporal(), settings.seed(), true);
        }
    }

    public StreamSettings settings() {
        return settings;
    }

    public long calls() {
        return calls;
    }

    /**
     * One stream call.
     *
     * @param x0In [F, C, h, w] the newest frame(s), scaled latents
     * @return [F, C, h, w] x0 estimate of the oldest slot (lags the input by n-1 calls in batch mode); the array is
     *         reused by the next call
     */
    public float[] step(float[] x0In) {
        if (settings == null) {
            throw new IllegalStateException("configure() before step()");
        }
        calls++;
        return settings.denoisingBatch() ? stepBatched(x0In) : stepSequential(x0In);
    }

    /**
     * A text-to-image call: slot 0's latent is the bank noise itself ({@code x_t = eps}, as StreamDiffusion's
     * {@code txt2img} and diffusers' LCM pipeline start from {@code randn * init_noise_sigma} with sigma 1), not
     * {@code b * eps}; each frame of a frame batch takes its own bank row (StreamDiffusion's {@code txt2img} draws
     * one noise per batch element). On a fresh buffer the later slots start from a zero latent re-noised to their
     * timesteps.
     *
     * @return as {@link #step}
     */
    public float[] stepFromNoise() {
        if (settings == null) {
            throw new IllegalStateException("configure() before stepFromNoise()");
        }
        fromNoise = true;
        try {
            return step(zeros);
        } finally {
            fromNoise = false;
        }
    }

    /**
     * Slot 0's x_t: the input noised to the first timestep, or the bank noise itself for text-to-image. Every frame
     * of a frame batch is noised with the first bank row (StreamDiffusion's {@code encode_image} adds
     * {@code init_noise[0]} to the whole batch), so consecutive output frames share their noise.
     */
    private void firstSlot(float[] x0In, int fe) {
        if (fromNoise) {
            System.arraycopy(noise, 0, xBatch, 0, fe);
        } else {
            for (int f = 0; f < frames; f++) {
                StepMath.addNoise(x0In, f * e, noise, 0, coeff[0].a(), coeff[0].b(), xBatch, f * e, e);
            }
        }
    }

    private float[] stepBatched(float[] x0In) {
        int fe = frames * e;
        int rows = n * frames;
        boolean addNoise = settings.doAddNoise();
        // 1. first frame after a reset: slots 1..n-1 start from this frame, noised to their timesteps
        if (!bufferValid) {
            for (int i = 1; i < n; i++) {
                renoise(x0In, 0, i, buffer, (i - 1) * fe, addNoise);
            }
            bufferValid = true;
        }
        // 2. slot 0 = the new frame noised to the first timestep; slots 1..n-1 = the buffer
        firstSlot(x0In, fe);
        System.arraycopy(buffer, 0, xBatch, fe, (n - 1) * fe);
        // 3. stock noise moves one slot along with its latent; slot 0 starts from the bank
        if (n > 1) {
            System.arraycopy(stock, 0, stock, fe, (n - 1) * fe);
            System.arraycopy(noise, 0, stock, 0, fe);
        }
        // 4. one UNet call over all slots (plus negative rows) and guidance
        denoise(xBatch, rows, 0);
        // 5. x0 estimate per slot
        for (int i = 0; i < n; i++) {
            StepMath.x0(xBatch, i * fe, eps, i * fe, coeff[i], x0Batch, i * fe, fe);
        }
        // 6. stock noise update: residual noise relative to the next slot's input
        if (settings.guidance().usesStockNoise()) {
            for (int i = 0; i < n; i++) {
                updateStock(i, (i + 1) % n, i + 1 < n ? coeff[i + 1] : null);
            }
            // the update wrote slot i's new stock into scratch row i; it is moved along at the next call
            System.arraycopy(scratch, 0, stock, 0, rows * e);
        }
        // 7. output the oldest slot; re-noise slots 0..n-2 to the next slot's timestep for the next call
        System.arraycopy(x0Batch, (n - 1) * fe, out, 0, fe);
        for (int i = 0; i + 1 < n; i++) {
            renoise(x0Batch, i * fe, i + 1, buffer, i * fe, addNoise);
        }
        return out;
    }

    private float[] stepSequential(float[] x0In) {
        int fe = frames * e;
        boolean addNoise = settings.doAddNoise();
        // slot-wise loop over one frame: no buffer, no lag; stock for slot i is kept in stock row i
        if (n > 1) {
            System.arraycopy(noise, 0, stock, 0, fe);
        }
        firstSlot(x0In, fe);
        for (int i = 0; i < n; i++) {
            denoiseSequential(i, slotCall(i));
            StepMath.x0(xBatch, 0, eps, i * fe, coeff[i], x0Batch, i * fe, fe);
            if (settings.guidance().usesStockNoise()) {
                int next = (i + 1) % n;
                updateStock(i, next, i + 1 < n ? coeff[i + 1] : null);
                if (n == 1 || next != 0) {
                    System.arraycopy(scratch, i * fe, stock, next * fe, fe);
                }
            }
            if (i + 1 < n) {
                renoise(x0Batch, i * fe, i + 1, xBatch, 0, addNoise);
            }
        }
        System.arraycopy(x0Batch, (n - 1) * fe, out, 0, fe);
        return out;
    }

    /** Per-slot UNet calls of sequential mode: INITIALIZE's negative pass runs on the first slot only. */
    private record SlotCall(Conditioning conditioning, int batch, int offset) {
    }

    private SlotCall[] slotCalls;

    private SlotCall slotCall(int slot) {
        if (slotCalls == null) {
            GuidanceMode g = settings.guidance();
            int ld = promptEncoder.sequenceLength() * promptEncoder.width();
            SlotCall[] calls = new SlotCall[n];
            for (int i = 0; i < n; i++) {
                boolean negative = g == GuidanceMode.FULL || (g == GuidanceMode.INITIALIZE && i == 0);
                int batch = negative ? 2 * frames : frames;
                int[] ts = new int[batch];
                Arrays.fill(ts, coeff[i].timestep());
                float[] emb = new float[batch * ld];
                for (int r = 0; r < batch; r++) {
                    System.arraycopy(negative && r < frames ? uncond : cond, 0, emb, r * ld, ld);
                }
                calls[i] = new SlotCall(new Conditioning(ts, emb, promptEncoder.sequenceLength(),
                        promptEncoder.width()), batch, negative ? frames * e : 0);
            }
            slotCalls = calls;
        }
        return slotCalls[slot];
    }

    /**
     * Runs the UNet on {@code rows} rows of {@code x} starting at stream row {@code firstRow} and leaves the guided
     * estimate in {@code eps}.
     */
    private void denoise(float[] x, int rows, int firstRow) {
        GuidanceMode g = settings.guidance();
        int fe = frames * e;
        int re = rows * e;
        int off = 0;
        if (g == GuidanceMode.INITIALIZE) {
            System.arraycopy(x, 0, unetIn, 0, fe); // negative pass on the newest slot
            off = fe;
        } else if (g == GuidanceMode.FULL) {
            System.arraycopy(x, 0, unetIn, 0, re);
            off = re;
        }
        System.arraycopy(x, 0, unetIn, off, re);
        predict(layout, unetBatch);
        guide(off, re, fe, firstRow);
    }

    private void denoiseSequential(int slot, SlotCall call) {
        int fe = frames * e;
        int off = call.offset();
        if (off > 0) {
            System.arraycopy(xBatch, 0, unetIn, 0, fe);
        }
        System.arraycopy(xBatch, 0, unetIn, off, fe);
        predict(call.conditioning(), call.batch());
        GuidanceMode g = settings.guidance();
        if (g == GuidanceMode.INITIALIZE && off == 0) {
            selfGuide(0, fe, slot * fe, settings.gamma()); // later slots: the stock noise seeded at slot 0
        } else {
            guide(off, fe, fe, slot);
        }
    }

    /**
     * One UNet call on {@code unetIn}: the denoiser is conditioned anew only when the conditioning differs from the
     * last one handed over (once per layout change in batch mode; per slot call in sequential mode with n > 1).
     */
    private void predict(Conditioning c, int rows) {
        if (c != conditioned) {
            denoiser.condition(c);
            conditioned = c;
        }
        denoiser.predict(unetIn, rows, h, w, unetOut);
    }

    /** eps[firstRow..] = guided estimate from unetOut (positive rows at {@code off}, negatives before). */
    private void guide(int off, int re, int fe, int firstRow) {
        GuidanceMode g = settings.guidance();
        float gamma = settings.gamma();
        int base = firstRow * fe;
        switch (g) {
            case NONE:
                System.arraycopy(unetOut, off, eps, base, re);
                break;
            case FULL:
                if (!guides(gamma)) {
                    System.arraycopy(unetOut, off, eps, base, re);
                    break;
                }
                StepMath.guide(unetOut, 0, unetOut, off, gamma, eps, base, re);
                break;
            case INITIALIZE:
                // the real negative on the newest slot replaces its stock noise
                System.arraycopy(unetOut, 0, stock, base, fe);
                selfGuide(off, re, base, gamma);
                break;
            case SELF:
                selfGuide(off, re, base, gamma);
                break;
            default:
                throw new IllegalStateException(g.toString());
        }
    }

    /**
     * Whether {@code gamma} guides at all: like StreamDiffusion's {@code unet_step} and diffusers'
     * {@code do_classifier_free_guidance}, a scale at or below 1 uses the text prediction alone (the negative
     * pass and the stock noise are still computed, so raising gamma later needs no restart).
     */
    static boolean guides(float gamma) {
        return gamma > 1f;
    }

    /** u = delta * stock; eps = u + gamma * (c - u); eps = c when gamma does not guide. */
    private void selfGuide(int off, int re, int base, float gamma) {
        if (!guides(gamma)) {
            System.arraycopy(unetOut, off, eps, base, re);
            return;
        }
        float delta = settings.delta();
        for (int k = 0; k < re; k++) {
            float u = delta * stock[base + k];
            eps[base + k] = u + gamma * (unetOut[off + k] - u);
        }
    }

    /**
     * Stock-noise update for slot {@code slot}: the x0 step applied to the scaled
     * stock {@code b * stock}, rescaled to the next slot ({@code * a_next / b_next}, 1 past the last slot), plus the
     * bank noise of the next slot; written to scratch row {@code slot}.
     */
    private void updateStock(int slot, int nextSlot, StepCoefficients next) {
        int fe = frames * e;
        StepCoefficients c = coeff[slot];
        float ratio = next == null ? 1f : next.a() / next.b();
        int so = slot * fe;
        int no = nextSlot * fe;
        float invA = 1f / c.a();
        for (int k = 0; k < fe; k++) {
            float scaled = c.b() * stock[so + k];
            float f = (scaled - c.b() * eps[so + k]) * invA;
            float dx = c.cOut() * f + c.cSkip() * scaled;
            scratch[so + k] = noise[no + k] + ratio * dx;
        }
    }

    /** dst = a_slot * src + b_slot * noise[slot] (or a_slot * src without noise). */
    private void renoise(float[] src, int srcOff, int slot, float[] dst, int dstOff, boolean addNoise) {
        int fe = frames * e;
        StepCoefficients c = coeff[slot];
        if (addNoise) {
            StepMath.addNoise(src, srcOff, noise, slot * fe, c.a(), c.b(), dst, dstOff, fe);
        } else {
            StepMath.scale(src, srcOff, c.a(), dst, dstOff, fe);
        }
    }
}
