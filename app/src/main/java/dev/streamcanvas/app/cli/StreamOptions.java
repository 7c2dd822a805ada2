package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.model.Device;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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

    @Option(names = "--size", paramLabel = "WxH", converter = SizeConverter.class,
            description = "Model input size, multiples of 8 (default: the model's fixed size, else 512x512).")
    int[] size;

    /** Parses {@code WxH}. */
    static final class SizeConverter implements ITypeConverter<int[]> {
        @Override
        public int[] convert(String value) {
            String[] p = value.toLowerCase(java.util.Locale.ROOT).split("x");
            try {
                if (p.length == 2) {
                    int w = Integer.parseInt(p[0].trim());
                    int h = Integer.parseInt(p[1].trim());
                    if (w > 0 && h > 0) {
                        return new int[] {w, h};
                    }
                }
            } catch (NumberFormatException e) {
                // fall through to the message
            }
            throw new TypeConversionException("'" + value + "' is not a size; expected WxH, e.g. 512x512");
        }
    }
}
