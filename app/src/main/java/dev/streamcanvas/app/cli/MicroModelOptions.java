package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.train.MicroSdConfig;
import picocli.CommandLine.Option;

/**
 * The micro model's sizes, shared by {@code train} (which builds the model) and {@code distill} (which must name the
 * teacher's sizes to read its checkpoint). Text encoder depth, heads, tokens and groups are fixed.
 */
final class MicroModelOptions {
    @Option(names = "--size", defaultValue = "64", description = "Image size, a multiple of 4 x the VAE factor (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--unet-channels", defaultValue = "32", description = "UNet base width (default ${DEFAULT-VALUE}).")
    int unetChannels;

    @Option(names = "--vae-channels", defaultValue = "16", description = "VAE base width (default ${DEFAULT-VALUE}).")
    int vaeChannels;

    @Option(names = "--vae-factor", defaultValue = "4", description = "VAE downsampling, 4 or 8 (default ${DEFAULT-VALUE}).")
    int vaeFactor;

    @Option(names = "--text-dim", defaultValue = "64", description = "Text embedding width (default ${DEFAULT-VALUE}).")
    int textDim;

    /** The configuration these options give; throws IllegalArgumentException naming a bad size. */
    MicroSdConfig config() {
        return new MicroSdConfig(size, vaeChannels, unetChannels, textDim, 2, 4, 77, 8, vaeFactor);
    }
}
