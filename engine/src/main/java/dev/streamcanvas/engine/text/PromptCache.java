package dev.streamcanvas.engine.text;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A small least-recently-used cache of prompt embeddings keyed by the prompt string, so switching back and forth
 * between prompts (or re-applying settings) does not re-run the text encoder. Not thread-safe: the engine thread
 * owns it. Values are shared; callers must not modify them.
 */
public final class PromptCache {
    private final int capacity;
    private final Map<String, float[]> entries;
    private long hits;
    private long misses;

    public PromptCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The embedding of {@code prompt}, computed by {@code encoder} on a miss. */
    public float[] get(String prompt, Function<String, float[]> encoder) {
        String key = Objects.requireNonNull(prompt, "prompt");
        float[] v = entries.get(key);
        if (v != null) {
            hits++;
            return v;
        }
        misses++;
        v = encoder.apply(key);
        entries.put(key, v);
        if (entries.size() > capacity) {
            String eldest = entries.keySet().iterator().next();
            entries.remove(eldest);
        }
        return v;
    }

    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }
}
