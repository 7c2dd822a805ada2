package dev.streamcanvas.engine.onnx;

import dev.streamcanvas.engine.Close;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.onnx.OrtRun.In;
import dev.streamcanvas.engine.onnx.OrtRun.Out;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder's ops run in ONNX Runtime and compute what their definitions say (checked with plain loops). */
class GraphBuilderTest {
    private static final float EPS = 1e-5f;

    @TempDir
    Path tmp;

    private Map<String, Out> run(GraphBuilder g, Map<String, In> feeds) throws Exception {
        Path file = tmp.resolve(System.nanoTime() + ".onnx");
        OnnxModelFile.write(g.build(), file);
        try (OnnxGraph graph = OnnxGraph.load(file, Device.CPU)) {
            return OrtRun.run(graph, feeds);
        }
    }

    private static double[] random(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static float[] toF(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    @Test
    void normalisationsGemmAndSoftmaxMatchTheirDefinitions() throws Exception {
        Random r = new Random(1);
        double[] x = random(r, 2 * 4 * 9);           // [2, 4, 3, 3]
        double[] v = random(r, 2 * 5);               // [2, 5]
        double[] gamma = random(r, 4);
        double[] beta = random(r, 4);
        double[] lnScale = random(r, 5);
        double[] lnBias = random(r, 5);
        double[] w = random(r, 3 * 5);               // Gemm weight [3, 5] (PyTorch Linear layout)
        double[] b = random(r, 3);

        GraphBuilder g = new GraphBuilder("norms");
        Value xi = g.input("x", ElementType.FLOAT32, "n", 4, 3, 3);
        Value vi = g.input("v", ElementType.FLOAT32, "n", 5);
        Value gn = g.groupNorm(xi, 2, g.initializer("gamma", ElementType.FLOAT32, new long[] {4}, toF(gamma)),
                g.initializer("beta", ElementType.FLOAT32, new long[] {4}, toF(beta)), EPS);
        g.output(gn, "gn", "n", 4, 3, 3);
        Value ln = g.layerNorm(vi, g.initializer("ln.s", ElementType.FLOAT32, new long[] {5}, toF(lnScale)),
                g.initializer("ln.b", ElementType.FLOAT32, new long[] {5}, toF(lnBias)), -1, EPS);
        g.output(ln, "ln", "n", 5);
        g.output(g.softmax(vi, 1), "sm", "n", 5);
        Value lin = g.gemm(vi, g.initializer("w", ElementType.FLOAT32, new long[] {3, 5}, toF(w)),
                g.initializer("b", ElementType.FLOAT32, new long[] {3}, toF(b)), true);
        g.output(lin, "lin", "n", 3);
        g.output(g.reduceMean(xi, true, 2, 3), "mean", "n", 4, 1, 1);
        Map<String, Out> out = run(g, Map.of("x", new In(x, 2, 4, 3, 3), "v", new In(v, 2, 5)));

        double[] gnExp = new double[x.length];
        for (int n = 0; n < 2; n++) {
            for (int grp = 0; grp < 2; grp++) {
                int base = (n * 4 + grp * 2) * 9;
                double mean = 0;
                for (int i = 0; i < 18; i++) {
                    mean += x[base + i] / 18;
                }
                double var = 0;
                for (int i = 0; i < 18; i++) {
                    var += (x[base + i] - mean) * (x[base + i] - mean) / 18;
                }
                for (int i = 0; i < 18; i++) {
                    int c = grp * 2 + i / 9;
                    gnExp[base + i] = (x[base + i] - mean) / Math.sqrt(var + EPS) * gamma[c] + beta[c];
                }
            }
        }
        Close.assertClose(out.get("gn").data(), gnExp, Close.absolute(1e-4));

        double[] lnExp = new double[10];
        double[] smExp = new double[10];
        double[] linExp = new double[6];
        for (int n = 0; n < 2; n++) {
            double mean = 0;
            double var = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < 5; i++) {
                mean += v[n * 5 + i] / 5;
                max = Math.max(max, v[n * 5 + i]);
            }
            for (int i = 0; i < 5; i++) {
                var += Math.pow(v[n * 5 + i] - mean, 2) / 5;
            }
            double z = 0;
            for (int i = 0; i < 5; i++) {
                z += Math.exp(v[n * 5 + i] - max);
            }
            for (int i = 0; i < 5; i++) {
                lnExp[n * 5 + i] = (v[n * 5 + i] - mean) / Math.sqrt(var + EPS) * lnScale[i] + lnBias[i];
                smExp[n * 5 + i] = Math.exp(v[n * 5 + i] - max) / z;
            }
            for (int o = 0; o < 3; o++) {
                double s = b[o];
                for (int i = 0; i < 5; i++) {
                    s += v[n * 5 + i] * w[o * 5 + i];
                }
                linExp[n * 3 + o] = s;
            }
        }
        Close.assertClose(out.get("ln").data(), lnExp, Close.absolute(1e-4));
        Close.assertClose(out.get("sm").data(), smExp, Close.absolute(1e-6));
        Close.assertClose(out.get("lin").data(), linExp, Close.absolute(1e-5));
        double[] meanExp = new double[8];
        for (int i = 0; i < 8; i++) {
            for (int k = 0; k < 9; k++) {
                meanExp[i] += x[i * 9 + k] / 9;
            }
        }
        Close.assertClose(out.get("mean").data(), meanExp, Close.absolute(1e-6));
        assertThat(out.get("mean").shape()).containsExactly(2, 4, 1, 1);
    }

    @Test
    void shapeOpsAndElementwiseOpsMatchTheirDefinitions() throws Exception {
        Random r = new Random(2);
        double[] v = random(r, 2 * 5);               // [2, 5]
        GraphBuilder g = new GraphBuilder("shapes");
        Value vi = g.input("v", ElementType.FLOAT32, "n", 5);
        Value[] parts = g.split(vi, 1, 2, 3);
        g.output(g.concat(1, parts[1], parts[0]), "rot", "n", 5);                       // columns rotated by 2
        g.output(g.slice(vi, new long[] {1}, new long[] {4}, new long[] {1}), "mid", "n", 3);
        g.output(g.transpose(vi, 1, 0), "t", 5, "n");
        g.output(g.reshape(vi, -1), "flat", "m");
        Value batch = g.unsqueeze(g.gather(g.shape(vi), g.longScalar(0), 0), 0);         // [1] = n
        Value filled = g.expand(g.scalar(3f, ElementType.FLOAT32), g.concat(0, batch, g.longs(5)));
        g.output(filled, "filled", "n", 5);
        g.output(g.squeeze(g.unsqueeze(vi, 0), 0), "same", "n", 5);
        Value positive = g.equal(g.relu(vi), vi);                                         // v >= 0
        g.output(g.where(positive, vi, g.neg(vi)), "abs", "n", 5);
        Value pos = g.add(g.mul(vi, vi), 1f);                                             // v^2 + 1
        g.output(g.div(g.sub(g.sqrt(pos), g.pow(pos, 0.5f)), 1f), "zero", "n", 5);
        g.output(g.add(g.sin(vi), g.cos(vi)), "sincos", "n", 5);
        g.output(g.mul(g.exp(vi), g.sigmoid(vi)), "expsig", "n", 5);
        g.output(g.tanh(vi), "tanh", "n", 5);
        g.output(g.gelu(vi), "gelu", "n", 5);
        g.output(g.silu(vi), "silu", "n", 5);
        g.output(g.cast(g.cast(vi, ElementType.FLOAT16), ElementType.FLOAT32), "f16", "n", 5);
        Value[] top = g.ops("TopK", java.util.List.of(ElementType.FLOAT32, ElementType.INT64),
                java.util.List.of(vi, g.initializer("k", new long[] {1}, new long[] {1})), GraphBuilder.attr("axis", 1L));
        g.output(top[1], "argmax", "n", 1);
        Map<String, Out> out = run(g, Map.of("v", new In(v, 2, 5)));

        double[] rot = new double[10];
        double[] mid = new double[6];
        double[] t = new double[10];
        double[] abs = new double[10];
        double[] sincos = new double[10];
        double[] expsig = new double[10];
        double[] tanh = new double[10];
        double[] gelu = new double[10];
        double[] silu = new double[10];
        double[] f16 = new double[10];
        for (int n = 0; n < 2; n++) {
            for (int i = 0; i < 5; i++) {
                double a = v[n * 5 + i];
                rot[n * 5 + i] = v[n * 5 + (i + 2) % 5];
                t[i * 2 + n] = a;
                abs[n * 5 + i] = Math.abs(a);
                sincos[n * 5 + i] = Math.sin(a) + Math.cos(a);
                expsig[n * 5 + i] = Math.exp(a) / (1 + Math.exp(-a));
                tanh[n * 5 + i] = Math.tanh(a);
                gelu[n * 5 + i] = 0.5 * a * (1 + erf(a / Math.sqrt(2)));
                silu[n * 5 + i] = a / (1 + Math.exp(-a));
                f16[n * 5 + i] = dev.streamcanvas.engine.io.Half.round((float) a);
            }
            for (int i = 0; i < 3; i++) {
                mid[n * 3 + i] = v[n * 5 + 1 + i];
            }
        }
        Close.assertClose(out.get("rot").data(), rot, Close.absolute(0));
        Close.assertClose(out.get("mid").data(), mid, Close.absolute(0));
        Close.assertClose(out.get("t").data(), t, Close.absolute(0));
        assertThat(out.get("t").shape()).containsExactly(5, 2);
        Close.assertClose(out.get("flat").data(), v, Close.absolute(0));
        assertThat(out.get("filled").data()).containsOnly(3.0).hasSize(10);
        Close.assertClose(out.get("same").data(), v, Close.absolute(0));
        Close.assertClose(out.get("abs").data(), abs, Close.absolute(0));
        Close.assertClose(out.get("zero").data(), new double[10], Close.absolute(1e-6));
        Close.assertClose(out.get("sincos").data(), sincos, Close.absolute(1e-6));
        Close.assertClose(out.get("expsig").data(), expsig, Close.absolute(1e-6));
        Close.assertClose(out.get("tanh").data(), tanh, Close.absolute(1e-6));
        Close.assertClose(out.get("gelu").data(), gelu, Close.absolute(1e-6));
        Close.assertClose(out.get("silu").data(), silu, Close.absolute(1e-6));
        Close.assertClose(out.get("f16").data(), f16, Close.absolute(0));
        for (int n = 0; n < 2; n++) {
            int best = 0;
            for (int i = 1; i < 5; i++) {
                best = v[n * 5 + i] > v[n * 5 + best] ? i : best;
            }
            assertThat(out.get("argmax").data()[n]).isEqualTo(best);
        }
    }

    @Test
    void convolutionsPoolingAndResizeMatchTheirDefinitions() throws Exception {
        Random r = new Random(3);
        double[] x = random(r, 2 * 4 * 4);            // [1, 2, 4, 4]
        double[] w = random(r, 2 * 1 * 3 * 3);        // depthwise [2, 1, 3, 3], group 2
        GraphBuilder g = new GraphBuilder("conv");
        Value xi = g.input("x", ElementType.FLOAT32, 1, 2, 4, 4);
        Value wt = g.initializer("w", ElementType.FLOAT32, new long[] {2, 1, 3, 3}, toF(w));
        g.output(g.conv(xi, wt, null, new long[] {2, 2}, new long[] {1, 1, 1, 1}, 2), "dw", 1, 2, 2, 2);
        g.output(g.averagePool(xi, 2, 2), "pool", 1, 2, 2, 2);
        g.output(g.resizeNearest(xi, 1f, 1f, 2f, 2f), "up", 1, 2, 8, 8);
        Map<String, Out> out = run(g, Map.of("x", new In(x, 1, 2, 4, 4)));

        double[] dw = new double[8];
        double[] pool = new double[8];
        double[] up = new double[128];
        for (int c = 0; c < 2; c++) {
            for (int oy = 0; oy < 2; oy++) {
                for (int ox = 0; ox < 2; ox++) {
                    double s = 0;
                    for (int ky = 0; ky < 3; ky++) {
                        for (int kx = 0; kx < 3; kx++) {
                            int iy = oy * 2 - 1 + ky;
                            int ix = ox * 2 - 1 + kx;
                            if (iy >= 0 && iy < 4 && ix >= 0 && ix < 4) {
                                s += x[c * 16 + iy * 4 + ix] * w[c * 9 + ky * 3 + kx];
                            }
                        }
                    }
                    dw[c * 4 + oy * 2 + ox] = s;
                    pool[c * 4 + oy * 2 + ox] = (x[c * 16 + oy * 8 + ox * 2] + x[c * 16 + oy * 8 + ox * 2 + 1]
                            + x[c * 16 + oy * 8 + 4 + ox * 2] + x[c * 16 + oy * 8 + 4 + ox * 2 + 1]) / 4;
                }
            }
            for (int y = 0; y < 8; y++) {
                for (int xx = 0; xx < 8; xx++) {
                    up[c * 64 + y * 8 + xx] = x[c * 16 + (y / 2) * 4 + xx / 2];
                }
            }
        }
        Close.assertClose(out.get("dw").data(), dw, Close.absolute(1e-6));
        Close.assertClose(out.get("pool").data(), pool, Close.absolute(1e-6));
        Close.assertClose(out.get("up").data(), up, Close.absolute(0));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {13, 17, 18, 21})
    void reduceMeanAndSplitWorkAcrossOpsetsWhereTheirSignatureChanged(int opset) throws Exception {
        GraphBuilder g = new GraphBuilder("opset" + opset, opset);
        Value x = g.input("x", ElementType.FLOAT32, 2, 4);
        g.output(g.reduceMean(x, false, 1), "mean", 2);
        g.output(g.split(x, 1, 1, 3)[0], "first", 2, 1);
        Map<String, Out> out = run(g, Map.of("x", new In(new double[] {1, 2, 3, 6, -1, -2, -3, -6}, 2, 4)));
        Close.assertClose(out.get("mean").data(), new double[] {3, -3}, Close.absolute(0));
        Close.assertClose(out.get("first").data(), new double[] {1, -1}, Close.absolute(0));
    }

    @Test
    void misuseIsReportedWithTheName() {
        GraphBuilder g = new GraphBuilder("dup");
        g.input("x", ElementType.FLOAT32, 1);
        assertThatThrownBy(() -> g.input("x", ElementType.FLOAT32, 1)).hasMessageContaining("'x' is already used");
        GraphBuilder other = new GraphBuilder("other");
        Value y = other.input("y", ElementType.FLOAT32, 1);
        assertThatThrownBy(() -> g.output(y, "z")).hasMessageContaining("belongs to another graph");
        assertThatThrownBy(() -> new GraphBuilder("old", 11)).hasMessageContaining("opset 11 not supported");
        assertThatThrownBy(() -> g.input("bad", ElementType.FLOAT32, 1.5f, new Object()))
                .hasMessageContaining("must be a number or a symbol");
    }

    /** erf by its Maclaurin series (converges fast for |z| < 2; our inputs are in [-1, 1]). */
    private static double erf(double z) {
        double sum = 0;
        double term = z;
        for (int n = 0; n < 40; n++) {
            sum += term / (2 * n + 1);
            term *= -z * z / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
