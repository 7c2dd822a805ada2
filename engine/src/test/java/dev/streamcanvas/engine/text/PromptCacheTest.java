package dev.streamcanvas.engine.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PromptCacheTest {
    @Test
    void encodesEachPromptOnceAndEvictsTheLeastRecentlyUsed() {
        AtomicInteger calls = new AtomicInteger();
        PromptCache cache = new PromptCache(2);
        java.util.function.Function<String, float[]> enc = p -> {
            calls.incrementAndGet();
            return new float[] {p.length()};
        };
        float[] a = cache.get("a", enc);
        assertThat(cache.get("a", enc)).isSameAs(a);
        cache.get("bb", enc);
        cache.get("a", enc); // a is now most recent
        cache.get("ccc", enc); // evicts bb
        assertThat(calls.get()).isEqualTo(3);
        cache.get("bb", enc);
        assertThat(calls.get()).isEqualTo(4);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.hits()).isEqualTo(2);
    }
}
