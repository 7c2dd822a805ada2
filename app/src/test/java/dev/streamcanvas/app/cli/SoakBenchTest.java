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

/** {@code bench --soak} and {@code bench --switches} on tiny fixtures (the plumbing; the figures are in the README). */
class SoakBenchTest {
    @TempDir
    Path tmp;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        assertThat(code).as(err.toString()).isZero();
        return out.toString() + err;
    }

    @Test
    void soakSamplesMemoryEveryThousandFramesAndCountsLostFrames() throws Exception {
        Path model = tmp.resolve("model");
        FixtureGenerator.write(model, FixtureSpec.defaults().withSize(16, 16).withText(8, 10));
        String text = run("--model", model.toString(), "--steps", "1", "--soak", "2001");
        assertThat(text).contains("frames lost (failed or without output): 0 of 2001");
        // the filter may skip frames of the moving test pattern, but never more than 10 in a row (max_skip)
        java.util.regex.Matcher ran = java.util.regex.Pattern.compile("frames the models ran on: (\\d+) of 2001").matcher(text);
        assertThat(ran.find()).as(text).isTrue();
        assertThat(Integer.parseInt(ran.group(1))).isBetween(2001 / 11, 2001);
        assertThat(text.lines().filter(l -> l.matches(" +[12]000 .*"))).hasSize(2);
        assertThat(text).containsPattern("summary \\(frames 1000 / 2000 / 2000\\): heap [0-9.]+ / [0-9.]+ / [0-9.]+ MB");
    }

    @Test
    void switchesAlternateBetweenTwoModelFolders() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        FixtureGenerator.write(a, FixtureSpec.defaults().withSize(16, 16).withText(8, 10));
        FixtureGenerator.write(b, FixtureSpec.defaults().withSize(16, 16).withText(8, 10).withSeed(9));
        String text = run("--model", a.toString(), "--switches", "10", "--switch-to", b.toString());
        assertThat(text.lines().filter(l -> l.matches(" +([1-9]|10) .*"))).hasSize(10);
        assertThat(text).contains("summary (switches 1 / 6 / 10)");
    }
}
