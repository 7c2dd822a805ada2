package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.streamcanvas.engine.io.Npy;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The headless commands given the bad inputs an outside test tried: one line naming the file, field or value, the
 * documented exit code, never a stack trace.
 */
class CliBadInputTest {
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

    /** A .npy v1.0 file with the given header dictionary and data bytes. */
    private Path npy(String name, String dict, byte[] data) throws Exception {
        String header = dict + " ".repeat(63 - (10 + dict.length()) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return Files.write(tmp.resolve(name), b.array());
    }

    private static void assertOneLine(Run r, int code, String... contains) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        for (String c : contains) {
            assertThat(r.err()).contains(c);
        }
    }

    private Run assign(Path images, Path noise, String... more) {
        String[] base = {"assign", "--images", images.toString(), "--noise", noise.toString(), "--out",
            tmp.resolve("p.npy").toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return run(all);
    }

    @Test
    void assignNamesEveryNpyProblemWithoutATrace() throws Exception {
        Path x = tmp.resolve("x.npy");
        Npy.writeFloats(x, new float[] {1, 2, 3, 4}, 2, 2);
        Path e = tmp.resolve("e.npy");
        Npy.writeFloats(e, new float[] {0, 1, 1, 0}, 2, 2);
        assertOneLine(assign(tmp.resolve("missing.npy"), e), 2, "missing.npy", "not found");
        Path fortran = npy("f.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);
        assertOneLine(assign(fortran, e), 2, "f.npy", "Fortran");
        Path u8 = npy("u8.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", new byte[4]);
        assertOneLine(assign(u8, e), 2, "u8.npy", "unsupported dtype");
        Path bad = npy("bad.npy", "{'descr': '<f4', 'shape': (2, 2), }", new byte[16]);
        assertOneLine(assign(bad, e), 2, "bad.npy", "malformed header");
        Path huge = npy("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 3), }",
                new byte[16]);
        assertOneLine(assign(huge, e), 2, "huge.npy", "limit");
        Path word = npy("word.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (two, 2), }", new byte[16]);
        assertOneLine(assign(word, e), 2, "word.npy", "'two' is not an integer");

        Path nan = tmp.resolve("nan.npy");
        Npy.writeFloats(nan, new float[] {1, 2, 3, Float.NaN}, 2, 2);
        assertOneLine(assign(nan, e), 2, "nan.npy", "row 1, value 1 is NaN");
        Path inf = tmp.resolve("inf.npy");
        Npy.writeFloats(inf, new float[] {0, Float.POSITIVE_INFINITY, 1, 0}, 2, 2);
        assertOneLine(assign(x, inf), 2, "inf.npy", "row 0, value 1 is +Infinity");

        Path floatLabels = tmp.resolve("l.npy");
        Npy.writeFloats(floatLabels, new float[] {0.5f, 1}, 2);
        assertOneLine(assign(x, e, "--labels", floatLabels.toString()), 2, "l.npy", "labels must be integers");
    }

    @Test
    void aTensorWhoseDimsOverflowIsAnUnreadableFileNamed() throws Exception {
        ModelProto m = FixtureGenerator.vaeDecoder(FixtureSpec.defaults());
        TensorProto big = TensorProto.newBuilder().setName("big").setDataType(1).addDims(1L << 40).addDims(1L << 40)
                .setRawData(ByteString.copyFrom(new byte[12])).build();
        ModelProto withBig = m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(big)).build();
        Path file = tmp.resolve("big.onnx");
        try (OutputStream os = Files.newOutputStream(file)) {
            withBig.writeTo(os);
        }
        Run r = run("inspect", file.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err() + r.out()).contains("big.onnx").contains("tensor 'big'").contains("overflows")
                .doesNotContain("\tat ");
    }

    @Test
    void fixtureOutOnAnExistingFileIsExplained() throws Exception {
        Path f = Files.writeString(tmp.resolve("taken"), "x");
        assertOneLine(run("fixture", "--out", f.toString()), 2, "taken", "is an existing file, not a folder");
    }

    @Test
    void calibFramesMustNotBeNegative() {
        assertOneLine(run("calib", "solve", "--data", tmp.toString(), "--frames", "-3"), 2,
                "--frames must be 0 (all frames) or a positive count, got -3");
    }
}
