package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.v2v.BankSettings;
import picocli.CommandLine.Option;

/** StreamV2V feature-bank options shared by {@code render}, {@code bench} and {@code consistency}. */
final class TemporalOptions {
    @Option(names = "--temporal", description = "StreamV2V feature bank (temporal consistency): the UNet's "
            + "self-attention also attends to banked features of earlier frames (README 'Temporal consistency').")
    boolean enabled;

    @Option(names = "--bank-interval", defaultValue = "" + BankSettings.DEFAULT_INTERVAL, paramLabel = "N",
            description = "Update the bank after every N-th UNet call. Default: ${DEFAULT-VALUE}.")
    int interval;

    @Option(names = "--fusion-strength", defaultValue = "" + BankSettings.DEFAULT_STRENGTH, paramLabel = "S",
            description = "Feature fusion strength 0..1 (0 = no fusion). Default: ${DEFAULT-VALUE}.")
    float strength;

    @Option(names = "--fusion-threshold", defaultValue = "" + BankSettings.DEFAULT_THRESHOLD, paramLabel = "TAU",
            description = "Cosine similarity a token needs to take its bank match, 0..1. Default: ${DEFAULT-VALUE}.")
    float threshold;

    @Option(names = "--merge-ratio", defaultValue = "" + BankSettings.DEFAULT_MERGE_RATIO, paramLabel = "R",
            description = "Share of the merged bank drawn from the new frame, 0..1. Default: ${DEFAULT-VALUE}.")
    float mergeRatio;

    /** The settings these options ask for (on or off as given). */
    BankSettings settings(boolean on) {
        return new BankSettings(on, interval, strength, threshold, mergeRatio);
    }
}
