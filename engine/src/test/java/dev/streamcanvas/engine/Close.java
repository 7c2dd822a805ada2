package dev.streamcanvas.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleUnaryOperator;

/** The engine tests' one tolerance helper: element-wise comparison with a tolerance per expected value. */
public final class Close {
    private Close() {
    }

    /** Tolerance {@code tol} for every element. */
    public static DoubleUnaryOperator absolute(double tol) {
        return e -> tol;
    }

    /** Tolerance {@code tol * (1 + |expected|)}: absolute near zero, relative for large values. */
    public static DoubleUnaryOperator relative(double tol) {
        return e -> tol * (1 + Math.abs(e));
    }

    /** Float16 outputs: half an fp16 ulp of the value (at least 2^-25) plus {@code tol} of float32 error. */
    public static DoubleUnaryOperator fp16(double tol) {
        return e -> Math.max(Math.abs(e) * 0x1p-11, 0x1p-25) + tol;
    }

    public static void assertClose(double[] actual, double[] expected, DoubleUnaryOperator tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance.applyAsDouble(expected[i])));
        }
    }

    public static void assertClose(float[] actual, double[] expected, DoubleUnaryOperator tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i)
                    .isCloseTo(expected[i], within(tolerance.applyAsDouble(expected[i])));
        }
    }
}
