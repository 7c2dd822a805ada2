package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.io.Png;
import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.DiffusionModel;
import dev.streamcanvas.engine.model.ModelLoadException;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.model.GraphRunner;
import dev.streamcanvas.engine.model.Unet;
import dev.streamcanvas.engine.model.VaeEncoder;
import dev.streamcanvas.engine.stream.Conditioning;
import dev.streamcanvas.engine.stream.Denoiser;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.ImageTensors;
import dev.streamcanvas.engine.stream.StreamSettings;
import dev.streamcanvas.engine.v2v.BankSettings;
import dev.streamcanvas.engine.v2v.OpticalFlow;
import dev.streamcanvas.engine.v2v.TemporalMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamcanvas consistency}: renders one clip twice, without and with the StreamV2V feature bank (same seed
 * and settings), and prints the warp error (optical flow on the input frames, forward-backward masked) and the
 * consecutive-frame cosine similarity on the model's VAE-encoder features; optionally writes a side-by-side strip.
 */
@Command(name = "consistency", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
        description = {"Measure temporal consistency with and without the StreamV2V feature bank on one clip.",
            "Clips: a folder of frames (--input), or a synthetic one made from --image (or a built-in texture):",
            "'pan' (known constant motion), 'handheld' (pan, zoom, small rotation and jitter), or 'drawing'",
            "(the app's canvas while a face is sketched on it with its brush)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured", "1:a frame failed", "2:bad input (model, clip, option)"})
public final class ConsistencyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StreamOptions common = new StreamOptions();

    @Mixin
    TemporalOptions temporal = new TemporalOptions();

    @Option(names = "--input", paramLabel = "DIR", description = "A folder of frames (name order) to use as the clip.")
    Path input;

    @Option(names = "--clip", defaultValue = "pan", description = "Synthetic clip when no --input: pan, handheld or drawing. "
            + "Default: ${DEFAULT-VALUE}.")
    String clip;

    @Option(names = "--image", paramLabel = "IMG", description = "Source image of the synthetic clip (default: a texture).")
    Path image;

    @Mixin
    SharedOptions.Frames framesOption;

    @Option(names = "--prompt", defaultValue = "an oil painting", description = "Prompt. Default: ${DEFAULT-VALUE}.")
    String prompt;

    @Option(names = "--strength", defaultValue = "0.5", description = "Strength. Default: ${DEFAULT-VALUE}.")
    double strength;

    @Option(names = "--steps", defaultValue = "2", description = "Stream slots. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Mixin
    SharedOptions.Seed seedOption;

    @Option(names = "--strip", paramLabel = "FILE.png",
            description = "Write a strip: input, without bank, with bank (rows) for 6 consecutive frames.")
    Path strip;

    @Option(names = "--check-empty-bank", description = "First compare the edited UNet with empty banks against the "
            + "original UNet on one random batch at the clip's latent size and print the largest difference (loads "
            + "the original UNet a second time).")
    boolean checkEmptyBank;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (framesOption.frames < 3) {
            err.println("consistency: --frames must be >= 3, got " + framesOption.frames);
            return 2;
        }
        DiffusionModel model;
        try {
            model = DiffusionModel.load(common.model, common.device, common.tinyVae, true);
        } catch (ModelLoadException e) {
            err.println("consistency: " + e.getMessage());
            return 2;
        }
        if (model.featureBank() == null) {
            model.close();
            err.println("consistency: the UNet of " + common.model + " cannot take a feature bank (see the log)");
            return 2;
        }
        int[] size = common.sizeOr(model.fixedSize());
        int w = size[0];
        int h = size[1];
        if (checkEmptyBank) {
            try {
                int f = model.codec().factor();
                double d = emptyBankDifference(model, common.model.resolve("unet/model.onnx"), common.device,
                        h / f, w / f, seedOption.seed);
                out.printf(Locale.ROOT, "empty bank vs original UNet: max |difference| %.3g at %dx%d latents "
                        + "(%s 1e-5)%n", d, h / f, w / f, d <= 1e-5 ? "within" : "NOT within");
            } catch (ModelLoadException | RuntimeException e) {
                model.close();
                err.println("consistency: --check-empty-bank: " + e.getMessage());
                return 1;
            }
        }
        List<int[]> clipFrames;
        StreamSettings off;
        try {
            clipFrames = clipFrames(w, h);
            off = StreamSettings.builder().prompt(prompt).strength(strength).slots(steps).seed(seedOption.seed).size(w, h)
                    .guidance(GuidanceMode.SELF).directStep(model.singleStep()).temporal(temporal.settings(false))
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            model.close();
            err.println("consistency: " + e.getMessage());
            return 2;
        }
        StreamSettings on = off.toBuilder().temporal(temporal.settings(true)).build();
        String modelName = model.name();
        List<int[]> without;
        List<int[]> with;
        try (SyncStream stream = new SyncStream(off, false)) {
            stream.setModel(model);
            without = render(stream, off, clipFrames, w, h);
            with = render(stream, on, clipFrames, w, h);
        } catch (Exception e) {
            err.println("consistency: " + e.getMessage());
            return 1;
        }
        // output k of the stream batch was made from input k - (n - 1): align before measuring
        int lag = steps - 1;
        List<int[]> in = clipFrames.subList(0, clipFrames.size() - lag);
        List<int[]> a = without.subList(lag, without.size());
        List<int[]> b = with.subList(lag, with.size());
        TemporalMetrics.ClipError ea = TemporalMetrics.warpError(in, a, w, h, OpticalFlow.DEFAULT);
        TemporalMetrics.ClipError eb = TemporalMetrics.warpError(in, b, w, h, OpticalFlow.DEFAULT);
        TemporalMetrics.ClipError ein = TemporalMetrics.warpError(in, in, w, h, OpticalFlow.DEFAULT);
        double ca;
        double cb;
        double cin;
        try {
            ca = TemporalMetrics.consecutiveCosine(features(a, w, h));
            cb = TemporalMetrics.consecutiveCosine(features(b, w, h));
            cin = TemporalMetrics.consecutiveCosine(features(in, w, h));
        } catch (ModelLoadException e) {
            err.println("consistency: " + e.getMessage());
            return 2;
        }
        String source = input != null ? input.toString() : clip + (image != null ? " of " + image : " of a texture");
        out.printf(Locale.ROOT, "consistency: model %s, clip %s, %d frames at %dx%d, %d steps, strength %s, seed %d%n",
                modelName, source, clipFrames.size(), w, h, steps, strength, seedOption.seed);
        out.printf(Locale.ROOT, "bank: interval %d, fusion %s at %s, merge ratio %s%n", temporal.interval,
                temporal.strength, temporal.threshold, temporal.mergeRatio);
        out.printf(Locale.ROOT, "%-16s %12s %10s %14s%n", "", "warp error", "kept", "feature cos");
        out.printf(Locale.ROOT, "%-16s %12.4f %9.0f%% %14.4f%n", "input clip", ein.error(), 100 * ein.kept(), cin);
        out.printf(Locale.ROOT, "%-16s %12.4f %9.0f%% %14.4f%n", "without bank", ea.error(), 100 * ea.kept(), ca);
        out.printf(Locale.ROOT, "%-16s %12.4f %9.0f%% %14.4f%n", "with bank", eb.error(), 100 * eb.kept(), cb);
        out.printf(Locale.ROOT, "warp error with / without bank: %.3f%n", eb.error() / ea.error());
        out.flush();
        if (strip != null) {
            try {
                writeStrip(strip, List.of(in, a, b), w, h);
                out.println("strip written to " + strip.toAbsolutePath());
            } catch (IOException e) {
                err.println("consistency: " + e.getMessage());
                return 2;
            }
        }
        return 0;
    }

    /**
     * The largest |edited UNet with empty banks - original UNet| over one batch of random latents and embeddings
     * (seeded), both run through {@link Unet} on this model's device.
     */
    static double emptyBankDifference(DiffusionModel model, Path originalUnet, Device device, int lh, int lw,
            long seed) throws ModelLoadException {
        int c = model.codec().channels();
        int l = model.prompts().sequenceLength();
        int d = model.prompts().width();
        SplittableRandom r = new SplittableRandom(seed);
        float[] latents = new float[c * lh * lw];
        float[] emb = new float[l * d];
        for (int i = 0; i < latents.length; i++) {
            latents[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) r.nextGaussian();
        }
        Conditioning cond = new Conditioning(new int[] {500}, emb, l, d);
        float[] edited = new float[latents.length];
        float[] plain = new float[latents.length];
        Denoiser banked = model.denoiser();
        banked.temporal(BankSettings.OFF, seed, true);
        banked.condition(cond);
        banked.predict(latents, 1, lh, lw, edited);
        try (Unet original = new Unet(OnnxGraph.load(originalUnet, device), new GraphRunner())) {
            original.condition(cond);
            original.predict(latents, 1, lh, lw, plain);
        }
        double max = 0;
        for (int i = 0; i < plain.length; i++) {
            max = Math.max(max, Math.abs((double) edited[i] - plain[i]));
        }
        return max;
    }

    private static List<int[]> render(SyncStream stream, StreamSettings s, List<int[]> clip, int w, int h)
            throws Exception {
        stream.apply(s);
        stream.engine().resetStream();
        List<int[]> out = new ArrayList<>();
        for (int[] f : clip) {
            SyncStream.Output o = stream.run(f, w, h);
            if (o.width() != w || o.height() != h) {
                throw new IllegalStateException("output is " + o.width() + "x" + o.height() + ", expected " + w + "x" + h);
            }
            out.add(o.argb());
        }
        return out;
    }

    /** The model's VAE-encoder latents of each frame (a second session, so the engine's stays its own). */
    private List<float[]> features(List<int[]> frames, int w, int h) throws ModelLoadException {
        try (VaeEncoder enc = new VaeEncoder(OnnxGraph.load(common.model.resolve("vae_encoder/model.onnx"), Device.CPU),
                new GraphRunner())) {
            int factor = enc.factor() > 0 ? enc.factor() : 8;
            float[] img = new float[3 * w * h];
            List<float[]> feats = new ArrayList<>();
            for (int[] f : frames) {
                ImageTensors.toTensor(f, w, h, w, h, img, 0);
                float[] lat = new float[enc.latentChannels() * (h / factor) * (w / factor)];
                enc.encode(img, 1, h, w, factor, lat);
                feats.add(lat);
            }
            return feats;
        }
    }

    private List<int[]> clipFrames(int w, int h) throws IOException {
        List<int[]> out = new ArrayList<>();
        if (input != null) {
            for (Path p : ImageInputs.list(input)) {
                ImageInputs.Image img = ImageInputs.read(p);
                int[] px = new int[w * h];
                float[] t = new float[3 * w * h];
                ImageTensors.toTensor(img.argb(), img.width(), img.height(), w, h, t, 0);
                ImageTensors.toArgb(t, 0, w, h, px);
                out.add(px);
                if (out.size() == framesOption.frames) {
                    break;
                }
            }
            if (out.size() < 3) {
                throw new IOException(input + ": the clip needs at least 3 frames, found " + out.size());
            }
            return out;
        }
        if (clip.equalsIgnoreCase("drawing")) {
            return DrawingClip.frames(w, h, framesOption.frames);
        }
        ImageInputs.Image src = image != null ? ImageInputs.read(image) : null;
        for (int k = 0; k < framesOption.frames; k++) {
            out.add(switch (clip.toLowerCase(Locale.ROOT)) {
                case "pan" -> SyntheticClip.pan(src, w, h, k);
                case "handheld" -> SyntheticClip.handheld(src, w, h, k);
                default -> throw new IllegalArgumentException("--clip must be pan, handheld or drawing, got '" + clip + "'");
            });
        }
        return out;
    }

    private static void writeStrip(Path file, List<List<int[]>> rows, int w, int h) throws IOException {
        int cols = Math.min(6, rows.get(0).size());
        int sw = cols * w;
        int sh = rows.size() * h;
        byte[] rgb = new byte[3 * sw * sh];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols; c++) {
                int[] px = rows.get(r).get(c);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int p = px[y * w + x];
                        int o = 3 * ((r * h + y) * sw + c * w + x);
                        rgb[o] = (byte) (p >> 16);
                        rgb[o + 1] = (byte) (p >> 8);
                        rgb[o + 2] = (byte) p;
                    }
                }
            }
        }
        Png.writeRgb(file, sw, sh, rgb);
    }
}
