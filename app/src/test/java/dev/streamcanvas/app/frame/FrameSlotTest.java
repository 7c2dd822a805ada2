package dev.streamcanvas.app.frame;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameSlotTest {
    private static int[] solid(int v, int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void newestFrameWinsAndReplacedOnesCountAsDropped() {
        FrameSlot slot = new FrameSlot();
        slot.publish(solid(1, 4), 2, 2, 10, 1);
        slot.publish(solid(2, 4), 2, 2, 20, 2);
        slot.publish(solid(3, 4), 2, 2, 30, 3);

        Frame f = slot.takeLatest();

        assertThat(f.argb()[0]).isEqualTo(3);
        assertThat(f.captureNanos()).isEqualTo(30);
        assertThat(slot.dropped()).isEqualTo(2);
        assertThat(slot.takeLatest()).isNull();
    }

    @Test
    void takenFrameStaysIntactWhileTheProducerGoesOn() {
        FrameSlot slot = new FrameSlot();
        slot.publish(solid(1, 4), 2, 2, 0, 0);
        Frame held = slot.takeLatest();
        for (int i = 2; i < 10; i++) {
            slot.publish(solid(i, 4), 2, 2, 0, 0);
        }
        assertThat(held.argb()).containsOnly(1);
        assertThat(slot.takeLatest().argb()).containsOnly(9);
    }

    @Test
    void buffersAreReusedOnceSized() {
        FrameSlot slot = new FrameSlot();
        java.util.Set<int[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < 50; i++) {
            slot.publish(solid(i, 64), 8, 8, 0, 0);
            arrays.add(slot.takeLatest().argb());
        }
        assertThat(arrays).hasSizeLessThanOrEqualTo(3);
    }
}
