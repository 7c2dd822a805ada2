package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class FixtureAndInspectCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new StreamCanvasCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Output with runs of spaces collapsed, so table rows compare without caring about column widths. */
    private static String squeeze(String s) {
        return s.replaceAll(" +", " ");
    }

    /** Columns: fixture options; then the unet timestep line, the VAE encoder output line, and the contract summary part. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--size 64x64                                    | timestep               int64    [batch_size]"
                + " | latent_sample      float32  [batch_size, 4, 8, 8] | input_ids int32, timestep int64 [B]",
        "--size 48x32 --vae-factor 4 --ids int64 --timestep float --text-dim 24 --seq-len 9"
                + " | timestep               float32  [batch_size] | latent_sample      float32  [batch_size, 4, 8, 12]"
                + " | L=9, D=24, input_ids int64, timestep float32 [B]",
        "--timestep float-scalar --vae-output parameters --timestep-cond 256 --fp16 --weights random --width 8 --external-data"
                + " | timestep               float16  [] | latent_parameters  float16  [batch_size, 8, 8, 8]"
                + " | timestep float16 [], timestep_cond [B, 256], unet float16, VAE latent_parameters",
    })
    void fixtureWritesAFolderThatInspectDescribes(String options, String timestepRow, String latentRow, String contract) {
        Path dir = tmp.resolve("m");
        String[] opts = options.trim().split("\\s+");
        String[] args = new String[opts.length + 3];
        args[0] = "fixture";
        args[1] = "--out";
        args[2] = dir.toString();
        System.arraycopy(opts, 0, args, 3, opts.length);
        Run f = run(args);
        assertThat(f.code()).as(f.err()).isZero();
        assertThat(f.out()).startsWith("Wrote ");

        Run i = run("inspect", dir.toString());
        assertThat(i.code()).as(i.out()).isZero();
        assertThat(i.out()).contains("== text_encoder/model.onnx ==", "== unet/model.onnx ==",
                "== vae_encoder/model.onnx ==", "== vae_decoder/model.onnx ==", "opset ai.onnx 17 (IR 8)");
        assertThat(squeeze(i.out())).contains(" input " + squeeze(timestepRow.trim()) + "\n",
                " output " + squeeze(latentRow.trim()) + "\n");
        assertThat(i.out()).contains("Contract: OK (").contains(contract.trim());
        if (options.contains("--external-data")) {
            assertThat(i.out()).contains("external data: model.onnx_data");
        }
    }

    @Test
    void inspectOfOneFileShowsItsTableAndParameterCount() {
        Path dir = tmp.resolve("m");
        assertThat(run("fixture", "--out", dir.toString()).code()).isZero();
        Run i = run("inspect", dir.resolve("vae_decoder/model.onnx").toString());
        assertThat(i.code()).isZero();
        assertThat(squeeze(i.out())).contains("parameters 12 (48 B) in 1 initializers")
                .contains(" input latent_sample float32 [batch_size, 4, 8, 8]\n")
                .contains(" output sample float32 [batch_size, 3, 64, 64]\n")
                .doesNotContain("Contract");
    }

    @Test
    void inspectFailsWithTheReasonWhenTheFolderBreaksTheContract() throws Exception {
        Path dir = tmp.resolve("m");
        assertThat(run("fixture", "--out", dir.toString()).code()).isZero();
        Files.copy(dir.resolve("vae_decoder/model.onnx"), dir.resolve("unet/model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Run i = run("inspect", dir.toString());
        assertThat(i.code()).isEqualTo(1);
        assertThat(i.out()).contains("Contract: FAILED")
                .contains("  - " + dir.toAbsolutePath().resolve("unet/model.onnx") + ": expected inputs sample float");
    }

    @Test
    void inspectOfABrokenFileSaysWhyWithoutAStackTrace() throws Exception {
        Path bad = tmp.resolve("x.onnx");
        Files.writeString(bad, "hello");
        Run i = run("inspect", bad.toString());
        assertThat(i.code()).isEqualTo(2);
        assertThat(i.err().trim()).isEqualTo("Cannot inspect " + bad
                + ": the file is not an ONNX model (it does not parse as an ONNX ModelProto)");
    }

    @Test
    void inspectOfAGraphWithANonTensorOutputNamesTheFile() throws Exception {
        // found by the onnx fuzz target: a sequence-typed output gave "Cannot inspect value '...' is not a tensor"
        var seq = dev.streamcanvas.engine.onnx.proto.OnnxProtos.TypeProto.newBuilder()
                .setSequenceType(dev.streamcanvas.engine.onnx.proto.OnnxProtos.TypeProto.Sequence.getDefaultInstance());
        var model = dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(dev.streamcanvas.engine.onnx.proto.OnnxProtos.OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto.newBuilder().setName("g")
                        .addOutput(dev.streamcanvas.engine.onnx.proto.OnnxProtos.ValueInfoProto.newBuilder()
                                .setName("latent_sample").setType(seq)))
                .build();
        Path f = tmp.resolve("seq.onnx");
        Files.write(f, model.toByteArray());
        Run i = run("inspect", f.toString());
        assertThat(i.code()).isEqualTo(2);
        assertThat(i.err().trim()).isEqualTo("Cannot inspect " + f + ": value 'latent_sample' is not a tensor");
    }

    @Test
    void badFixtureOptionsAreNamed() {
        Run r = run("fixture", "--out", tmp.resolve("m").toString(), "--size", "60x64");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("size must be positive multiples of the VAE factor 8, got 60x64");
        assertThat(run("fixture", "--out", tmp.toString(), "--timestep", "int32").err())
                .contains("--timestep must be int64, float or float-scalar, got 'int32'");
    }
}
