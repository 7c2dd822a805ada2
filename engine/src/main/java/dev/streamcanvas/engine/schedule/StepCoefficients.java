package dev.streamcanvas.engine.schedule;

/**
 * The scalars of one timestep (DESIGN §4): {@code a = sqrt(abar_t)}, {@code b = sqrt(1 - abar_t)} and the LCM
 * boundary-condition scalings {@code c_skip = 0.25 / (100 t^2 + 0.25)}, {@code c_out = 10 t / sqrt(100 t^2 + 0.25)}.
 *
 * @param timestep the training timestep t
 * @param a        sqrt(abar_t), signal scale
 * @param b        sqrt(1 - abar_t), noise scale
 * @param cSkip    weight of x_t in the LCM x0 estimate
 * @param cOut     weight of F (the plain x0 prediction) in the LCM x0 estimate
 */
public record StepCoefficients(int timestep, float a, float b, float cSkip, float cOut) {

    /** Coefficients for timestep {@code t} with cumulative alpha {@code alphaBar}. */
    public static StepCoefficients of(int t, double alphaBar) {
        double scaled = 10.0 * t; // timestep_scaling = 10, sigma_data = 0.5
        double denom = scaled * scaled + 0.25;
        return new StepCoefficients(t, (float) Math.sqrt(alphaBar), (float) Math.sqrt(1.0 - alphaBar),
                (float) (0.25 / denom), (float) (scaled / Math.sqrt(denom)));
    }

    /** Coefficients that make {@link StepMath#x0} return F itself (single-step turbo models). */
    public StepCoefficients direct() {
        return new StepCoefficients(timestep, a, b, 0f, 1f);
    }
}
