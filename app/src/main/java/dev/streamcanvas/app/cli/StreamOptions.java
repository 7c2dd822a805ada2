package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.model.Device;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by {@code render} and {@code bench}: the model folder, device and size. */
final class StreamOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Model folder (diffusers/optimum ONNX layout, see README 'Using your own model').")
    Path model;

    @Option(names = "--device", defaultValue = "CPU", paramLabel = "DEVICE",
            description = "cpu, cuda or tensorrt (GPU needs the -Pcuda build; falls back to CPU with a message). "
                    + "Default: ${DEFAULT-VALUE}.")
    Device device;

    @Option(names = "--tiny-vae", description = "Use the tiny VAE declared by the folder's tiny_vae.json.")
    boolean tinyVae;

    @Option(names = "--size", paramLabel = "WxH", converter = Size.Converter.class,
            description = "Model input size, multiples of 8 (default: the model's fixed size, else 512x512).")
    Size size;

    /** The size to run at: {@code --size}, else the model's fixed size, else 512 x 512; {@code {w, h}}. */
    int[] sizeOr(int[] fixed) {
        return size != null ? size.toArray() : fixed != null ? fixed : new int[] {512, 512};
    }
}
