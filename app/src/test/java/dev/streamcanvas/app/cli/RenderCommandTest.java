package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RenderCommandTest {
    @TempDir
    Path tmp;
    Path model;
    Path input;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void fixture() throws Exception {
        model = tmp.resolve("model");
        FixtureGenerator.write(model, FixtureSpec.defaults().withSize(32, 32).withText(8, 10));
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 0x40);
            }
        }
        input = tmp.resolve("in.png");
        ImageIO.write(img, "png", input.toFile());
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new RenderCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void writesFramesWithParametersAndLatents() throws Exception {
        Path outDir = tmp.resolve("out");
        int code = run("--model", model.toString(), "--input", input.toString(), "--prompt", "a red fox",
                "--negative-prompt", "blurry", "--guidance", "full", "--t-index", "20,45", "--seed", "7", "--frames",
                "3", "--out", outDir.toString(), "--save-latents");
        assertThat(code).as(err.toString()).isZero();
        for (int k = 0; k < 3; k++) {
            Path png = outDir.resolve(String.format("frame_%05d.png", k));
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img.getWidth()).isEqualTo(32);
            String params = ParametersPng.read(png);
            assertThat(params).startsWith("a red fox\nNegative prompt: blurry\nSteps: 2")
                    .contains("Seed: 7").contains("Size: 32x32").contains("T-index: [20,45]").contains("Guidance: full");
            Npy.Array lat = Npy.read(outDir.resolve(String.format("frame_%05d.npy", k)));
            assertThat(lat.shape()).containsExactly(1, 4, 4, 4);
        }
        assertThat(out.toString()).contains("wrote 3 frame(s)");
    }

    @Test
    void sameSeedRendersIdenticalFrames() throws Exception {
        for (String dir : new String[] {"a", "b"}) {
            assertThat(run("--model", model.toString(), "--input", input.toString(), "--prompt", "x", "--frames", "2",
                    "--out", tmp.resolve(dir).toString(), "--save-latents")).isZero();
        }
        assertThat(Npy.read(tmp.resolve("a/frame_00001.npy")).values())
                .containsExactly(Npy.read(tmp.resolve("b/frame_00001.npy")).values());
    }

    @Test
    void textToImageNeedsNoInput() {
        assertThat(run("--model", model.toString(), "--txt2img", "--prompt", "a cat", "--out",
                tmp.resolve("t").toString())).as(err.toString()).isZero();
        assertThat(Files.exists(tmp.resolve("t/frame_00000.png"))).isTrue();
    }

    @Test
    void aNonImageInputIsNamed() throws Exception {
        Path bad = tmp.resolve("notes.png");
        Files.writeString(bad, "definitely not a picture");
        assertThat(run("--model", model.toString(), "--input", bad.toString(), "--out", tmp.resolve("o").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("notes.png").contains("not a readable image");
    }

    @Test
    void aNoiseFileOfTheWrongShapeIsNamedWithTheExpectedShape() throws Exception {
        Path noise = tmp.resolve("noise.npy");
        Npy.writeFloats(noise, new float[3 * 4 * 4 * 4], 3, 4, 4, 4);
        assertThat(run("--model", model.toString(), "--input", input.toString(), "--t-index", "32,45", "--noise",
                noise.toString(), "--out", tmp.resolve("o").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("noise.npy").contains("[2, 4, 4, 4]");
    }

    @Test
    void aNoiseFileOfTheRightShapeIsUsed() throws Exception {
        Path noise = tmp.resolve("noise.npy");
        Npy.writeFloats(noise, new float[2 * 4 * 4 * 4], 2, 4, 4, 4);
        assertThat(run("--model", model.toString(), "--input", input.toString(), "--t-index", "32,45", "--noise",
                noise.toString(), "--out", tmp.resolve("o").toString())).as(err.toString()).isZero();
        assertThat(ParametersPng.read(tmp.resolve("o/frame_00000.png"))).contains("Seed: noise file noise.npy");
    }

    @Test
    void aBrokenModelFolderIsNamed() throws Exception {
        Files.delete(model.resolve("unet/model.onnx"));
        assertThat(run("--model", model.toString(), "--input", input.toString(), "--out", tmp.resolve("o").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unet/model.onnx").contains("missing");
    }

    @Test
    void unicodePromptsGoIntoAnInternationalTextChunk() throws Exception {
        assertThat(run("--model", model.toString(), "--input", input.toString(), "--prompt", "猫 café", "--out",
                tmp.resolve("u").toString())).isZero();
        assertThat(ParametersPng.read(tmp.resolve("u/frame_00000.png"))).startsWith("猫 café\n");
    }
}
