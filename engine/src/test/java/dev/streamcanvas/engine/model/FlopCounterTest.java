package dev.streamcanvas.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.GraphBuilder;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.Value;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlopCounterTest {
    @TempDir
    Path dir;

    @Test
    void countsConvAndMatMulMultiplyAddsAtTheShapesTheGraphRunsWith() throws Exception {
        GraphBuilder b = new GraphBuilder("flops");
        Value x = b.input("x", ElementType.FLOAT32, "batch", 3, "h", "w");
        Value w1 = b.initializer("w1", ElementType.FLOAT32, new long[] {8, 3, 3, 3}, new float[8 * 27]);
        Value b1 = b.initializer("b1", ElementType.FLOAT32, new long[] {8}, new float[8]);
        Value y = b.conv(x, w1, b1, 2, 1);                                  // [N, 8, h/2, w/2]
        Value t = b.transpose(b.reshape(y, 0, 8, -1), 0, 2, 1);             // [N, hw/4, 8]
        Value w2 = b.initializer("w2", ElementType.FLOAT32, new long[] {8, 5}, new float[40]);
        b.outputUnshaped(b.matmul(t, w2), "out");                           // [N, hw/4, 5]
        Path file = dir.resolve("m.onnx");
        OnnxModelFile.write(b.build(), file);

        // by hand, batch 2 at 16x16: conv 2 * (2*8*8*8 outputs) * (3*3*3) = 55296; matmul 2 * (2*64*5) * 8 = 10240
        long flops = FlopCounter.count(file, Map.of("x", new long[] {2, 3, 16, 16}));
        assertThat(flops).isEqualTo(55296 + 10240);
        // at 32x32 every term is 4x
        assertThat(FlopCounter.count(file, Map.of("x", new long[] {2, 3, 32, 32}))).isEqualTo(4 * (55296 + 10240));
    }

    @Test
    void gemmAndGroupedConvFormulasMatchHandCounts() {
        // Gemm A [4, 6] x B [6, 3] -> [4, 3]: 2 * 12 * 6 = 144; with transA, A is [6, 4]
        assertThat(FlopCounter.flops("Gemm", new long[] {4, 6}, new long[] {6, 3}, new long[] {4, 3}, 1, 0)).isEqualTo(144);
        assertThat(FlopCounter.flops("Gemm", new long[] {6, 4}, new long[] {6, 3}, new long[] {4, 3}, 1, 1)).isEqualTo(144);
        // depthwise 3x3 conv on 16 channels at 10x10: weight [16, 1, 3, 3]: 2 * 1600 * 9 = 28800
        assertThat(FlopCounter.flops("Conv", new long[] {1, 16, 10, 10}, new long[] {16, 1, 3, 3}, new long[] {1, 16, 10, 10},
                16, 0)).isEqualTo(28800);
    }
}
