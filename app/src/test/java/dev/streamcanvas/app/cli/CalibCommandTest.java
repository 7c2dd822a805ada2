package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamcanvas.engine.io.Png;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CalibCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new CalibCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void synthThenSolveWritesOverlaysResultAndReportsTheErrors() throws Exception {
        Path data = dir.resolve("seq");
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "synth", "--out", data.toString(), "--seed", "4", "--frames", "3",
                "--speeds", "0,8,16", "--offset-ms", "40", "--scale", "0.25", "--beams", "32", "--azimuth-step", "0.7",
                "--init-error", "2,10");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("wrote 3 frames (311x94)");
        for (String f : new String[] {"calib.txt", "truth.txt", "velodyne/000002.bin", "labels/000002.label",
            "mask_2/000002.png", "flow_2/000002.npy", "image_2/000002.png"}) {
            assertThat(data.resolve(f)).exists();
        }
        StringWriter solveOut = new StringWriter();
        code = run(solveOut, new StringWriter(), "solve", "--data", data.toString());
        assertThat(code).isZero();
        String text = solveOut.toString();
        assertThat(text).contains("estimate: axis-angle").contains("time offset t_lidar - t_camera")
                .contains("error vs truth").contains("was 2.000").contains("stopped frames: 000000");
        Path result = data.resolve("calib_result");
        JsonNode json = new ObjectMapper().readTree(result.resolve("result.json").toFile());
        assertThat(json.at("/errors/before/rotationDeg").asDouble()).isBetween(1.999, 2.001);
        assertThat(json.at("/errors/after/rotationDeg").asDouble()).isLessThan(json.at("/errors/before/rotationDeg").asDouble());
        assertThat(json.get("lossAfter").asDouble()).isLessThan(json.get("lossBefore").asDouble());
        assertThat(json.get("overlayFrame").asText()).isEqualTo("000001");
        Png.Image after = Png.read(result.resolve("overlay_after.png"));
        assertThat(after.width()).isEqualTo(311);
        assertThat(after.channels()).isEqualTo(3);
        assertThat(result.resolve("overlay_before.png")).exists();
        assertThat(Files.readString(result.resolve("calib_estimated.txt"))).contains("Tr_velo_to_cam:");
    }

    @Test
    void missingDataFolderAndMissingCalibAreNamed() throws Exception {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "solve", "--data", dir.resolve("nope").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("nope").contains("not a directory");

        Path data = dir.resolve("seq");
        run(new StringWriter(), new StringWriter(), "synth", "--out", data.toString(), "--frames", "1", "--scale", "0.2",
                "--beams", "8", "--azimuth-step", "2");
        Files.delete(data.resolve("calib.txt"));
        err = new StringWriter();
        code = run(new StringWriter(), err, "solve", "--data", data.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("calib.txt").contains("not found");
    }

    @Test
    void badNoiseSpecIsExplained() {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "synth", "--out", dir.toString(), "--noise", "blur=3");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--noise").contains("mask, edge, bleed, flip, range, flow");
    }
}
