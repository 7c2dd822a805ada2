package dev.streamcanvas.engine.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The DDPM noise schedule of a diffusion model: betas over the training timesteps and the running product
 * {@code abar_t = prod_{s<=t} (1 - beta_s)}. Immutable and thread-safe.
 *
 * <p>Supported beta schedules: {@code scaled_linear} (Stable Diffusion: betas = linspace(sqrt(start),
 * sqrt(end), T)^2) and {@code linear} (betas = linspace(start, end, T)).
 */
public final class NoiseSchedule {
    /** Stable Diffusion's schedule: scaled-linear betas from 0.00085 to 0.012 over 1000 steps. */
    public static final NoiseSchedule STABLE_DIFFUSION = new NoiseSchedule(0.00085, 0.012, 1000, "scaled_linear");

    private final double betaStart;
    private final double betaEnd;
    private final int trainTimesteps;
    private final String betaSchedule;
    private final double[] alphaBar; // [T], in (0, 1), decreasing

    public NoiseSchedule(double betaStart, double betaEnd, int trainTimesteps, String betaSchedule) {
        if (!(betaStart > 0 && betaEnd >= betaStart && betaEnd < 1)) {
            throw new IllegalArgumentException("beta_start/beta_end must satisfy 0 < start <= end < 1, got "
                    + betaStart + ", " + betaEnd);
        }
        if (trainTimesteps < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be >= 2, got " + trainTimesteps);
        }
        this.betaStart = betaStart;
        this.betaEnd = betaEnd;
        this.trainTimesteps = trainTimesteps;
        this.betaSchedule = betaSchedule;
        this.alphaBar = new double[trainTimesteps];
        double prod = 1.0;
        for (int t = 0; t < trainTimesteps; t++) {
            prod *= 1.0 - beta(t);
            alphaBar[t] = prod;
        }
    }

    private double beta(int t) {
        double frac = (double) t / (trainTimesteps - 1);
        switch (betaSchedule) {
            case "scaled_linear": {
                double s = Math.sqrt(betaStart) + frac * (Math.sqrt(betaEnd) - Math.sqrt(betaStart));
                return s * s;
            }
            case "linear":
                return betaStart + frac * (betaEnd - betaStart);
            default:
                throw new IllegalArgumentException("beta_schedule '" + betaSchedule
                        + "' is not supported (expected scaled_linear or linear)");
        }
    }

    /**
     * Reads {@code scheduler_config.json} (diffusers format); missing keys take Stable Diffusion's values.
     *
     * @throws IOException when the file cannot be read or is not JSON; the message names the file
     */
    public static NoiseSchedule fromConfig(Path schedulerConfig) throws IOException {
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(Files.readString(schedulerConfig));
        } catch (IOException e) {
            throw new IOException(schedulerConfig + ": not a readable scheduler config (" + e.getMessage() + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new IOException(schedulerConfig + ": expected a JSON object");
        }
        String prediction = node.path("prediction_type").asText("epsilon");
        if (!prediction.equals("epsilon")) {
            // the stream math (x0 step, RCFG stock noise) is written for noise prediction; v- or sample-prediction
            // models (e.g. SD 2.x at 768 px) would give wrong pictures, so refuse them clearly
            throw new IOException(schedulerConfig + ": prediction_type '" + prediction
                    + "' is not supported (expected epsilon; SD-Turbo, SD 1.5 + LCM and TAESD setups predict epsilon)");
        }
        int steps = node.path("num_train_timesteps").asInt(1000);
        if (steps > MAX_TRAIN_TIMESTEPS) { // the schedule holds one value per timestep
            throw new IOException(schedulerConfig + ": num_train_timesteps is " + steps + ", more than the limit of "
                    + MAX_TRAIN_TIMESTEPS);
        }
        if (steps < MIN_TRAIN_TIMESTEPS) {
            throw new IOException(schedulerConfig + ": num_train_timesteps is " + steps + ", expected at least "
                    + MIN_TRAIN_TIMESTEPS + " (the stream runs on " + MIN_TRAIN_TIMESTEPS + " LCM steps)");
        }
        try {
            return new NoiseSchedule(
                    node.path("beta_start").asDouble(0.00085),
                    node.path("beta_end").asDouble(0.012),
                    node.path("num_train_timesteps").asInt(1000),
                    node.path("beta_schedule").asText("scaled_linear").toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException(schedulerConfig + ": " + e.getMessage(), e);
        }
    }

    /** The fewest training timesteps a model may declare: the stream's 50 LCM steps need one each. */
    public static final int MIN_TRAIN_TIMESTEPS = 50;
    /** The most training timesteps a config may declare (SD uses 1000). */
    public static final int MAX_TRAIN_TIMESTEPS = 100_000;

    public int trainTimesteps() {
        return trainTimesteps;
    }

    public double betaStart() {
        return betaStart;
    }

    public double betaEnd() {
        return betaEnd;
    }

    /** The diffusers {@code beta_schedule} name ({@code scaled_linear} or {@code linear}). */
    public String betaSchedule() {
        return betaSchedule;
    }

    /**
     * The forward process for a batch: {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps}, where sample
     * {@code i} is the row {@code [i*d, (i+1)*d)} of {@code x0} and {@code eps} and has its own timestep
     * {@code t[i]}. Returns a new array of {@code t.length * d} values.
     */
    public float[] addNoise(float[] x0, float[] eps, int[] t, int d) {
        if (x0.length < t.length * d || eps.length < t.length * d) {
            throw new IllegalArgumentException("addNoise needs " + t.length + " x " + d + " values, got x0 " + x0.length
                    + " and eps " + eps.length);
        }
        float[] out = new float[t.length * d];
        for (int i = 0; i < t.length; i++) {
            double ab = alphaBar(t[i]);
            float a = (float) Math.sqrt(ab);
            float b = (float) Math.sqrt(1 - ab);
            for (int k = i * d; k < (i + 1) * d; k++) {
                out[k] = a * x0[k] + b * eps[k];
            }
        }
        return out;
    }

    /** {@code abar_t}, the fraction of signal variance left at timestep {@code t} (0-based). */
    public double alphaBar(int t) {
        if (t < 0 || t >= trainTimesteps) {
            throw new IllegalArgumentException("timestep " + t + " outside [0, " + (trainTimesteps - 1) + "]");
        }
        return alphaBar[t];
    }

    /** The coefficients of the add-noise and x0 steps for one timestep. */
    public StepCoefficients coefficients(int t) {
        return StepCoefficients.of(t, alphaBar(t));
    }

    /**
     * The LCM timesteps for {@code originalSteps} inference steps (50 in StreamDiffusion):
     * {@code t(k) = T - 1 - (T / originalSteps) * k}, so 999, 979, ..., 19 for T = 1000.
     */
    public int[] lcmTimesteps(int originalSteps) {
        if (originalSteps < 1 || originalSteps > trainTimesteps) {
            throw new IllegalArgumentException("original steps must be in [1, " + trainTimesteps + "], got " + originalSteps);
        }
        int c = trainTimesteps / originalSteps;
        int[] ts = new int[originalSteps];
        for (int k = 0; k < originalSteps; k++) {
            ts[k] = trainTimesteps - 1 - c * k;
        }
        return ts;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "NoiseSchedule[%s %.5f..%.5f over %d]", betaSchedule, betaStart, betaEnd,
                trainTimesteps);
    }
}
