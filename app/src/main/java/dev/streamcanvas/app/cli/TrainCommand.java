package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.train.ImageDecoder;
import dev.streamcanvas.engine.train.ImageFolder;
import dev.streamcanvas.engine.train.MicroSdConfig;
import dev.streamcanvas.engine.train.OnnxExport;
import dev.streamcanvas.engine.train.PngDecoder;
import dev.streamcanvas.engine.train.TrainConfig;
import dev.streamcanvas.engine.train.TrainListener;
import dev.streamcanvas.engine.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamcanvas train}: trains the micro diffusion model on an image folder (vanilla or immiscible). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the micro Stable Diffusion (VAE, then UNet + text encoder) on a folder of PNG/JPEG images.",
            "Captions come from name.txt sidecars, captions.json, or the file names. Ctrl-C stops after writing a checkpoint;",
            "--resume continues. Compare vanilla and immiscible with the same --seed and --vae-from (shared VAE)."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Image folder.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder (checkpoint, tokenizer, metrics.csv).")
    Path out;

    @Option(names = "--assign", defaultValue = "none", description = "Noise assignment: none, exact, fp16 or knn:k (default ${DEFAULT-VALUE}).")
    String assign;

    @Option(names = "--steps", defaultValue = "3000", description = "UNet + text encoder steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--vae-steps", defaultValue = "2000", description = "VAE steps (default ${DEFAULT-VALUE}).")
    int vaeSteps;

    @Option(names = "--vae-from", paramLabel = "DIR", description = "Reuse the trained VAE of another run folder (skips the VAE stage).")
    Path vaeFrom;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "UNet/text learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--size", defaultValue = "64", description = "Image size, multiple of 16 (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--unet-channels", defaultValue = "32", description = "UNet base width (default ${DEFAULT-VALUE}).")
    int unetChannels;

    @Option(names = "--vae-channels", defaultValue = "16", description = "VAE base width (default ${DEFAULT-VALUE}).")
    int vaeChannels;

    @Option(names = "--text-dim", defaultValue = "64", description = "Text embedding width (default ${DEFAULT-VALUE}).")
    int textDim;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Checkpoint interval in steps (default ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--eval-every", defaultValue = "50", description = "Held-out loss interval (default ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--quality-every", defaultValue = "500", description = "Sample-quality interval (default ${DEFAULT-VALUE}).")
    int qualityEvery;

    @Option(names = "--held-out", defaultValue = "64", description = "Held-out images for the metrics (default ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(names = "--seed", defaultValue = "1234", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;

    @Option(names = "--export", paramLabel = "DIR", description = "After training, export an ONNX model folder (DESIGN section 3) here.")
    Path export;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        TrainConfig.Assignment mode;
        int k = 1;
        String a = assign.toLowerCase(Locale.ROOT);
        if (a.startsWith("knn:")) {
            mode = TrainConfig.Assignment.KNN;
            try {
                k = Integer.parseInt(a.substring(4));
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--assign knn:k needs an integer k, got '" + assign + "'");
            }
        } else {
            mode = switch (a) {
                case "none", "vanilla" -> TrainConfig.Assignment.NONE;
                case "exact" -> TrainConfig.Assignment.EXACT;
                case "fp16" -> TrainConfig.Assignment.FP16;
                default -> throw new ParameterException(spec.commandLine(),
                        "--assign must be none, exact, fp16 or knn:k, got '" + assign + "'");
            };
        }
        MicroSdConfig model;
        TrainConfig cfg;
        try {
            model = new MicroSdConfig(size, vaeChannels, unetChannels, textDim, 2, 4, 77, 8);
            cfg = new TrainConfig(out, model, mode, k, vaeSteps, steps, batch, lr, 1e-3f, checkpointEvery, evalEvery,
                    qualityEvery, heldOut, 600, 20, seed, vaeFrom, resume);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ImageFolder folder = ImageFolder.load(data, size, List.of(new PngDecoder(), new JpegDecoder()));
        o.printf(Locale.ROOT, "%s: %d images (%d skipped as unreadable); assignment %s; run folder %s%n", data,
                folder.size(), folder.skipped(), assign, out);
        o.flush();
        ConsoleProgress progress = new ConsoleProgress(o);
        CountDownLatch finished = new CountDownLatch(1);
        try (Trainer trainer = new Trainer(cfg, folder, progress)) {
            Thread hook = new Thread(() -> {
                trainer.cancel();
                try {
                    finished.await(120, TimeUnit.SECONDS); // let the checkpoint be written
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "train-cancel");
            Runtime.getRuntime().addShutdownHook(hook);
            Trainer.Outcome outcome;
            try {
                outcome = trainer.run();
            } finally {
                finished.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already shutting down
            }
            progress.end();
            if (outcome == Trainer.Outcome.CANCELLED) {
                o.println("cancelled; checkpoint in " + out + " (continue with --resume)");
                o.flush();
                return 130;
            }
            if (export != null) {
                OnnxExport.export(trainer, export);
                o.println("exported model folder " + export);
            }
            List<double[]> h = trainer.history();
            double[] last = h.get(h.size() - 1);
            o.printf(Locale.ROOT, "done: held-out loss %.4f, Frechet distance %.3f; metrics in %s%n", last[1], last[2],
                    out.resolve("metrics.csv"));
            o.flush();
        }
        return 0;
    }

    /** A one-line console progress bar: stage, step/total, steps/s, ETA, loss. */
    static final class ConsoleProgress implements TrainListener {
        private final PrintWriter out;
        private Stage stage;
        private double heldOut = Double.NaN;
        private boolean open;

        ConsoleProgress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void onStage(Stage s, int total) {
            end();
            stage = s;
            if (s == Stage.LATENTS) {
                out.println("encoding the training set to latents ...");
                out.flush();
            }
        }

        @Override
        public void onStep(Stage s, int step, int total, double loss, double assignMs, double sps) {
            int width = 30;
            int filled = (int) Math.round(width * (double) step / Math.max(1, total));
            long eta = sps > 0 ? Math.round((total - step) / sps) : 0;
            String line = String.format(Locale.ROOT, "\r%-4s [%s%s] %d/%d %.2f steps/s ETA %02d:%02d:%02d loss %.4f%s%s",
                    s, "#".repeat(filled), ".".repeat(width - filled), step, total, sps, eta / 3600, eta / 60 % 60,
                    eta % 60, loss, assignMs > 0 ? String.format(Locale.ROOT, " assign %.1f ms", assignMs) : "",
                    Double.isNaN(heldOut) ? "" : String.format(Locale.ROOT, " held-out %.4f", heldOut));
            out.print(line);
            out.flush();
            open = true;
        }

        @Override
        public void onHeldOutLoss(int step, double loss) {
            heldOut = loss;
        }

        @Override
        public void onQuality(int step, double fd, float[][] samples, int[][] argb, int size) {
            end();
            out.printf(Locale.ROOT, "step %d: held-out loss %.4f, Frechet distance %.3f%n", step, heldOut, fd);
            out.flush();
        }

        void end() {
            if (open) {
                out.println();
                out.flush();
                open = false;
            }
        }
    }

    /** JPEG (and anything else javax.imageio reads) for the engine's dataset loader. */
    static final class JpegDecoder implements ImageDecoder {
        @Override
        public boolean accepts(String fileName) {
            String n = fileName.toLowerCase(Locale.ROOT);
            return n.endsWith(".jpg") || n.endsWith(".jpeg");
        }

        @Override
        public Image decode(byte[] file, String name) throws IOException {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new ByteArrayInputStream(file));
            if (img == null) {
                throw new IOException(name + ": not a readable JPEG");
            }
            int w = img.getWidth();
            int h = img.getHeight();
            return new Image(w, h, img.getRGB(0, 0, w, h, null, 0, w));
        }
    }
}
