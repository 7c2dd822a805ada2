package dev.streamcanvas.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfTest {
    @Test
    void knownBitPatternsMatchIeeeBinary16() {
        // reference patterns from the IEEE 754 binary16 tables
        assertThat(Half.fromFloat(1.0f)).isEqualTo((short) 0x3c00);
        assertThat(Half.fromFloat(-2.0f)).isEqualTo((short) 0xc000);
        assertThat(Half.fromFloat(65504f)).isEqualTo((short) 0x7bff);
        assertThat(Half.fromFloat(0.1f)).isEqualTo((short) 0x2e66);
        assertThat(Half.fromFloat(1f / 3f)).isEqualTo((short) 0x3555);
        assertThat(Half.fromFloat(0x1p-24f)).isEqualTo((short) 0x0001);
        assertThat(Half.fromFloat(0x1p-14f)).isEqualTo((short) 0x0400);
    }

    @Test
    void tiesRoundToEvenAndOverflowBecomesInfinity() {
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to the even mantissa (1.0)
        assertThat(Half.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
        // 1 + 3*2^-11 lies halfway between 1+2^-10 (odd) and 1+2^-9 (even)
        assertThat(Half.fromFloat(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);
        assertThat(Half.fromFloat(65520f)).isEqualTo((short) 0x7c00);
        assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN)))).isTrue();
    }

    @Test
    void everyHalfValueSurvivesARoundTrip() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Half.toFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertThat(Half.fromFloat(f) & 0xffff).as("bits %04x", bits).isEqualTo(bits);
            }
        }
    }
}
