package dev.streamcanvas.engine.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps the user's strength knob to a t_index list over the 50 LCM steps (DESIGN §4): the first index is
 * {@code 50 - floor(50 * strength)} (where diffusers' img2img starts for that strength), capped so every slot fits
 * below 50; the remaining slots spread evenly toward index 45, strictly ascending.
 */
public final class TIndexMapping {
    /** Number of LCM steps the t_index values refer to. */
    public static final int LCM_STEPS = 50;
    /** Where the last slot of a multi-slot list aims. */
    public static final int LAST_INDEX = 45;

    private TIndexMapping() {
    }

    /**
     * @param strength 0 (keep the input) .. 1 (ignore it)
     * @param slots    stream slots n, 1..8
     */
    public static List<Integer> fromStrength(double strength, int slots) {
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in [0, 1], got " + strength);
        }
        if (slots < 1 || slots > StreamSettings.MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be in [1, " + StreamSettings.MAX_SLOTS + "], got " + slots);
        }
        // diffusers' img2img start (get_timesteps; LCMScheduler.set_timesteps with strength): 50 - int(50 * s)
        int first = LCM_STEPS - (int) (LCM_STEPS * strength);
        first = Math.min(first, LCM_STEPS - slots); // room for the remaining slots, all < 50
        List<Integer> list = new ArrayList<>(slots);
        list.add(first);
        if (slots == 1) {
            return List.copyOf(list);
        }
        int last = Math.max(LAST_INDEX, first + slots - 1);
        for (int i = 1; i < slots; i++) {
            int v = (int) Math.round(first + (double) (last - first) * i / (slots - 1));
            list.add(Math.max(v, list.get(i - 1) + 1));
        }
        return List.copyOf(list);
    }

    /** Checks an explicit list: 1..8 values, strictly ascending, each in [0, 49]. */
    public static List<Integer> validate(List<Integer> tIndices) {
        if (tIndices.isEmpty() || tIndices.size() > StreamSettings.MAX_SLOTS) {
            throw new IllegalArgumentException("t_index list must have 1.." + StreamSettings.MAX_SLOTS
                    + " entries, got " + tIndices);
        }
        for (int i = 0; i < tIndices.size(); i++) {
            int v = tIndices.get(i);
            if (v < 0 || v >= LCM_STEPS) {
                throw new IllegalArgumentException("t_index " + v + " outside [0, " + (LCM_STEPS - 1) + "] in " + tIndices);
            }
            if (i > 0 && v <= tIndices.get(i - 1)) {
                throw new IllegalArgumentException("t_index list must be strictly ascending, got " + tIndices);
            }
        }
        return List.copyOf(tIndices);
    }
}
