package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The StreamV2V options of render and the consistency command, on fixture folders with and without attention. */
class TemporalCommandsTest {
    @TempDir
    Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    private Path attention;

    @BeforeEach
    void models() {
        System.setProperty("streamcanvas.cache", tmp.resolve("cache").toString());
        attention = tmp.resolve("attention");
        int code = run(new FixtureCommand(), "--out", attention.toString(), "--size", "32x32", "--vae-factor", "4",
                "--attention", "sdpa", "--width", "16", "--text-dim", "8", "--seq-len", "6");
        assertThat(code).as(err.toString()).isZero();
    }

    @AfterEach
    void clearCache() {
        System.clearProperty("streamcanvas.cache");
    }

    private int run(Callable<Integer> command, String... args) {
        CommandLine cl = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void consistencyChecksThatTheEditedUnetWithEmptyBanksPredictsWhatTheOriginalPredicts() {
        int code = run(new ConsistencyCommand(), "--model", attention.toString(), "--frames", "3", "--steps", "1",
                "--check-empty-bank");
        assertThat(code).as(err.toString()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("empty bank vs original UNet: max \\|difference\\| (\\S+) at 8x8 latents \\(within 1e-5\\)")
                .matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void consistencyPrintsBothRowsAndWritesTheStrip() throws Exception {
        Path strip = tmp.resolve("strip.png");
        int code = run(new ConsistencyCommand(), "--model", attention.toString(), "--frames", "7", "--steps", "2",
                "--strip", strip.toString());
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("without bank").contains("with bank").contains("warp error with / without bank: ");
        BufferedImage img = ImageIO.read(strip.toFile());
        assertThat(img.getWidth()).isEqualTo(6 * 32);
        assertThat(img.getHeight()).isEqualTo(3 * 32);
    }

    @Test
    void renderWithTheBankRecordsItInTheParameters() throws Exception {
        Path in = tmp.resolve("in.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", in.toFile());
        Path outDir = tmp.resolve("frames");
        int code = run(new RenderCommand(), "--model", attention.toString(), "--input", in.toString(), "--frames", "3",
                "--temporal", "--bank-interval", "2", "--out", outDir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(ParametersPng.read(outDir.resolve("frame_00002.png")))
                .contains("Temporal: bank every 2, fusion 0.8 at 0.98, merge ratio 0.5");
    }

    @Test
    void renderOnAUnetWithoutSelfAttentionSaysTheBankIsUnavailableAndRendersAnyway() throws Exception {
        Path plain = tmp.resolve("plain");
        FixtureGenerator.write(plain, FixtureSpec.defaults().withSize(32, 32).withText(8, 10));
        int code = run(new RenderCommand(), "--model", plain.toString(), "--txt2img", "--frames", "1", "--temporal",
                "--out", tmp.resolve("o").toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("cannot take a feature bank");
    }

    @Test
    void anOutOfRangeBankSettingIsRefusedNamingIt() {
        int code = run(new RenderCommand(), "--model", attention.toString(), "--txt2img", "--frames", "1", "--temporal",
                "--fusion-strength", "2", "--out", tmp.resolve("o").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("fusion strength must be in [0, 1], got 2.0");
    }
}
