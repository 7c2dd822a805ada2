package dev.streamcanvas.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** Builds a file byte by byte the way numpy.save does (version 1.0 header padded to 64 bytes). */
    private static byte[] numpyStyle(String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void readsAFloat32MatrixWrittenByNumpy() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1, 2, 3, -4, 5.5f, 6}) {
            data.putFloat(v);
        }
        Path f = dir.resolve("a.npy");
        Files.write(f, numpyStyle("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data.array()));
        Npy.Array a = Npy.read(f);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.dtype()).isEqualTo(Npy.DType.FLOAT32);
        assertThat(a.values()).containsExactly(1, 2, 3, -4, 5.5, 6);
    }

    @Test
    void readsBigEndianInt64() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(7).putLong(-3);
        Path f = dir.resolve("b.npy");
        Files.write(f, numpyStyle("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", data.array()));
        assertThat(Npy.read(f).longValues()).containsExactly(7, -3);
    }

    @Test
    void writtenFilesHaveNumpysExactLayout() throws Exception {
        Path f = dir.resolve("p.npy");
        Npy.writeLongs(f, new long[] {2, 0, 1}, 3);
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(2).putLong(0).putLong(1);
        assertThat(Files.readAllBytes(f))
                .isEqualTo(numpyStyle("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", data.array()));
        Path g = dir.resolve("g.npy");
        Npy.writeFloats(g, new float[] {1, 2, 3, 4}, 2, 1, 2);
        Npy.Array back = Npy.read(g);
        assertThat(back.shape()).containsExactly(2, 1, 2);
        assertThat(back.toFloats()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void refusesWrongSizeNonNpyAndFortranOrderNamingTheFile() throws Exception {
        Path bad = dir.resolve("short.npy");
        Files.write(bad, numpyStyle("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new byte[8]));
        assertThatThrownBy(() -> Npy.read(bad)).isInstanceOf(Npy.NpyFormatException.class)
                .hasMessageContaining("short.npy").hasMessageContaining("needs 12 data bytes, found 8");
        Path txt = dir.resolve("x.npy");
        Files.writeString(txt, "hello world, not numpy");
        assertThatThrownBy(() -> Npy.read(txt)).hasMessageContaining("x.npy").hasMessageContaining("not a .npy");
        Path fo = dir.resolve("f.npy");
        Files.write(fo, numpyStyle("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", new byte[4]));
        assertThatThrownBy(() -> Npy.read(fo)).hasMessageContaining("Fortran");
    }

    @Test
    void refusesADtypeByteCountTooLongForAnIntNamingTheFile() throws Exception {
        // found by the npy fuzz target: the byte count was parsed as an int and overflowed
        Path f = dir.resolve("wide.npy");
        Files.write(f, numpyStyle("{'descr': '<i46666666666666666', 'fortran_order': False, 'shape': (1,), }", new byte[4]));
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(Npy.NpyFormatException.class)
                .hasMessageContaining("wide.npy").hasMessageContaining("unsupported dtype 'i46666666666666666'");
        Path g = dir.resolve("i04.npy");
        Files.write(g, numpyStyle("{'descr': '<i04', 'fortran_order': False, 'shape': (1,), }", new byte[4]));
        assertThatThrownBy(() -> Npy.read(g)).isInstanceOf(Npy.NpyFormatException.class)
                .hasMessageContaining("unsupported dtype 'i04'");
    }
}
