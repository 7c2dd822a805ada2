package dev.streamcanvas.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.streamcanvas.engine.calib.KittiIo;
import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.io.Png;
import dev.streamcanvas.engine.model.ModelFolder;
import dev.streamcanvas.engine.model.ModelLoadException;
import dev.streamcanvas.engine.model.TinyVae;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.OnnxFormatException;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.OnnxSummary;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import dev.streamcanvas.engine.text.ClipTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer fuzz tests for every parser of untrusted bytes in the engine. Each input must give a value or the
 * project's own exception whose message names the file; an unchecked exception from deep inside, an
 * OutOfMemoryError or a hang is a finding.
 *
 * <p>{@code mvn verify} runs each target over its corpus in
 * {@code src/test/resources/dev/streamcanvas/engine/fuzz/UntrustedInputFuzzTestInputs/<target>/} (seconds). To fuzz
 * one target for 1M executions: {@code JAZZER_FUZZ=1 nice -n 19 mvn -B -o -pl engine -am test
 * -Dtest='UntrustedInputFuzzTest#png' -Dsurefire.failIfNoSpecifiedTests=false} (or {@code .ci/fuzz}, all targets in
 * turn); a crash is written into that corpus folder and stays a regression input.
 */
class UntrustedInputFuzzTest {
    private static final long RUNS = 1_000_000;
    private static final Path DIR = tempDir();
    private static final ClipTokenizer TOKENIZER = fixtureTokenizer();

    private static Path tempDir() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "sc-fuzz")
                    : Files.createTempDirectory("sc-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder; the OS cleans it at the latest on reboot
        }
    }

    private static ClipTokenizer fixtureTokenizer() {
        try {
            Path m = DIR.resolve("fixture");
            FixtureGenerator.write(m, FixtureSpec.defaults());
            return ClipTokenizer.load(m.resolve("tokenizer"), -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} parts of {@code data} split at its first {@code n - 1} NUL bytes; missing parts are empty. */
    static byte[][] splitOnNul(byte[] data, int n) {
        byte[][] parts = new byte[n][];
        int from = 0;
        for (int k = 0; k < n; k++) {
            int to = from;
            if (k < n - 1) {
                while (to < data.length && data[to] != 0) {
                    to++;
                }
            } else {
                to = data.length;
            }
            parts[k] = java.util.Arrays.copyOfRange(data, Math.min(from, data.length), Math.max(Math.min(from, data.length), to));
            from = to + 1;
        }
        return parts;
    }

    private static Path put(String rel, byte[] bytes) {
        try {
            Path f = DIR.resolve(rel);
            Files.createDirectories(f.getParent());
            Files.write(f, bytes);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void namesFile(Exception e, Path file) {
        assertThat(e.getMessage()).as("the message names the file").contains(file.getFileName().toString());
    }

    /** The ONNX reader: protobuf parsing, tensor size checks, external data confined to the model's folder. */
    @FuzzTest(maxExecutions = RUNS, maxDuration = "2h")
    void onnx(byte[] data) {
        put("onnx/model.onnx_data", new byte[256]); // a data file an input may point into
        Path f = put("onnx/model.onnx", data);
        try {
            OnnxSummary.of(OnnxModelFile.read(Files.readAllBytes(f), f), f);
        } catch (OnnxFormatException e) {
            assertThat(e.getMessage()).contains("onnx"); // the model or the external data file it names
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The support files a model folder check reads: scheduler config, tokenizer files, the tiny-VAE card, as five
     * parts of one input separated by NUL bytes (the last part takes the rest). The corpus holds real folders' files
     * in this form, so mutations start from files that parse.
     */
    @FuzzTest(maxExecutions = RUNS, maxDuration = "2h")
    void modelFolderFiles(byte[] data) {
        Path root = DIR.resolve("folder");
        byte[][] parts = splitOnNul(data, 5);
        Path sched = put("folder/scheduler/scheduler_config.json", parts[0]);
        put("folder/tokenizer/vocab.json", parts[1]);
        put("folder/tokenizer/merges.txt", parts[2]);
        put("folder/tokenizer/tokenizer_config.json", parts[3]);
        Path card = put("folder/tiny_vae.json", parts[4]);
        try {
            NoiseSchedule.fromConfig(sched);
        } catch (IOException e) {
            namesFile(e, sched);
        }
        try {
            ClipTokenizer.load(root.resolve("tokenizer"), -1);
        } catch (IOException | IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("tokenizer");
        }
        try {
            TinyVae.readCard(root, card);
        } catch (ModelLoadException e) {
            assertThat(e.getMessage()).contains("folder");
        }
        ModelFolder.check(root); // never throws for a bad folder
    }

    /** The CLIP tokenizer on any Unicode prompt: always BOS ... EOS padded to the model length. */
    @FuzzTest(maxExecutions = RUNS, maxDuration = "2h")
    void clipTokenizer(String prompt) {
        ClipTokenizer.Encoding e = TOKENIZER.encode(prompt);
        assertThat(e.ids()).hasSize(TOKENIZER.maxLength());
        assertThat(e.length()).isBetween(2, TOKENIZER.maxLength());
    }

    @FuzzTest(maxExecutions = RUNS, maxDuration = "2h")
    void npy(byte[] data) {
        Path f = put("x.npy", data);
        try {
            Npy.Array a = Npy.read(f);
            assertThat((long) a.values().length).isEqualTo(a.size());
        } catch (IOException e) {
            namesFile(e, f);
        }
    }

    @FuzzTest(maxExecutions = RUNS, maxDuration = "2h")
    void png(byte[] data) {
        Path f = put("x.png", data);
        try {
            Png.Image img = Png.read(f);
            assertThat(img.samples()).hasSize(img.width() * img.height() * img.channels());
            Png.decodeArgb(data);
        } catch (IOException e) {
            namesFile(e, f);
        }
    }

    /** KITTI calib.txt, velodyne scans and SemanticKITTI labels. */
    @FuzzTest(maxExecutions = RUNS, maxDuration = "2h")
    void kitti(FuzzedDataProvider in) {
        int width = in.consumeInt(0, 2000);
        Path calib = put("kitti/calib.txt", in.consumeString(600).getBytes(StandardCharsets.UTF_8));
        Path velo = put("kitti/000000.bin", in.consumeBytes(256));
        Path labels = put("kitti/000000.label", in.consumeRemainingAsBytes());
        try {
            KittiIo.readCalib(calib, width, 375);
        } catch (IOException e) {
            namesFile(e, calib);
        }
        try {
            KittiIo.withLabels(KittiIo.readVelodyne(velo), KittiIo.readLabels(labels), labels);
        } catch (IOException e) {
            assertThat(e.getMessage()).containsAnyOf("000000.bin", "000000.label");
        }
    }
}
