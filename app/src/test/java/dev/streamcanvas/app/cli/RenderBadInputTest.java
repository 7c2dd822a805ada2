package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.io.Png;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code render} given bad inputs as an outside tester found them: each is refused or reported, nothing lies. */
class RenderBadInputTest {
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
        input = tmp.resolve("in.png");
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", input.toFile());
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new RenderCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void aDecoderThatMakesNaNFailsTheFrameNamingTheGraphAndWritesNoBlackPng() throws Exception {
        // the outside test's edit: the decoder's last output becomes (x - x) / 0
        Path dec = model.resolve("vae_decoder/model.onnx");
        ModelProto m = OnnxModelFile.read(dec);
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals("sample")) {
                    g.setNode(i, n.toBuilder().setOutput(k, "sample_raw"));
                }
            }
        }
        g.addNode(NodeProto.newBuilder().setOpType("Sub").addInput("sample_raw").addInput("sample_raw").addOutput("zero"));
        g.addNode(NodeProto.newBuilder().setOpType("Div").addInput("zero").addInput("zero").addOutput("sample"));
        OnnxModelFile.write(m.toBuilder().setGraph(g).build(), dec);

        Path outDir = tmp.resolve("out");
        int code = run("--model", model.toString(), "--input", input.toString(), "--out", outDir.toString());
        assertThat(code).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("vae_decoder").contains("non-finite").contains("NaN");
        assertThat(outDir.resolve("frame_00000.png")).doesNotExist();
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderWithTheSizeAndTheLimit() throws Exception {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, Png.encode(9000, 8000, 1, new byte[9000 * 8000])); // 72 megapixels of zeros, ~70 kB
        int code = run("--model", model.toString(), "--input", bomb.toString(), "--out", tmp.resolve("o").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("bomb.png").contains("9000x8000").contains("limit of 67108864");
    }

    @Test
    void aFolderIsDecodedOneFrameAtATime() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("frames"));
        Files.copy(input, dir.resolve("a.png"));
        // b.png: a sound header, pixel data cut off; only a frame that uses it decodes it
        byte[] whole = Files.readAllBytes(input);
        Files.write(dir.resolve("b.png"), Arrays.copyOf(whole, 40));
        Path outDir = tmp.resolve("out");
        int code = run("--model", model.toString(), "--input", dir.toString(), "--frames", "1", "--out",
                outDir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(outDir.resolve("frame_00000.png")).isRegularFile();
        code = run("--model", model.toString(), "--input", dir.toString(), "--frames", "2", "--out",
                tmp.resolve("out2").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("b.png");
    }

    @Test
    void aFileThatIsNotAnImageInAFolderFailsBeforeAnythingIsWritten() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("frames"));
        Files.copy(input, dir.resolve("a.png"));
        Files.write(dir.resolve("z.png"), new byte[] {1, 2, 3, 4});
        Path outDir = tmp.resolve("out");
        int code = run("--model", model.toString(), "--input", dir.toString(), "--out", outDir.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("z.png");
        assertThat(outDir).doesNotExist();
    }

    @Test
    void aPromptCannotInjectParameterLinesOrANul() throws Exception {
        Path outDir = tmp.resolve("out");
        int code = run("--model", model.toString(), "--input", input.toString(), "--prompt",
                "a cat\nNegative prompt: fake\nSteps: 99\u0000", "--out", outDir.toString());
        assertThat(code).as(err.toString()).isZero();
        String params = ParametersPng.read(outDir.resolve("frame_00000.png"));
        assertThat(params.split("\n")).hasSize(2); // the prompt line and the settings line, no negative prompt given
        assertThat(params).startsWith("a cat Negative prompt: fake Steps: 99 \nSteps: 2").doesNotContain("\u0000");
    }

    @Test
    void anOutputPathThatIsAFileIsExplained() throws Exception {
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        int code = run("--model", model.toString(), "--input", input.toString(), "--out", file.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("taken").contains("is an existing file, not a folder");
    }
}
