package dev.streamcanvas.engine.schedule;

/**
 * The element-wise step math of DESIGN §4 on flat float arrays (NCHW tensors flattened). Every method works on
 * the range {@code [off, off + len)} of its arrays, so one slot of a batch can be processed in place.
 */
public final class StepMath {
    private StepMath() {
    }

    /** Add noise: {@code out = a * x0 + b * eps}. {@code out} may alias {@code x0} or {@code eps}. */
    public static void addNoise(float[] x0, int x0Off, float[] eps, int epsOff, float a, float b,
            float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = a * x0[x0Off + i] + b * eps[epsOff + i];
        }
    }

    /** Scale only: {@code out = a * x0} (re-noising with {@code do_add_noise} off). */
    public static void scale(float[] x0, int x0Off, float a, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = a * x0[x0Off + i];
        }
    }

    /**
     * The x0 step: {@code F = (x_t - b * epsHat) / a; out = c_out * F + c_skip * x_t}.
     * With {@link StepCoefficients#direct()} this is F itself. {@code out} may alias {@code xt} or {@code epsHat}.
     */
    public static void x0(float[] xt, int xtOff, float[] epsHat, int epsOff, StepCoefficients c,
            float[] out, int outOff, int len) {
        float invA = 1f / c.a();
        for (int i = 0; i < len; i++) {
            float x = xt[xtOff + i];
            float f = (x - c.b() * epsHat[epsOff + i]) * invA;
            out[outOff + i] = c.cOut() * f + c.cSkip() * x;
        }
    }

    /**
     * Classifier-free guidance: {@code out = u + gamma * (c - u)}. {@code out} may alias either input.
     */
    public static void guide(float[] uncond, int uOff, float[] cond, int cOff, float gamma,
            float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            float u = uncond[uOff + i];
            out[outOff + i] = u + gamma * (cond[cOff + i] - u);
        }
    }
}
