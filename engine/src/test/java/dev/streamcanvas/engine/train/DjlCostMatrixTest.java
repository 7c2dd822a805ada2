package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.streamcanvas.engine.assign.CostMatrix;
import dev.streamcanvas.engine.assign.Gaussian;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DjlCostMatrixTest {

    @Test
    void engineCostMatrixAgreesWithTheJavaOne() {
        SplittableRandom rng = new SplittableRandom(30);
        int n = 40;
        int d = 3072;
        float[] x = SyntheticImages.smoothBatch(n, 3, 32, 32, rng);
        float[] e = Gaussian.fill(new float[n * d], rng);
        float[] java = CostMatrix.l2(x, n, e, n, d);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] eng = DjlCostMatrix.l2(x, n, e, n, d, m);
            for (int i = 0; i < java.length; i++) {
                assertThat((double) eng[i]).isCloseTo(java[i], within(2e-5 * java[i]));
            }
        }
    }
}
