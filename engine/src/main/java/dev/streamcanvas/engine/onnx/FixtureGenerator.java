package dev.streamcanvas.engine.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.onnx.FixtureSpec.Precision;
import dev.streamcanvas.engine.onnx.FixtureSpec.VaeOutput;
import dev.streamcanvas.engine.onnx.FixtureSpec.Weights;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a complete fixture model folder in the diffusers / optimum ONNX layout (DESIGN.md section 3):
 * {@code model_index.json}, {@code tokenizer/} (CLIP-format vocab.json, merges.txt, special_tokens_map.json,
 * tokenizer_config.json), {@code text_encoder/}, {@code unet/}, {@code vae_encoder/}, {@code vae_decoder/}
 * (each {@code model.onnx} + {@code config.json}), {@code scheduler/scheduler_config.json} (LCMScheduler,
 * scaled-linear betas 0.00085..0.012 over 1000 steps, epsilon prediction) and {@code fixture_spec.json}.
 *
 * <p>Signatures ({@code batch_size} symbolic everywhere; the unet's {@code height}/{@code width} symbolic,
 * the VAE's H, W, h = H/f, w = W/f fixed; L fixed):
 * <pre>
 * text_encoder  input_ids [B,L] int32|int64                       -> last_hidden_state [B,L,D]
 * vae_encoder   sample [B,3,H,W]                                  -> latent_sample [B,4,h,w] | latent_parameters [B,8,h,w]
 * vae_decoder   latent_sample [B,4,h,w]                           -> sample [B,3,H,W]
 * unet          sample [B,4,h,w], timestep int64 [B] | float [B] | float [],
 *               encoder_hidden_states [B,L,D], (timestep_cond [B,Cc]) -> out_sample [B,4,h,w]
 * </pre>
 * FP16 fixtures declare every float input and output FLOAT16, Cast to float32 inside, compute, and Cast back;
 * input_ids and int64 timesteps stay integer.
 *
 * <p><b>ANALYTIC weights</b> (b = batch index, f = VAE factor):
 * <pre>
 * last_hidden_state[b,l,d] = sin(0.001 * id[b,l] * (d+1))
 * p = AveragePool_f(sample)                       (mean of each f x f block)
 * m[b,0..2] = 0.5 * p[b,0..2];  m[b,3] = 0.25 * (p[b,0] + p[b,1] + p[b,2])
 * latent_sample = m;  latent_parameters = [m, -20, -20, -20, -20] (channels 4..7: log-variance)
 * vae_decoder: sample[b,k,y,x] = 2 * latent[b,k,floor(y/f),floor(x/f)], k = 0..2 (channel 3 ignored)
 * out_sample[b] = 0.5 * sample[b] + 0.1 * mean_{l,d}(encoder_hidden_states[b]) + 0.001 * t_b
 *                 (+ 0.01 * mean_c(timestep_cond[b]) when present);  t_b = timestep[b], or the scalar
 * </pre>
 *
 * <p><b>RANDOM weights</b> (seeded, uniform in +-1/sqrt(fan_in), hidden width C): text encoder = embedding
 * Gather + position embedding, MatMul D->D, Tanh; unet = Conv3x3 4->C + Gemm(sin/cos timestep embedding)
 * + Gemm(mean-over-L text) (+ Gemm(timestep_cond)), SiLU, two Conv3x3 C->C with SiLU, Conv3x3 C->4;
 * VAE encoder = log2(f) stride-2 Conv3x3 with SiLU, Conv3x3 C->4|8; VAE decoder = Conv3x3 4->C, log2(f) x
 * (nearest x2, Conv3x3, SiLU), Conv3x3 C->3, Tanh. FP16 random graphs store FLOAT16 weights.
 */
public final class FixtureGenerator {
    public static final float SCALING_FACTOR = 0.18215f;
    /** Most BPE merges learned for the fixture tokenizer (the fixed corpus runs out at 173). */
    public static final int MERGES = 200;
    private static final long EXTERNAL_THRESHOLD = 1024;
    private static final String BATCH = "batch_size";

    private final FixtureSpec spec;
    private final ElementType io;

    private FixtureGenerator(FixtureSpec spec) {
        this.spec = spec;
        this.io = spec.precision() == Precision.FP16 ? ElementType.FLOAT16 : ElementType.FLOAT32;
    }

    /** Writes the fixture folder {@code dir} (created if needed; existing files are replaced). */
    public static void write(Path dir, FixtureSpec spec) throws IOException {
        new FixtureGenerator(spec).writeAll(dir);
    }

    /** The text encoder graph of {@code spec}; {@code vocabSize} bounds the ids (RANDOM embedding table). */
    public static ModelProto textEncoder(FixtureSpec spec, int vocabSize) {
        return new FixtureGenerator(spec).buildTextEncoder(vocabSize);
    }

    public static ModelProto unet(FixtureSpec spec) {
        return new FixtureGenerator(spec).buildUnet();
    }

    public static ModelProto vaeEncoder(FixtureSpec spec) {
        return new FixtureGenerator(spec).buildVaeEncoder();
    }

    public static ModelProto vaeDecoder(FixtureSpec spec) {
        return new FixtureGenerator(spec).buildVaeDecoder();
    }

    /** Reads back the {@code fixture_spec.json} a fixture folder was written with. */
    public static FixtureSpec readSpec(Path dir) throws IOException {
        Path file = dir.resolve("fixture_spec.json");
        com.fasterxml.jackson.databind.JsonNode n = json().readTree(file.toFile());
        for (String key : List.of("width", "height", "vae_factor", "text_dim", "seq_len", "ids", "timestep",
                "vae_output", "timestep_cond", "precision", "weights", "channels", "seed", "padding", "external_data")) {
            if (n == null || !n.hasNonNull(key)) {
                throw new IOException(file + ": missing field '" + key + "' (not a fixture spec of this version)");
            }
        }
        try {
            return new FixtureSpec(n.get("width").asInt(), n.get("height").asInt(), n.get("vae_factor").asInt(),
                    n.get("text_dim").asInt(), n.get("seq_len").asInt(),
                    FixtureSpec.Ids.valueOf(n.get("ids").asText()), FixtureSpec.Timestep.valueOf(n.get("timestep").asText()),
                    VaeOutput.valueOf(n.get("vae_output").asText()), n.get("timestep_cond").asInt(),
                    Precision.valueOf(n.get("precision").asText()), Weights.valueOf(n.get("weights").asText()),
                    n.get("channels").asInt(), n.get("seed").asLong(),
                    FixtureSpec.Padding.valueOf(n.get("padding").asText()), n.get("external_data").asBoolean());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": invalid fixture spec: " + e.getMessage(), e);
        }
    }

    private void writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        ClipVocabulary vocab = ClipVocabulary.learn(MERGES);
        long threshold = spec.externalData() ? EXTERNAL_THRESHOLD : Long.MAX_VALUE;
        OnnxModelFile.write(buildTextEncoder(vocab.size()), dir.resolve("text_encoder/model.onnx"), threshold);
        OnnxModelFile.write(buildUnet(), dir.resolve("unet/model.onnx"), threshold);
        OnnxModelFile.write(buildVaeEncoder(), dir.resolve("vae_encoder/model.onnx"), threshold);
        OnnxModelFile.write(buildVaeDecoder(), dir.resolve("vae_decoder/model.onnx"), threshold);
        writeTokenizer(dir.resolve("tokenizer"), vocab);
        writeConfigs(dir, vocab);
    }

    // ---- text encoder -------------------------------------------------------------------------------------

    private ModelProto buildTextEncoder(int vocabSize) {
        int d = spec.textDim();
        int l = spec.seqLen();
        GraphBuilder g = new GraphBuilder("text_encoder");
        ElementType idType = spec.ids() == FixtureSpec.Ids.INT32 ? ElementType.INT32 : ElementType.INT64;
        Value ids = g.input("input_ids", idType, BATCH, l);                      // [B, L] token ids
        Value hidden;
        if (spec.weights() == Weights.ANALYTIC) {
            float[] freq = new float[d];
            for (int i = 0; i < d; i++) {
                freq[i] = 0.001f * (i + 1);
            }
            Value x = g.unsqueeze(g.cast(ids, ElementType.FLOAT32), 2);          // [B, L, 1]
            hidden = g.sin(g.mul(x, g.constant(ElementType.FLOAT32, new long[] {d}, freq))); // [B, L, D]
        } else {
            SplittableRandom rnd = new SplittableRandom(spec.seed() * 31 + 1);
            Value table = param(g, "embeddings.token", new long[] {vocabSize, d}, uniform(rnd, vocabSize * d, 1f));
            Value pos = param(g, "embeddings.position", new long[] {l, d}, uniform(rnd, l * d, 0.1f));
            Value x = g.add(g.gather(table, ids, 0), pos);                          // [B, L, D]
            Value w = param(g, "proj.weight", new long[] {d, d}, uniform(rnd, d * d, fanIn(d)));
            Value b = param(g, "proj.bias", new long[] {d}, uniform(rnd, d, fanIn(d)));
            hidden = g.tanh(g.add(g.matmul(x, w), b));                             // [B, L, D]
        }
        g.output(g.cast(hidden, io), "last_hidden_state", BATCH, l, d);
        return g.build();
    }

    // ---- unet ---------------------------------------------------------------------------------------------

    private ModelProto buildUnet() {
        int d = spec.textDim();
        int l = spec.seqLen();
        int cc = spec.timestepCond();
        GraphBuilder g = new GraphBuilder("unet");
        Value sampleIn = g.input("sample", io, BATCH, 4, "height", "width");          // [B, 4, h, w]
        Value tIn = switch (spec.timestep()) {
            case INT64 -> g.input("timestep", ElementType.INT64, BATCH);             // [B]
            case FLOAT -> g.input("timestep", io, BATCH);                              // [B]
            case FLOAT_SCALAR -> g.input("timestep", io);                              // []
        };
        Value ehsIn = g.input("encoder_hidden_states", io, BATCH, l, d);              // [B, L, D]
        Value condIn = cc > 0 ? g.input("timestep_cond", io, BATCH, cc) : null;        // [B, Cc]
        Value sample = g.cast(sampleIn, ElementType.FLOAT32);
        Value t = g.cast(tIn, ElementType.FLOAT32);                                    // [B] or []
        Value ehs = g.cast(ehsIn, ElementType.FLOAT32);
        Value cond = condIn == null ? null : g.cast(condIn, ElementType.FLOAT32);
        Value out;
        if (spec.weights() == Weights.ANALYTIC) {
            Value term = g.mul(g.reduceMean(ehs, false, 1, 2), 0.1f);                  // [B]
            term = g.add(term, g.mul(t, 0.001f));                                      // [B] (scalar t broadcasts)
            if (cond != null) {
                term = g.add(term, g.mul(g.reduceMean(cond, false, 1), 0.01f));        // [B]
            }
            out = g.add(g.mul(sample, 0.5f), g.reshape(term, -1, 1, 1, 1));            // [B, 4, h, w]
        } else {
            int c = spec.channels();
            SplittableRandom rnd = new SplittableRandom(spec.seed() * 31 + 2);
            Value h = conv3(g, rnd, "conv_in", sample, 4, c, 1);                       // [B, C, h, w]
            float[] freqs = new float[c / 2];
            for (int i = 0; i < c / 2; i++) {
                freqs[i] = (float) Math.exp(-Math.log(10000.0) * i / (c / 2));
            }
            Value targ = g.mul(g.reshape(t, -1, 1), g.constant(ElementType.FLOAT32, new long[] {1, c / 2}, freqs));
            Value temb = g.concat(1, g.sin(targ), g.cos(targ));                        // [B|1, C]
            temb = linear(g, rnd, "time_embedding", g.silu(linear(g, rnd, "time_proj", temb, c, c)), c, c);
            Value text = linear(g, rnd, "text_proj", g.reduceMean(ehs, false, 1), d, c); // [B, C]
            Value bias = g.add(temb, text);
            if (cond != null) {
                bias = g.add(bias, linear(g, rnd, "cond_proj", cond, cc, c));
            }
            h = g.silu(g.add(h, g.reshape(bias, -1, c, 1, 1)));
            h = g.silu(conv3(g, rnd, "mid.0", h, c, c, 1));
            h = g.silu(conv3(g, rnd, "mid.1", h, c, c, 1));
            out = conv3(g, rnd, "conv_out", h, c, 4, 1);                               // [B, 4, h, w]
        }
        g.output(g.cast(out, io), "out_sample", BATCH, 4, "height", "width");
        return g.build();
    }

    // ---- VAE ----------------------------------------------------------------------------------------------

    private ModelProto buildVaeEncoder() {
        int f = spec.vaeFactor();
        int lh = spec.latentHeight();
        int lw = spec.latentWidth();
        boolean params = spec.vaeOutput() == VaeOutput.LATENT_PARAMETERS;
        int outC = params ? 8 : 4;
        GraphBuilder g = new GraphBuilder("vae_encoder");
        Value in = g.input("sample", io, BATCH, 3, spec.height(), spec.width());       // [B, 3, H, W], [-1, 1]
        Value x = g.cast(in, ElementType.FLOAT32);
        Value out;
        if (spec.weights() == Weights.ANALYTIC) {
            Value p = g.averagePool(x, f, f);                                          // [B, 3, h, w]
            float[] w = new float[outC * 3];
            float[] b = new float[outC];
            float[][] mix = {{0.5f, 0, 0}, {0, 0.5f, 0}, {0, 0, 0.5f}, {0.25f, 0.25f, 0.25f}};
            for (int o = 0; o < 4; o++) {
                System.arraycopy(mix[o], 0, w, o * 3, 3);
            }
            for (int o = 4; o < outC; o++) {
                b[o] = -20f;                                                           // log-variance channels
            }
            Value wt = g.initializer("mix.weight", ElementType.FLOAT32, new long[] {outC, 3, 1, 1}, w);
            Value bt = g.initializer("mix.bias", ElementType.FLOAT32, new long[] {outC}, b);
            out = g.conv(p, wt, bt, 1, 0);                                             // [B, 4|8, h, w]
        } else {
            int c = spec.channels();
            SplittableRandom rnd = new SplittableRandom(spec.seed() * 31 + 3);
            Value h = x;
            int inC = 3;
            for (int i = 0, s = f; s > 1; i++, s /= 2) {
                h = g.silu(conv3(g, rnd, "down." + i, h, inC, c, 2));                  // halves H, W
                inC = c;
            }
            out = conv3(g, rnd, "conv_out", h, c, outC, 1);                            // [B, 4|8, h, w]
        }
        g.output(g.cast(out, io), params ? "latent_parameters" : "latent_sample", BATCH, outC, lh, lw);
        return g.build();
    }

    private ModelProto buildVaeDecoder() {
        int f = spec.vaeFactor();
        GraphBuilder g = new GraphBuilder("vae_decoder");
        Value in = g.input("latent_sample", io, BATCH, 4, spec.latentHeight(), spec.latentWidth()); // [B, 4, h, w]
        Value z = g.cast(in, ElementType.FLOAT32);
        Value out;
        if (spec.weights() == Weights.ANALYTIC) {
            float[] w = new float[3 * 4];
            for (int k = 0; k < 3; k++) {
                w[k * 4 + k] = 2f;                                                     // channel 3 ignored
            }
            Value wt = g.initializer("mix.weight", ElementType.FLOAT32, new long[] {3, 4, 1, 1}, w);
            Value rgb = g.conv(z, wt, null, 1, 0);                                     // [B, 3, h, w]
            out = g.resizeNearest(rgb, 1f, 1f, f, f);                                  // [B, 3, H, W]
        } else {
            int c = spec.channels();
            SplittableRandom rnd = new SplittableRandom(spec.seed() * 31 + 4);
            Value h = g.silu(conv3(g, rnd, "conv_in", z, 4, c, 1));
            for (int i = 0, s = f; s > 1; i++, s /= 2) {
                h = g.silu(conv3(g, rnd, "up." + i, g.resizeNearest(h, 1f, 1f, 2f, 2f), c, c, 1));
            }
            out = g.tanh(conv3(g, rnd, "conv_out", h, c, 3, 1));                       // [B, 3, H, W]
        }
        g.output(g.cast(out, io), "sample", BATCH, 3, spec.height(), spec.width());
        return g.build();
    }

    // ---- random-weight helpers ----------------------------------------------------------------------------

    /** A float32 view of a weight: stored FLOAT16 (+ Cast) in FP16 fixtures, FLOAT32 otherwise. */
    private Value param(GraphBuilder g, String name, long[] dims, float[] data) {
        if (io == ElementType.FLOAT16) {
            return g.cast(g.initializer(name, ElementType.FLOAT16, dims, data), ElementType.FLOAT32);
        }
        return g.initializer(name, ElementType.FLOAT32, dims, data);
    }

    private Value conv3(GraphBuilder g, SplittableRandom rnd, String name, Value x, int in, int out, int stride) {
        float k = fanIn(in * 9);
        Value w = param(g, name + ".weight", new long[] {out, in, 3, 3}, uniform(rnd, out * in * 9, k));
        Value b = param(g, name + ".bias", new long[] {out}, uniform(rnd, out, k));
        return g.conv(x, w, b, stride, 1);
    }

    private Value linear(GraphBuilder g, SplittableRandom rnd, String name, Value x, int in, int out) {
        float k = fanIn(in);
        Value w = param(g, name + ".weight", new long[] {out, in}, uniform(rnd, out * in, k));
        Value b = param(g, name + ".bias", new long[] {out}, uniform(rnd, out, k));
        return g.gemm(x, w, b, true);
    }

    private static float fanIn(int n) {
        return (float) (1.0 / Math.sqrt(n));
    }

    private static float[] uniform(SplittableRandom rnd, int n, float bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return a;
    }

    // ---- tokenizer and configs ----------------------------------------------------------------------------

    private static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static void writeJson(Path file, Object value) throws IOException {
        byte[] bytes = json().writeValueAsBytes(value);
        AtomicFiles.write(file, bytes);
    }

    private void writeTokenizer(Path dir, ClipVocabulary vocab) throws IOException {
        String pad = spec.padding() == FixtureSpec.Padding.SD1 ? ClipVocabulary.END : "!";
        vocab.bpe().write(dir, spec.seqLen(), pad);
    }

    private void writeConfigs(Path dir, ClipVocabulary vocab) throws IOException {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("_class_name", "OnnxStableDiffusionPipeline");
        index.put("_diffusers_version", "0.30.0");
        index.put("feature_extractor", new Object[] {null, null});
        index.put("requires_safety_checker", false);
        index.put("safety_checker", new Object[] {null, null});
        index.put("scheduler", List.of("diffusers", "LCMScheduler"));
        index.put("text_encoder", List.of("diffusers", "OnnxRuntimeModel"));
        index.put("tokenizer", List.of("transformers", "CLIPTokenizer"));
        index.put("unet", List.of("diffusers", "OnnxRuntimeModel"));
        index.put("vae_decoder", List.of("diffusers", "OnnxRuntimeModel"));
        index.put("vae_encoder", List.of("diffusers", "OnnxRuntimeModel"));
        writeJson(dir.resolve("model_index.json"), index);

        Map<String, Object> scheduler = new LinkedHashMap<>();
        scheduler.put("_class_name", "LCMScheduler");
        scheduler.put("beta_start", new java.math.BigDecimal("0.00085"));
        scheduler.put("beta_end", new java.math.BigDecimal("0.012"));
        scheduler.put("beta_schedule", "scaled_linear");
        scheduler.put("num_train_timesteps", 1000);
        scheduler.put("original_inference_steps", 50);
        scheduler.put("prediction_type", "epsilon");
        scheduler.put("clip_sample", false);
        scheduler.put("set_alpha_to_one", true);
        scheduler.put("steps_offset", 1);
        scheduler.put("timestep_scaling", 10.0);
        writeJson(dir.resolve("scheduler/scheduler_config.json"), scheduler);

        List<Integer> blocks = new ArrayList<>();
        for (int s = spec.vaeFactor(); s >= 1; s /= 2) {
            blocks.add(spec.channels());                 // len = log2(f) + 1, so 2^(len-1) = f as in diffusers
        }
        for (String part : List.of("vae_encoder", "vae_decoder")) {
            Map<String, Object> vae = new LinkedHashMap<>();
            vae.put("_class_name", "AutoencoderKL");
            vae.put("in_channels", 3);
            vae.put("out_channels", 3);
            vae.put("latent_channels", 4);
            vae.put("block_out_channels", blocks);
            vae.put("sample_size", spec.height());
            vae.put("scaling_factor", (double) SCALING_FACTOR);
            writeJson(dir.resolve(part + "/config.json"), vae);
        }
        Map<String, Object> unet = new LinkedHashMap<>();
        unet.put("_class_name", "UNet2DConditionModel");
        unet.put("in_channels", 4);
        unet.put("out_channels", 4);
        unet.put("sample_size", spec.latentHeight());
        unet.put("cross_attention_dim", spec.textDim());
        unet.put("time_cond_proj_dim", spec.timestepCond() > 0 ? spec.timestepCond() : null);
        writeJson(dir.resolve("unet/config.json"), unet);
        Map<String, Object> text = new LinkedHashMap<>();
        text.put("_class_name", "CLIPTextModel");
        text.put("model_type", "clip_text_model");
        text.put("hidden_size", spec.textDim());
        text.put("max_position_embeddings", spec.seqLen());
        text.put("vocab_size", vocab.size());
        writeJson(dir.resolve("text_encoder/config.json"), text);

        Map<String, Object> fixture = new LinkedHashMap<>();
        fixture.put("width", spec.width());
        fixture.put("height", spec.height());
        fixture.put("vae_factor", spec.vaeFactor());
        fixture.put("text_dim", spec.textDim());
        fixture.put("seq_len", spec.seqLen());
        fixture.put("ids", spec.ids().name());
        fixture.put("timestep", spec.timestep().name());
        fixture.put("vae_output", spec.vaeOutput().name());
        fixture.put("timestep_cond", spec.timestepCond());
        fixture.put("precision", spec.precision().name());
        fixture.put("weights", spec.weights().name());
        fixture.put("channels", spec.channels());
        fixture.put("seed", spec.seed());
        fixture.put("padding", spec.padding().name());
        fixture.put("external_data", spec.externalData());
        writeJson(dir.resolve("fixture_spec.json"), fixture);
    }
}
