package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {
    @Test
    void printsEveryPhaseAndTheSameRunRatios(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("model");
        FixtureGenerator.write(model, FixtureSpec.defaults().withSize(16, 16).withText(8, 10));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("--model", model.toString(), "--steps", "2", "--frames", "12", "--warmup", "1");
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("stream batch, none").contains("sequential, none").contains("batch, full CFG")
                .contains("stream batch vs sequential (2 steps)").contains("RCFG self vs full CFG")
                .contains("RCFG initialize vs full CFG").contains("reused tensors vs fresh per call");
        // static input, threshold 0.98, at most 10 skips in a row: the warm-up frame is processed, then the 12
        // measured frames are 10 skips, 1 forced run, 1 skip = 11/12 = 92%; a moving input is never similar enough
        // (the filter and its coin restart with the settings switch before the phase)
        assertThat(text).contains("static 92% vs moving 0%");
    }

    @Test
    void rooflineAddsTheCountedFlopsOfTheThreeGraphsAndAMeasuredGemmRate(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("model");
        FixtureGenerator.write(model, FixtureSpec.defaults().withSize(16, 16).withText(8, 10));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("--model", model.toString(), "--steps", "2", "--frames", "2", "--warmup", "0", "--roofline");
        assertThat(code).as(err.toString()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "per frame: encode ([0-9.]+) MFLOP \\+ unet ([0-9.]+) MFLOP \\(2 slots\\) \\+ decode ([0-9.]+) MFLOP = ([0-9.]+) GFLOP")
                .matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        double sum = Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2)) + Double.parseDouble(m.group(3));
        assertThat(Double.parseDouble(m.group(4)) * 1000).isCloseTo(sum, org.assertj.core.api.Assertions.within(0.01 + sum * 0.01));
        assertThat(out.toString()).containsPattern("GEMM through ONNX Runtime \\(1024\\^3, best of 5, same run\\): [0-9.]+ GFLOP/s");
    }
}
