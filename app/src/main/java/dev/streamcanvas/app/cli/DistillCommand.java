package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.train.ImageIoDecoder;
import dev.streamcanvas.engine.train.ImageFolder;
import dev.streamcanvas.engine.train.LcmDistiller;
import dev.streamcanvas.engine.train.MicroSdConfig;
import dev.streamcanvas.engine.train.OnnxExport;
import dev.streamcanvas.engine.train.PngDecoder;
import dev.streamcanvas.engine.train.TrainConfig;
import dev.streamcanvas.engine.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamcanvas distill}: latent consistency distillation of a trained run, for 1-4 step streaming. */
@Command(name = "distill", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true,
        description = {"Distil a finished `train` run into a 1-4 step model (latent consistency distillation).",
            "The teacher's classifier-free guidance is baked in. The model flags must be those of the teacher run. Ctrl-C stops after",
            "writing a checkpoint; --resume continues. Writes sample grids at 1, 2 and 4 steps, and --export a model folder."})
public final class DistillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--teacher", required = true, paramLabel = "RUN", description = "Run folder of the trained teacher (`train --out`).")
    Path teacher;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The image folder the teacher was trained on.")
    Path data;

    @Mixin
    SharedOptions.OutputFolder outFolder;

    @Option(names = "--steps", defaultValue = "1000", description = "Distillation steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Student learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--guidance", defaultValue = "3", description = "Teacher guidance scale baked in; 1 = none (default ${DEFAULT-VALUE}).")
    float guidance;

    @Option(names = "--ema", defaultValue = "0.95", description = "Target network moving-average decay (default ${DEFAULT-VALUE}).")
    float ema;

    @Option(names = "--short-prompts", defaultValue = "0.5", description = "Share of rows where the student sees a shorter "
            + "form of the caption (its first comma-separated parts, e.g. the emoji's name) while the teacher sees the whole "
            + "caption (default ${DEFAULT-VALUE}).")
    float shortPrompts;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Checkpoint interval in steps (default ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Mixin
    MicroModelOptions sizes = new MicroModelOptions();

    @Option(names = "--held-out", defaultValue = "64", description = "Teacher's held-out count (default ${DEFAULT-VALUE}).")
    int heldOut;

    @Mixin
    SharedOptions.Seed seedOption;

    @Option(names = "--threads", defaultValue = "1", description = "PyTorch CPU threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;

    @Option(names = "--export", paramLabel = "DIR", description = "After distilling, export an ONNX model folder (DESIGN section 3) here.")
    Path export;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, threads)));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        TrainConfig teacherCfg;
        LcmDistiller.Config cfg;
        try {
            MicroSdConfig model = sizes.config();
            // resume and an unreachable step target: the teacher run is only read, never trained or written
            teacherCfg = TrainConfig.builder().setOutDir(teacher).optModel(model).optVaeSteps(0)
                    .optSteps(Integer.MAX_VALUE).optBatch(batch).optEvalEvery(0).optQualityEvery(0).optHeldOut(heldOut)
                    .optSeed(seedOption.seed).optResume(true).build();
            cfg = new LcmDistiller.Config(outFolder.out, steps, batch, lr, guidance, ema, checkpointEvery, seedOption.seed, resume, shortPrompts);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ImageFolder folder = ImageFolder.load(data, sizes.size, List.of(new PngDecoder(), new ImageIoDecoder()));
        TrainCommand.TrainProgress progress = new TrainCommand.TrainProgress(o);
        try (Trainer t = new Trainer(teacherCfg, folder, null)) {
            o.println("loading the teacher " + teacher + " and encoding the training set ...");
            o.flush();
            t.prepareOnly();
            try (LcmDistiller d = new LcmDistiller(cfg, t, progress)) {
                boolean done;
                Cancellation ctrlC = new Cancellation(d::cancel, 120);
                try {
                    done = d.run();
                } finally {
                    ctrlC.close();
                }
                progress.end();
                if (!done) {
                    o.println("cancelled; checkpoint in " + outFolder.out + " (continue with --resume)");
                    o.flush();
                    return 130;
                }
                writeSamples(t, d);
                if (export != null) {
                    OnnxExport.export(t, d.student(), export);
                    o.println("exported model folder " + export);
                }
                List<double[]> h = d.history();
                o.printf(Locale.ROOT, "done: %d steps, last distillation loss %.5f; samples in %s%n", d.stepsDone(),
                        h.isEmpty() ? Double.NaN : h.get(h.size() - 1)[1], outFolder.out);
                o.flush();
            }
        }
        return 0;
    }

    /** 16 held-out captions at 1, 2 and 4 steps: samples-steps{1,2,4}.png in the run folder. */
    private void writeSamples(Trainer t, LcmDistiller d) throws java.io.IOException {
        int[] held = t.heldOutItems();
        int n = Math.min(16, held.length);
        if (n == 0) {
            return;
        }
        var tok = t.tokenizer().tokenizer(t.config().model().maxTokens());
        int l = t.config().model().maxTokens();
        long[] ids = new long[n * l];
        for (int i = 0; i < n; i++) {
            int[] e = tok.encode(t.dataset().caption(held[i])).ids();
            for (int k = 0; k < l; k++) {
                ids[i * l + k] = e[k];
            }
        }
        int s = t.config().model().imageSize();
        int[][] tIndex = {{0}, {0, 25}, {0, 13, 25, 38}};
        for (int[] ti : tIndex) {
            float[] img = d.sample(ids, n, ti, seedOption.seed ^ 0x5a4d504cL);
            int[][] argb = new int[n][];
            for (int i = 0; i < n; i++) {
                argb[i] = ImageFolder.toArgb(java.util.Arrays.copyOfRange(img, i * 3 * s * s, (i + 1) * 3 * s * s), s);
            }
            TrainCommand.TrainProgress.writeGrid(outFolder.out.resolve("samples-steps" + ti.length + ".png"), argb, s);
        }
    }
}
