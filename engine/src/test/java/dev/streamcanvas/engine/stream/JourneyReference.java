package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.schedule.NoiseSchedule;
import java.util.List;

/**
 * An independent formulation of the stream (per frame "particles" that travel through the slots, in double), used
 * as the expected value for the batched implementation. eps(x, t, prompt) = 0.5 x + 0.1 m(prompt) + 0.001 t.
 */
final class JourneyReference {
    final int n;
    final int e;
    final double[] a;
    final double[] b;
    final double[] cSkip;
    final double[] cOut;
    final int[] t;
    final double[][] noise; // [n][e]
    final GuidanceMode mode;
    final double gamma;
    final double delta;
    final boolean batched;
    double[][] xt; // [n][e] particle latents per slot (batched mode)
    double[][] stock; // [n][e] particle stock noise per slot
    double[] carriedStock; // n == 1: stock carried to the next call
    boolean started;
    /** A constant added to every noise prediction (the analytic UNet's timestep_cond term). */
    double extra;
    /** false: re-noising scales only (do_add_noise off). */
    boolean addNoise = true;

    JourneyReference(List<Integer> tIndices, float[] bank, int e, GuidanceMode mode, double gamma, double delta,
            boolean batched, boolean direct) {
        this.n = tIndices.size();
        this.e = e;
        this.mode = mode;
        this.gamma = gamma;
        this.delta = delta;
        this.batched = batched;
        a = new double[n];
        b = new double[n];
        cSkip = new double[n];
        cOut = new double[n];
        t = new int[n];
        noise = new double[n][e];
        NoiseSchedule s = NoiseSchedule.STABLE_DIFFUSION;
        for (int i = 0; i < n; i++) {
            t[i] = 999 - 20 * tIndices.get(i);
            double abar = s.alphaBar(t[i]);
            a[i] = Math.sqrt(abar);
            b[i] = Math.sqrt(1 - abar);
            double sc = 10.0 * t[i];
            cSkip[i] = direct ? 0 : 0.25 / (sc * sc + 0.25);
            cOut[i] = direct ? 1 : sc / Math.sqrt(sc * sc + 0.25);
            for (int k = 0; k < e; k++) {
                noise[i][k] = bank[i * e + k];
            }
        }
        carriedStock = new double[e];
    }

    double eps(double x, int t, double promptMean) {
        return 0.5 * x + 0.1 * promptMean + 0.001 * t + extra;
    }

    /** One call with input latent x0 and prompt means; returns the output latent. */
    double[] call(float[] x0, double condMean, double uncondMean) {
        if (!batched) {
            return sequential(x0, condMean, uncondMean);
        }
        double[][] nx = new double[n][e];
        double[][] ns = new double[n][e];
        if (!started) {
            xt = new double[n][e];
            stock = new double[n][e];
            for (int i = 1; i < n; i++) {
                for (int k = 0; k < e; k++) {
                    xt[i][k] = a[i] * x0[k] + (addNoise ? b[i] * noise[i][k] : 0);
                }
            }
            started = true;
        }
        for (int k = 0; k < e; k++) {
            xt[0][k] = a[0] * x0[k] + b[0] * noise[0][k];
            stock[0][k] = n > 1 ? noise[0][k] : carriedStock[k];
        }
        double[] out = new double[e];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < e; k++) {
                double[] r = slot(i, xt[i][k], stock[i][k], condMean, uncondMean, k);
                if (i == n - 1) {
                    out[k] = r[0];
                } else {
                    nx[i + 1][k] = a[i + 1] * r[0] + (addNoise ? b[i + 1] * noise[i + 1][k] : 0);
                    ns[i + 1][k] = r[1];
                }
                if (n == 1) {
                    carriedStock[k] = r[1];
                }
            }
        }
        xt = nx;
        stock = ns;
        return out;
    }

    private double[] sequential(float[] x0, double condMean, double uncondMean) {
        double[] out = new double[e];
        for (int k = 0; k < e; k++) {
            double x = a[0] * x0[k] + b[0] * noise[0][k];
            double st = n > 1 ? noise[0][k] : carriedStock[k];
            for (int i = 0; i < n; i++) {
                double[] r = slot(i, x, st, condMean, uncondMean, k);
                if (i + 1 < n) {
                    x = a[i + 1] * r[0] + (addNoise ? b[i + 1] * noise[i + 1][k] : 0);
                    st = r[1];
                } else {
                    out[k] = r[0];
                    if (n == 1) {
                        carriedStock[k] = r[1];
                    }
                }
            }
        }
        return out;
    }

    /** {x0 estimate, stock noise handed to the next slot} for one element at slot i. */
    private double[] slot(int i, double x, double st, double condMean, double uncondMean, int k) {
        double c = eps(x, t[i], condMean);
        double epsHat;
        switch (mode) {
            case NONE:
                epsHat = c;
                break;
            case FULL: {
                double u = eps(x, t[i], uncondMean);
                epsHat = u + gamma * (c - u);
                break;
            }
            case INITIALIZE:
                if (i == 0) {
                    st = eps(x, t[0], uncondMean);
                }
                epsHat = delta * st + gamma * (c - delta * st);
                break;
            default:
                epsHat = delta * st + gamma * (c - delta * st);
        }
        if (gamma <= 1) { // StreamDiffusion guides only with a scale above 1
            epsHat = c;
        }
        double x0 = cOut[i] * (x - b[i] * epsHat) / a[i] + cSkip[i] * x;
        double next = 0;
        if (mode == GuidanceMode.SELF || mode == GuidanceMode.INITIALIZE) {
            double scaled = b[i] * st;
            double dx = cOut[i] * (scaled - b[i] * epsHat) / a[i] + cSkip[i] * scaled;
            double ratio = i + 1 < n ? a[i + 1] / b[i + 1] : 1.0;
            next = noise[(i + 1) % n][k] + ratio * dx;
        }
        return new double[] {x0, next};
    }
}
