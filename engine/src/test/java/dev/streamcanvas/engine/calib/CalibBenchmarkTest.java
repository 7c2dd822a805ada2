package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibBenchmarkTest {

    @Test
    void trueOffsetsAlternateInSignBetween30And90Ms() {
        assertThat(CalibBenchmark.offsetOf(1)).isEqualTo(30 + 37 % 61);
        assertThat(CalibBenchmark.offsetOf(2)).isEqualTo(-(30 + 74 % 61));
        assertThat(CalibBenchmark.offsetOf(3)).isEqualTo(30 + 111 % 61);
    }

    @Test
    void accuracyReturnsOneRecordPerSolveAndTellsTheListener() {
        List<String> told = new ArrayList<>();
        List<CalibBenchmark.Case> cases = CalibBenchmark.accuracy(1, 3, List.of(SynthOptions.Noise.NONE), 0.25, false, 10,
                new CalibBenchmark.Listener() {
                    @Override
                    public void solved(CalibBenchmark.Case c, CalibSequence seq) {
                        told.add(c.name() + " " + c.options().seed());
                        assertThat(seq.truth().timeOffsetMs()).isEqualTo(c.options().timeOffsetMs());
                    }
                }, () -> false);

        assertThat(told).containsExactly("seeds 1");
        assertThat(cases).extracting(CalibBenchmark.Case::name).containsExactly("seeds");
        assertThat(cases.get(0).options().timeOffsetMs()).isEqualTo(67);
        assertThat(cases).allSatisfy(c -> {
            assertThat(c.noise()).isEqualTo("none");
            assertThat(c.errors()).containsExactly(c.result().rotationErrorDeg(), c.result().translationErrorCm(),
                    c.result().deltaErrorMs());
        });
    }
}
