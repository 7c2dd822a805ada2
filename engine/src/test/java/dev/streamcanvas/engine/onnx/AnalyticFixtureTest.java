package dev.streamcanvas.engine.onnx;

import dev.streamcanvas.engine.Close;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.streamcanvas.engine.io.Half;
import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.OnnxGraph;
import dev.streamcanvas.engine.onnx.FixtureSpec.Ids;
import dev.streamcanvas.engine.onnx.FixtureSpec.Precision;
import dev.streamcanvas.engine.onnx.FixtureSpec.Timestep;
import dev.streamcanvas.engine.onnx.FixtureSpec.VaeOutput;
import dev.streamcanvas.engine.onnx.OrtRun.In;
import dev.streamcanvas.engine.onnx.OrtRun.Out;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ANALYTIC fixture variant runs in ONNX Runtime and its outputs equal the closed forms of
 * analytic.md, computed here independently in double precision with plain loops.
 */
class AnalyticFixtureTest {
    private static final int B = 2;

    @TempDir
    Path tmp;

    static Stream<Arguments> variants() {
        FixtureSpec base = FixtureSpec.defaults().withSize(48, 32).withText(12, 7);
        return Stream.of(
                Arguments.of("defaults", FixtureSpec.defaults()),
                Arguments.of("int64 ids, float [B] timestep", base.withIds(Ids.INT64).withTimestep(Timestep.FLOAT)),
                Arguments.of("float scalar timestep, f=4", base.withTimestep(Timestep.FLOAT_SCALAR).withVaeFactor(4)),
                Arguments.of("latent_parameters + timestep_cond", base.withVaeOutput(VaeOutput.LATENT_PARAMETERS)
                        .withTimestepCond(16)),
                Arguments.of("fp16, float timestep, cond", base.withPrecision(Precision.FP16)
                        .withTimestep(Timestep.FLOAT).withTimestepCond(8).withIds(Ids.INT64)),
                Arguments.of("fp16, int64 timestep, params, f=4", base.withPrecision(Precision.FP16)
                        .withVaeFactor(4).withVaeOutput(VaeOutput.LATENT_PARAMETERS)),
                Arguments.of("external data", base.withExternalData(true).withTimestepCond(4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void analyticOutputsEqualTheClosedForms(String label, FixtureSpec spec) throws Exception {
        Path dir = tmp.resolve("fixture");
        FixtureGenerator.write(dir, spec);
        boolean fp16 = spec.precision() == Precision.FP16;
        Random rnd = new Random(7);
        int l = spec.seqLen();
        int d = spec.textDim();
        int f = spec.vaeFactor();
        int hh = spec.height();
        int ww = spec.width();
        int h = spec.latentHeight();
        int w = spec.latentWidth();

        // text encoder: last_hidden_state[b,l,d] = sin(0.001 * id * (d+1))
        double[] ids = new double[B * l];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rnd.nextInt(600);
        }
        try (OnnxGraph te = OnnxGraph.load(dir.resolve("text_encoder/model.onnx"), Device.CPU)) {
            assertThat(te.input("input_ids").orElseThrow().type())
                    .isEqualTo(spec.ids() == Ids.INT32 ? ElementType.INT32 : ElementType.INT64);
            Out out = OrtRun.run(te, Map.of("input_ids", new In(ids, B, l))).get("last_hidden_state");
            assertThat(out.shape()).containsExactly(B, l, d);
            double[] expected = new double[B * l * d];
            for (int b = 0; b < B; b++) {
                for (int s = 0; s < l; s++) {
                    for (int k = 0; k < d; k++) {
                        expected[(b * l + s) * d + k] = Math.sin(0.001 * ids[b * l + s] * (k + 1));
                    }
                }
            }
            Close.assertClose(out.data(), expected, (fp16 ? Close.fp16(1e-5) : Close.absolute(1e-5)));
        }

        // vae encoder: block means mixed into 4 channels (+ 4 log-variance channels of -20)
        double[] img = values(rnd, B * 3 * hh * ww, fp16);
        boolean params = spec.vaeOutput() == VaeOutput.LATENT_PARAMETERS;
        try (OnnxGraph enc = OnnxGraph.load(dir.resolve("vae_encoder/model.onnx"), Device.CPU)) {
            Out out = OrtRun.run(enc, Map.of("sample", new In(img, B, 3, hh, ww)))
                    .get(params ? "latent_parameters" : "latent_sample");
            int oc = params ? 8 : 4;
            assertThat(out.shape()).containsExactly(B, oc, h, w);
            double[] expected = new double[B * oc * h * w];
            for (int b = 0; b < B; b++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double[] p = new double[3];
                        for (int c = 0; c < 3; c++) {
                            double sum = 0;
                            for (int dy = 0; dy < f; dy++) {
                                for (int dx = 0; dx < f; dx++) {
                                    sum += img[((b * 3 + c) * hh + y * f + dy) * ww + x * f + dx];
                                }
                            }
                            p[c] = sum / (f * f);
                        }
                        double[] m = {0.5 * p[0], 0.5 * p[1], 0.5 * p[2], 0.25 * (p[0] + p[1] + p[2])};
                        for (int c = 0; c < oc; c++) {
                            expected[((b * oc + c) * h + y) * w + x] = c < 4 ? m[c] : -20;
                        }
                    }
                }
            }
            Close.assertClose(out.data(), expected, (fp16 ? Close.fp16(1e-5) : Close.absolute(1e-5)));
        }

        // vae decoder: sample[b,k,y,x] = 2 * latent[b,k,y/f,x/f]
        double[] lat = values(rnd, B * 4 * h * w, fp16);
        try (OnnxGraph dec = OnnxGraph.load(dir.resolve("vae_decoder/model.onnx"), Device.CPU)) {
            Out out = OrtRun.run(dec, Map.of("latent_sample", new In(lat, B, 4, h, w))).get("sample");
            assertThat(out.shape()).containsExactly(B, 3, hh, ww);
            double[] expected = new double[B * 3 * hh * ww];
            for (int b = 0; b < B; b++) {
                for (int k = 0; k < 3; k++) {
                    for (int y = 0; y < hh; y++) {
                        for (int x = 0; x < ww; x++) {
                            expected[((b * 3 + k) * hh + y) * ww + x] = 2 * lat[((b * 4 + k) * h + y / f) * w + x / f];
                        }
                    }
                }
            }
            Close.assertClose(out.data(), expected, (fp16 ? Close.fp16(1e-5) : Close.absolute(1e-5)));
        }

        // unet: 0.5*sample + 0.1*mean(ehs[b]) + 0.001*t_b (+ 0.01*mean(cond[b]))
        double[] sample = values(rnd, B * 4 * h * w, fp16);
        double[] ehs = values(rnd, B * l * d, fp16);
        int cc = spec.timestepCond();
        double[] cond = values(rnd, B * Math.max(cc, 1), fp16);
        boolean scalarT = spec.timestep() == Timestep.FLOAT_SCALAR;
        double[] t = scalarT ? new double[] {499} : new double[] {999, 259};
        Map<String, In> feeds = new LinkedHashMap<>();
        feeds.put("sample", new In(sample, B, 4, h, w));
        feeds.put("timestep", scalarT ? new In(t) : new In(t, B));
        feeds.put("encoder_hidden_states", new In(ehs, B, l, d));
        if (cc > 0) {
            feeds.put("timestep_cond", new In(cond, B, cc));
        }
        try (OnnxGraph unet = OnnxGraph.load(dir.resolve("unet/model.onnx"), Device.CPU)) {
            assertThat(unet.input("timestep_cond").isPresent()).isEqualTo(cc > 0);
            Out out = OrtRun.run(unet, feeds).get("out_sample");
            assertThat(out.shape()).containsExactly(B, 4, h, w);
            double[] expected = new double[B * 4 * h * w];
            for (int b = 0; b < B; b++) {
                double mean = 0;
                for (int i = 0; i < l * d; i++) {
                    mean += ehs[b * l * d + i];
                }
                mean /= l * d;
                double condMean = 0;
                for (int i = 0; i < cc; i++) {
                    condMean += cond[b * cc + i] / cc;
                }
                double term = 0.1 * mean + 0.001 * (scalarT ? t[0] : t[b]) + 0.01 * condMean;
                for (int i = 0; i < 4 * h * w; i++) {
                    expected[b * 4 * h * w + i] = 0.5 * sample[b * 4 * h * w + i] + term;
                }
            }
            Close.assertClose(out.data(), expected, (fp16 ? Close.fp16(1e-5) : Close.absolute(1e-5)));
        }
    }

    /** Random values in [-1, 1]; for fp16 fixtures already rounded to fp16 so the input is exact. */
    private static double[] values(Random rnd, int n, boolean fp16) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            float v = (float) (rnd.nextDouble() * 2 - 1);
            a[i] = fp16 ? Half.toFloat(Half.fromFloat(v)) : v;
        }
        return a;
    }


}
