package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.output.PngWriter;
import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.model.DiffusionModel;
import dev.streamcanvas.engine.model.ModelLoadException;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.StreamSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code streamcanvas render}: runs the live StreamEngine headless over still images (one image repeated K times
 * behaves like a static webcam) or text-to-image, and writes PNGs with A1111-style "parameters" text.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Run the stream engine headless over images (or text-to-image) and write PNG frames.",
            "Each PNG carries its generation parameters in a 'parameters' text chunk (A1111 style)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:frames written", "1:a frame failed", "2:bad input (model, image, noise file, option)",
            "130:cancelled (Ctrl-C)"})
public final class RenderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StreamOptions common = new StreamOptions();

    @Mixin
    TemporalOptions temporal = new TemporalOptions();

    static final class Source {
        @Option(names = "--input", paramLabel = "IMG|DIR", description = "An image, or a folder of images (name order).")
        Path input;

        @Option(names = "--txt2img", description = "No input image: start every frame from noise.")
        boolean txt2img;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--prompt", defaultValue = "", description = "Prompt.")
    String prompt;

    @Option(names = "--negative-prompt", defaultValue = "", description = "Negative prompt (initialize/full guidance).")
    String negativePrompt;

    static final class Denoise {
        @Option(names = "--strength", paramLabel = "0..1",
                description = "How much to change the input (maps to the first t_index ~ 50*(1-strength)).")
        Double strength;

        @Option(names = "--t-index", split = ",", paramLabel = "I",
                description = "Explicit ascending t_index list over 50 LCM steps, e.g. 32,45.")
        List<Integer> tIndex;
    }

    @ArgGroup(exclusive = true)
    Denoise denoise;

    @Option(names = "--steps", defaultValue = "2", description = "Stream slots (denoising steps) with --strength, 1..8. "
            + "Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--guidance", defaultValue = "SELF", description = "none, self, initialize or full. "
            + "Default: ${DEFAULT-VALUE}.")
    GuidanceMode guidance;

    @Option(names = "--gamma", defaultValue = "1.2", description = "Guidance scale. Default: ${DEFAULT-VALUE}.")
    float gamma;

    @Option(names = "--delta", defaultValue = "1.0", description = "Stock-noise scale of self/initialize guidance. "
            + "Default: ${DEFAULT-VALUE}.")
    float delta;

    static final class NoiseSource {
        @Option(names = "--seed", description = "Seed of the noise bank (default 2).")
        Long seed;

        @Option(names = "--noise", paramLabel = "FILE.npy",
                description = "Noise bank [slots, 4, h, w] float .npy (e.g. from another implementation).")
        Path noise;
    }

    @ArgGroup(exclusive = true)
    NoiseSource noiseSource;

    @Option(names = "--frames", paramLabel = "K", description = "Frames to render (default: one per input image).")
    Integer frames;

    @Option(names = "--sequential", description = "One UNet call per slot instead of the stream batch.")
    boolean sequential;

    @Mixin
    SharedOptions.OutputFolder outFolder;

    @Option(names = "--save-latents", description = "Also write each frame's output latents as .npy.")
    boolean saveLatents;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outW = spec.commandLine().getOut();
        if (Files.exists(outFolder.out) && !Files.isDirectory(outFolder.out)) {
            err.println("render: --out " + outFolder.out + " is an existing file, not a folder (give a folder for the frames)");
            return 2;
        }
        // every input's header is checked before anything runs; the pixels are decoded one frame at a time
        List<Path> inputs = new ArrayList<>();
        try {
            if (source.input != null) {
                for (Path p : ImageInputs.list(source.input)) {
                    ImageInputs.probe(p);
                    inputs.add(p);
                }
            }
        } catch (IOException e) {
            err.println("render: " + e.getMessage());
            return 2;
        }
        int count = frames != null ? frames : Math.max(1, inputs.size());
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--frames must be >= 1, got " + count);
        }
        DiffusionModel model;
        try {
            model = DiffusionModel.load(common.model, common.device, common.tinyVae, temporal.enabled);
        } catch (ModelLoadException e) {
            err.println("render: " + e.getMessage());
            return 2;
        }
        if (temporal.enabled && model.featureBank() == null) {
            err.println("render: --temporal: the UNet of " + model.name() + " cannot take a feature bank (see the log);"
                    + " rendering without it");
        }
        StreamSettings settings;
        try {
            settings = settings(model);
        } catch (IllegalArgumentException e) { // a setting out of the engine's range, named by the engine
            model.close();
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String params = parameters(settings, model);
        try (Cancellation cancel = new Cancellation(); SyncStream stream = new SyncStream(settings, saveLatents)) {
            try {
                stream.setModel(model);
            } catch (Exception e) {
                err.println("render: " + e.getMessage());
                return 2;
            }
            Files.createDirectories(outFolder.out);
            ConsoleProgress progress = new ConsoleProgress(err, "render", count);
            ImageInputs.Image current = null; // the decoded input of the last frame (one image repeats without re-reading)
            for (int k = 0; k < count; k++) {
                if (cancel.cancelled()) {
                    progress.finish();
                    err.println("render: cancelled after " + k + " frames");
                    return 130;
                }
                ImageInputs.Image img = null;
                if (!inputs.isEmpty()) {
                    Path p = inputs.get(k % inputs.size());
                    img = current != null && current.file().equals(p) ? current : ImageInputs.read(p);
                    current = img;
                }
                SyncStream.Output o;
                try {
                    o = img == null ? stream.run(null, 0, 0) : stream.run(img.argb(), img.width(), img.height());
                } catch (Exception e) {
                    progress.finish();
                    err.println("render: frame " + k + " failed: " + e.getMessage());
                    return 1;
                }
                String name = String.format(Locale.ROOT, "frame_%05d", k);
                ParametersPng.write(outFolder.out.resolve(name + ".png"), o.argb(), o.width(), o.height(), params);
                if (saveLatents && o.latents() != null) {
                    Npy.writeFloats(outFolder.out.resolve(name + ".npy"), o.latents(), o.latentShape());
                }
                progress.update(k + 1, String.format(Locale.ROOT, "%.1f ms", o.timings().totalMs()));
            }
            progress.finish();
            outW.println("wrote " + count + " frame(s) to " + outFolder.out.toAbsolutePath());
            outW.flush();
            return 0;
        } catch (IOException e) {
            err.println("render: " + e.getMessage());
            return 2;
        }
    }

    private StreamSettings settings(DiffusionModel model) {
        int[] size = common.sizeOr(model.fixedSize());
        StreamSettings.Builder b = StreamSettings.builder().prompt(prompt).negativePrompt(negativePrompt)
                .guidance(guidance).gamma(gamma).delta(delta).size(size[0], size[1]).slots(steps)
                .denoisingBatch(!sequential).directStep(model.singleStep())
                .temporal(temporal.settings(temporal.enabled && model.featureBank() != null));
        if (denoise != null && denoise.tIndex != null) {
            b.tIndices(denoise.tIndex);
        } else if (denoise != null && denoise.strength != null) {
            b.strength(denoise.strength);
        } else {
            b.strength(source.txt2img ? 1.0 : 0.36);
        }
        if (noiseSource != null && noiseSource.seed != null) {
            b.seed(noiseSource.seed);
        }
        if (noiseSource != null && noiseSource.noise != null) {
            b.noiseFile(noiseSource.noise);
        }
        return b.build();
    }

    /** A1111-style parameters text. */
    static String parameters(StreamSettings s, DiffusionModel model) {
        StringBuilder sb = new StringBuilder(PngWriter.oneLine(s.prompt()));
        if (!s.negativePrompt().isEmpty()) {
            sb.append("\nNegative prompt: ").append(PngWriter.oneLine(s.negativePrompt()));
        }
        sb.append(String.format(Locale.ROOT,
                "\nSteps: %d, Sampler: LCM (StreamDiffusion %s), CFG scale: %s, Seed: %s, Size: %dx%d, Model: %s, "
                        + "Denoising strength: %s, T-index: %s, Guidance: %s, Delta: %s",
                s.slotCount(), s.denoisingBatch() ? "stream batch" : "sequential", s.gamma(),
                s.noiseFile() != null ? "noise file " + s.noiseFile().getFileName() : Long.toString(s.seed()),
                s.width(), s.height(), model.name(),
                s.tIndices().isEmpty() ? Double.toString(s.strength()) : "-",
                s.resolvedTIndices().toString().replace(" ", ""), s.guidance().name().toLowerCase(Locale.ROOT),
                s.delta()));
        if (s.temporal().enabled()) {
            sb.append(String.format(Locale.ROOT, ", Temporal: bank every %d, fusion %s at %s, merge ratio %s",
                    s.temporal().interval(), s.temporal().fusionStrength(), s.temporal().fusionThreshold(),
                    s.temporal().mergeRatio()));
        }
        return sb.toString();
    }
}
