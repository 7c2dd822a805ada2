package dev.streamcanvas.engine.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KittiIoTest {
    @TempDir
    Path dir;

    @Test
    void velodyneBinIsLittleEndianFloatQuadruples() throws IOException {
        Path f = dir.resolve("000000.bin");
        // written by hand, independently of the writer
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1.5f).putFloat(-2f).putFloat(0.25f).putFloat(0.7f);
        b.putFloat(10f).putFloat(0f).putFloat(-1.73f).putFloat(0.1f);
        Files.write(f, b.array());
        PointCloud c = KittiIo.readVelodyne(f);
        assertThat(c.size()).isEqualTo(2);
        assertThat(c.xyz()).containsExactly(1.5f, -2f, 0.25f, 10f, 0f, -1.73f);
        assertThat(c.intensity()).containsExactly(0.7f, 0.1f);
        Path g = dir.resolve("copy.bin");
        KittiIo.writeVelodyne(g, c);
        assertThat(Files.readAllBytes(g)).isEqualTo(b.array());
    }

    @Test
    void labelsKeepTheLowerSixteenBits() throws IOException {
        Path f = dir.resolve("000000.label");
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((5 << 16) | 10).putInt(252);  // car of instance 5, moving car
        Files.write(f, b.array());
        assertThat(KittiIo.readLabels(f)).containsExactly(10, 252);
    }

    @Test
    void rawKittiCalibWithRectificationIsFolded() throws IOException {
        Path f = dir.resolve("calib.txt");
        String text = "calib_time: 09-Jan-2012 14:00:15\n"
                + "R: 0 -1 0 0 0 -1 1 0 0\nT: 0.1 -0.2 -0.3\n"
                + "R_rect_00: 1 0 0 0 0 -1 0 1 0\n"
                + "P_rect_02: 721.5 0 609.5 44.8 0 721.5 172.8 0.2 0 0 1 0.003\nS_rect_02: 1242 375\n";
        Files.writeString(f, text);
        KittiIo.Calib c = KittiIo.readCalib(f, -1, -1);
        assertThat(c.camera().width()).isEqualTo(1242);
        assertThat(c.camera().fx()).isEqualTo(721.5);
        // R_rect * R = [[0,-1,0],[-1,0,0],[0,0,-1]], R_rect * T = (0.1, 0.3, -0.2), by hand
        assertThat(c.veloToCam().r()).containsExactly(new double[] {0, -1, 0, -1, 0, 0, 0, 0, -1}, within(1e-12));
        assertThat(c.veloToCam().t()).containsExactly(new double[] {0.1, 0.3, -0.2}, within(1e-12));
    }

    @Test
    void writtenCalibReadsBack() throws IOException {
        Path f = dir.resolve("calib.txt");
        Extrinsic e = new Extrinsic(Extrinsic.rotation(0.1, 0.2, 0.3), new double[] {0.01, -0.07, -0.27});
        KittiIo.writeCalib(f, new KittiIo.Calib(Intrinsics.kitti(), e));
        KittiIo.Calib c = KittiIo.readCalib(f, -1, -1);
        assertThat(c.veloToCam().r()).containsExactly(e.r(), within(1e-11));
        assertThat(c.camera().height()).isEqualTo(375);
    }

    @Test
    void badFilesAreNamedInTheError() throws IOException {
        assertThatThrownBy(() -> KittiIo.readCalib(dir.resolve("calib.txt"), 10, 10))
                .hasMessageContaining("calib.txt").hasMessageContaining("not found");
        Path f = dir.resolve("c2.txt");
        Files.writeString(f, "P2: 1 0 0 0 0 1 0 0 0 0 1\nTr_velo_to_cam: 1 0 0 0 0 1 0 0 0 0 1 0\n");
        assertThatThrownBy(() -> KittiIo.readCalib(f, 10, 10)).hasMessageContaining("c2.txt")
                .hasMessageContaining("'P2' needs 12 numbers, got 11");
        Files.writeString(f, "P2: 1 0 0 0 0 1 0 0 0 0 1 0\n");
        assertThatThrownBy(() -> KittiIo.readCalib(f, 10, 10)).hasMessageContaining("Tr_velo_to_cam");
        Path bin = dir.resolve("x.bin");
        Files.write(bin, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> KittiIo.readVelodyne(bin)).hasMessageContaining("x.bin").hasMessageContaining("multiple of 16");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(Float.NaN).putFloat(0).putFloat(0).putFloat(0);
        Files.write(bin, b.array());
        assertThatThrownBy(() -> KittiIo.readVelodyne(bin)).hasMessageContaining("point 0").hasMessageContaining("non-finite");
        Files.write(dir.resolve("l.label"), "abc".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> KittiIo.readLabels(dir.resolve("l.label"))).hasMessageContaining("multiple of 4");
    }
}
