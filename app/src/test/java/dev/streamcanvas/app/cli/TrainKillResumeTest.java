package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Fault injection: {@code streamcanvas train} is killed with SIGKILL at random moments (10 trials, a separate JVM
 * each); every time, {@code --resume} continues from the last complete checkpoint (never a torn one) and ends with
 * exactly the weights of a run that was never interrupted.
 */
class TrainKillResumeTest {
    private static final int TRIALS = 10;

    @TempDir
    Path dir;

    private List<String> args(Path data, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--size", "16", "--vae-channels", "8", "--unet-channels", "16", "--text-dim", "16", "--vae-steps", "6",
                "--steps", "12", "--batch", "4", "--eval-every", "4", "--quality-every", "0", "--held-out", "2",
                "--checkpoint-every", "1", "--seed", "5"));
        a.addAll(Arrays.asList(more));
        return a;
    }

    private int runHere(List<String> args) {
        StringWriter sink = new StringWriter();
        CommandLine cl = new CommandLine(new StreamCanvasCommand());
        cl.setOut(new PrintWriter(sink));
        cl.setErr(new PrintWriter(sink));
        int code = cl.execute(args.toArray(String[]::new));
        assertThat(code).as(sink.toString()).isZero();
        return code;
    }

    /** The weights and optimiser state of a checkpoint: everything after its metadata (which holds timings). */
    private static byte[] weights(Path checkpoint) throws IOException {
        byte[] all = Files.readAllBytes(checkpoint);
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all))) {
            in.readUTF();
            int meta = in.readInt();
            in.skipNBytes(meta);
            return in.readAllBytes();
        }
    }

    /**
     * On the 2026-12-04 build machine this failed whenever a step met the native convolution fault that
     * {@code Nn.conv} now works around (a non-finite gradient now and then, so one run skipped a step the other
     * did not); see {@code ConvBackwardTest}.
     */
    @Test
    void killedAtRandomMomentsTheRunResumesToTheUninterruptedWeights() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 10; i++) {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < 256; p++) {
                img.setRGB(p % 16, p / 16, (p % 16) < 2 + i ? 0xff3010 : 0x10a0ff);
            }
            ImageIO.write(img, "png", data.resolve("i" + i + ".png").toFile());
        }
        Path reference = dir.resolve("reference");
        runHere(args(data, reference));
        byte[] expected = weights(reference.resolve("checkpoint.bin"));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rnd = new SplittableRandom(13);
        for (int trial = 0; trial < TRIALS; trial++) {
            Path out = dir.resolve("run" + trial);
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true",
                    "-Dai.djl.pytorch.num_threads=1", "-Djava.awt.headless=true", "-cp",
                    System.getProperty("java.class.path"), "dev.streamcanvas.app.Main"));
            cmd.addAll(args(data, out));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("trial" + trial + ".log").toFile()).start();
            try {
                // kill somewhere between the first checkpoint and the end of the run
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!Files.exists(out.resolve("checkpoint.bin")) && p.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(rnd.nextInt(0, 1500));
            } finally {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
                p.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(out.resolve("checkpoint.bin")).as("trial %d wrote a checkpoint before the kill", trial)
                    .isRegularFile();
            try (var left = Files.list(out)) {
                assertThat(left.map(f -> f.getFileName().toString()))
                        .as("trial %d: only complete files (a torn temporary may stay, never a torn checkpoint)", trial)
                        .allMatch(n -> !n.endsWith(".bin") || n.equals("checkpoint.bin"));
            }
            runHere(args(data, out, "--resume"));
            assertThat(weights(out.resolve("checkpoint.bin"))).as("trial %d resumes to the same weights", trial)
                    .isEqualTo(expected);
        }
    }
}
