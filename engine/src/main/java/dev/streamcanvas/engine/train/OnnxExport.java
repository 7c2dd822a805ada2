package dev.streamcanvas.engine.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.GraphBuilder;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.Value;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Exports a trained micro SD into a model folder of the DESIGN section 3 contract (model_index.json, tokenizer/,
 * text_encoder/, unet/, vae_encoder/, vae_decoder/, scheduler/, configs), so the stream engine loads it like any
 * diffusers/optimum ONNX export. Each graph mirrors the DJL forward pass op by op (see {@link Nn}).
 */
public final class OnnxExport {
    private static final ElementType F = ElementType.FLOAT32;
    private static final String B = "batch";

    private OnnxExport() {
    }

    /** Writes the whole folder (files atomically) for the trainer's current weights. */
    public static void export(Trainer trainer, Path dir) throws IOException {
        export(trainer, trainer.unet(), dir);
    }

    /** Like {@link #export(Trainer, Path)} with another UNet of the same configuration (a distilled student). */
    public static void export(Trainer trainer, MicroUnet unet, Path dir) throws IOException {
        MicroSdConfig cfg = trainer.config().model();
        Files.createDirectories(dir);
        trainer.tokenizer().write(dir.resolve("tokenizer"), cfg.maxTokens());
        write(textEncoder(trainer.textEncoder()), dir.resolve("text_encoder/model.onnx"));
        write(unet(unet), dir.resolve("unet/model.onnx"));
        write(vaeEncoder(trainer.vae()), dir.resolve("vae_encoder/model.onnx"));
        write(vaeDecoder(trainer.vae()), dir.resolve("vae_decoder/model.onnx"));
        writeConfigs(dir, cfg, trainer.tokenizer().vocabSize(), trainer.scalingFactor());
    }

    private static void write(ModelProto m, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        OnnxModelFile.write(m, file);
    }

    // ---------------------------------------------------------------- graphs

    /** input_ids [B, L] int64 -> last_hidden_state [B, L, D]. */
    public static ModelProto textEncoder(MicroTextEncoder te) {
        MicroSdConfig cfg = te.cfg;
        G g = new G("text_encoder", te.p.snapshot(), te.p);
        int l = cfg.maxTokens();
        int d = cfg.textDim();
        Value ids = g.b.input("input_ids", ElementType.INT64, B, l);
        Value x = g.b.add(g.b.gather(g.w("tok_emb"), ids, 0), g.w("pos_emb"));            // [B, L, D]
        float[] mask = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                mask[i * l + j] = -1e9f;
            }
        }
        Value m = g.b.constant(F, new long[] {l, l}, mask);
        for (int i = 0; i < cfg.textLayers(); i++) {
            String n = "layer" + i;
            Value h = g.layerNorm(x, n + ".ln1");
            x = g.b.add(x, g.attention(h, h, m, n + ".attn", cfg.heads(), d));
            h = g.layerNorm(x, n + ".ln2");
            x = g.b.add(x, g.linear(g.b.silu(g.linear(h, n + ".fc1")), n + ".fc2"));
        }
        g.b.output(g.layerNorm(x, "ln_final"), "last_hidden_state", B, l, d);
        return g.b.build();
    }

    /** sample [B, 4, h, w], timestep [B] float32, encoder_hidden_states [B, L, D] -> out_sample [B, 4, h, w]. */
    public static ModelProto unet(MicroUnet u) {
        MicroSdConfig cfg = u.cfg;
        G g = new G("unet", u.p.snapshot(), u.p);
        int c = cfg.unetChannels();
        int gr = cfg.groups();
        Value sample = g.b.input("sample", F, B, 4, "height", "width");
        Value timestep = g.b.input("timestep", F, B);
        Value ctx = g.b.input("encoder_hidden_states", F, B, cfg.maxTokens(), cfg.textDim());
        int half = c / 2;
        float[] freqs = new float[half];
        for (int i = 0; i < half; i++) {
            freqs[i] = (float) Math.exp(-Math.log(10000) * i / half);
        }
        Value args = g.b.mul(g.b.unsqueeze(timestep, 1), g.b.constant(F, new long[] {1, half}, freqs)); // [B, half]
        Value temb = g.b.concat(1, g.b.cos(args), g.b.sin(args));
        temb = g.linear(g.b.silu(g.linear(temb, "time.fc1")), "time.fc2");                 // [B, 4c]

        Value h = g.conv(sample, "conv_in", 1);
        Value s0 = g.resBlock(h, temb, "down.res0", gr);
        h = g.conv(s0, "down.down0", 2);
        h = g.resBlock(h, temb, "down.res1", gr);
        Value s1 = g.transformer(h, ctx, "down.attn1", cfg.heads(), 2 * c);
        h = g.conv(s1, "down.down1", 2);
        h = g.resBlock(h, temb, "mid.res0", gr);
        h = g.transformer(h, ctx, "mid.attn", cfg.heads(), 2 * c);
        h = g.resBlock(h, temb, "mid.res1", gr);
        h = g.conv(g.b.resizeNearest(h, 1, 1, 2, 2), "up.up1", 1);
        h = g.resBlock(g.b.concat(1, h, s1), temb, "up.res1", gr);
        h = g.transformer(h, ctx, "up.attn1", cfg.heads(), 2 * c);
        h = g.conv(g.b.resizeNearest(h, 1, 1, 2, 2), "up.up0", 1);
        h = g.resBlock(g.b.concat(1, h, s0), temb, "up.res0", gr);
        Value out = g.conv(g.b.silu(g.groupNorm(h, "norm_out", gr)), "conv_out", 1);
        g.b.output(out, "out_sample", B, 4, "height", "width");
        return g.b.build();
    }

    /** sample [B, 3, S, S] in [-1, 1] -> latent_parameters [B, 8, S/f, S/f] (mean, log-variance; unscaled). */
    public static ModelProto vaeEncoder(MicroVae v) {
        MicroSdConfig cfg = v.cfg;
        G g = new G("vae_encoder", v.p.snapshot(), v.p);
        int gr = cfg.groups();
        int s = cfg.imageSize();
        Value x = g.b.input("sample", F, B, 3, s, s);
        Value h = g.conv(x, "enc.conv_in", 1);
        h = g.resBlock(h, null, "enc.res0", gr);
        h = g.conv(h, "enc.down0", 2);
        h = g.resBlock(h, null, "enc.res1", gr);
        h = g.conv(h, "enc.down1", 2);
        h = g.resBlock(h, null, "enc.res2", gr);
        if (cfg.vaeFactor() == 8) {
            h = g.resBlock(g.conv(h, "enc.down2", 2), null, "enc.res3", gr);
        }
        Value out = g.conv(g.b.silu(g.groupNorm(h, "enc.norm_out", gr)), "enc.conv_out", 1);
        g.b.output(out, "latent_parameters", B, 8, cfg.latentSize(), cfg.latentSize());
        return g.b.build();
    }

    /** latent_sample [B, 4, S/f, S/f] (unscaled) -> sample [B, 3, S, S]. */
    public static ModelProto vaeDecoder(MicroVae v) {
        MicroSdConfig cfg = v.cfg;
        G g = new G("vae_decoder", v.p.snapshot(), v.p);
        int gr = cfg.groups();
        Value z = g.b.input("latent_sample", F, B, 4, cfg.latentSize(), cfg.latentSize());
        Value h = g.conv(z, "dec.conv_in", 1);
        h = g.resBlock(h, null, "dec.res0", gr);
        if (cfg.vaeFactor() == 8) {
            h = g.resBlock(g.conv(g.b.resizeNearest(h, 1, 1, 2, 2), "dec.up2", 1), null, "dec.res3", gr);
        }
        h = g.conv(g.b.resizeNearest(h, 1, 1, 2, 2), "dec.up0", 1);
        h = g.resBlock(h, null, "dec.res1", gr);
        h = g.conv(g.b.resizeNearest(h, 1, 1, 2, 2), "dec.up1", 1);
        h = g.resBlock(h, null, "dec.res2", gr);
        Value out = g.conv(g.b.silu(g.groupNorm(h, "dec.norm_out", gr)), "dec.conv_out", 1);
        g.b.output(out, "sample", B, 3, cfg.imageSize(), cfg.imageSize());
        return g.b.build();
    }

    // ---------------------------------------------------------------- configs

    private static void writeConfigs(Path dir, MicroSdConfig cfg, int vocab, float scaling) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.put("_class_name", "OnnxStableDiffusionPipeline");
        index.put("_diffusers_version", "0.30.0");
        index.put("_streamcanvas_model", "micro-sd");
        index.set("scheduler", pair(json, "diffusers", "LCMScheduler"));
        index.set("text_encoder", pair(json, "diffusers", "OnnxRuntimeModel"));
        index.set("tokenizer", pair(json, "transformers", "CLIPTokenizer"));
        index.set("unet", pair(json, "diffusers", "OnnxRuntimeModel"));
        index.set("vae_decoder", pair(json, "diffusers", "OnnxRuntimeModel"));
        index.set("vae_encoder", pair(json, "diffusers", "OnnxRuntimeModel"));
        index.put("requires_safety_checker", false);
        writeJson(json, dir.resolve("model_index.json"), index);

        ObjectNode sch = json.createObjectNode();
        sch.put("_class_name", "LCMScheduler");
        NoiseSchedule schedule = NoiseSchedule.STABLE_DIFFUSION; // the schedule Trainer trains with
        sch.put("beta_start", schedule.betaStart());
        sch.put("beta_end", schedule.betaEnd());
        sch.put("beta_schedule", schedule.betaSchedule());
        sch.put("num_train_timesteps", schedule.trainTimesteps());
        sch.put("original_inference_steps", 50);
        sch.put("prediction_type", "epsilon");
        sch.put("clip_sample", false);
        sch.put("set_alpha_to_one", true);
        sch.put("steps_offset", 1);
        sch.put("timestep_scaling", 10.0);
        writeJson(json, dir.resolve("scheduler/scheduler_config.json"), sch);

        for (String part : new String[] {"vae_encoder", "vae_decoder"}) {
            ObjectNode vae = json.createObjectNode();
            vae.put("_class_name", "AutoencoderKL");
            vae.put("in_channels", 3);
            vae.put("out_channels", 3);
            vae.put("latent_channels", MicroSdConfig.LATENT_CHANNELS);
            vae.put("sample_size", cfg.imageSize());
            vae.put("scaling_factor", scaling);
            vae.put("block_out_channels_base", cfg.vaeChannels());
            writeJson(json, dir.resolve(part).resolve("config.json"), vae);
        }
        ObjectNode unet = json.createObjectNode();
        unet.put("_class_name", "UNet2DConditionModel");
        unet.put("in_channels", MicroSdConfig.LATENT_CHANNELS);
        unet.put("out_channels", MicroSdConfig.LATENT_CHANNELS);
        unet.put("sample_size", cfg.latentSize());
        unet.put("cross_attention_dim", cfg.textDim());
        unet.put("base_channels", cfg.unetChannels());
        writeJson(json, dir.resolve("unet/config.json"), unet);
        ObjectNode te = json.createObjectNode();
        te.put("architectures", "CLIPTextModel");
        te.put("hidden_size", cfg.textDim());
        te.put("num_hidden_layers", cfg.textLayers());
        te.put("num_attention_heads", cfg.heads());
        te.put("max_position_embeddings", cfg.maxTokens());
        te.put("vocab_size", vocab);
        writeJson(json, dir.resolve("text_encoder/config.json"), te);
    }

    private static ArrayNode pair(ObjectMapper json, String a, String b) {
        return json.createArrayNode().add(a).add(b);
    }

    private static void writeJson(ObjectMapper json, Path file, ObjectNode node) throws IOException {
        AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    }

    // ---------------------------------------------------------------- the layers, as graph ops

    /** Graph builder plus the weights, with the {@link Nn} layers expressed as ONNX ops. */
    private static final class G {
        final GraphBuilder b;
        final Map<String, float[]> weights;
        final Params params;
        final Map<String, Value> made = new java.util.HashMap<>();

        G(String name, Map<String, float[]> weights, Params params) {
            this.b = new GraphBuilder(name);
            this.weights = weights;
            this.params = params;
        }

        boolean has(String name) {
            return weights.containsKey(name);
        }

        Value w(String name) {
            return made.computeIfAbsent(name, n -> b.initializer(n, F, params.shapeOf(n).getShape(), weights.get(n)));
        }

        /** A linear weight [out, in] stored transposed [in, out] for MatMul. */
        Value wT(String name) {
            return made.computeIfAbsent(name + "^T", n -> {
                long[] s = params.shapeOf(name).getShape();
                int out = (int) s[0];
                int in = (int) s[1];
                float[] src = weights.get(name);
                float[] t = new float[src.length];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        t[i * out + o] = src[o * in + i];
                    }
                }
                return b.initializer(name + ".T", F, new long[] {in, out}, t);
            });
        }

        Value linear(Value x, String name) {
            Value y = b.matmul(x, wT(name + ".weight"));
            return has(name + ".bias") ? b.add(y, w(name + ".bias")) : y;
        }

        Value conv(Value x, String name, int stride) {
            long k = params.shapeOf(name + ".weight").get(2);
            return b.conv(x, w(name + ".weight"), w(name + ".bias"), stride, (int) (k / 2));
        }

        Value groupNorm(Value x, String name, int groups) {
            return b.groupNorm(x, groups, w(name + ".weight"), w(name + ".bias"), Nn.NORM_EPS);
        }

        Value layerNorm(Value x, String name) {
            return b.layerNorm(x, w(name + ".weight"), w(name + ".bias"), -1, Nn.NORM_EPS);
        }

        Value resBlock(Value x, Value temb, String name, int groups) {
            Value h = conv(b.silu(groupNorm(x, name + ".norm1", groups)), name + ".conv1", 1);
            if (temb != null) {
                h = b.add(h, b.unsqueeze(linear(b.silu(temb), name + ".temb"), 2, 3));
            }
            h = conv(b.silu(groupNorm(h, name + ".norm2", groups)), name + ".conv2", 1);
            Value skip = has(name + ".skip.weight") ? conv(x, name + ".skip", 1) : x;
            return b.add(skip, h);
        }

        /** x [B, N, C], ctx [B, M, Cc], additive mask [N, M] or null. */
        Value attention(Value x, Value ctx, Value mask, String name, int heads, int c) {
            long dh = c / heads;
            Value q = b.transpose(b.reshape(linear(x, name + ".q"), 0, 0, heads, dh), 0, 2, 1, 3);     // [B, h, N, dh]
            Value k = b.transpose(b.reshape(linear(ctx, name + ".k"), 0, 0, heads, dh), 0, 2, 3, 1);   // [B, h, dh, M]
            Value v = b.transpose(b.reshape(linear(ctx, name + ".v"), 0, 0, heads, dh), 0, 2, 1, 3);   // [B, h, M, dh]
            Value scores = b.mul(b.matmul(q, k), (float) (1 / Math.sqrt(dh)));
            if (mask != null) {
                scores = b.add(scores, mask);
            }
            Value out = b.transpose(b.matmul(b.softmax(scores, -1), v), 0, 2, 1, 3);                     // [B, N, h, dh]
            return linear(b.reshape(out, 0, 0, c), name + ".out");
        }

        /** Spatial transformer: x [B, C, H, W], ctx [B, L, D]. */
        Value transformer(Value x, Value ctx, String name, int heads, int c) {
            Value t = b.transpose(b.reshape(x, 0, 0, -1), 0, 2, 1);                                   // [B, HW, C]
            Value h = layerNorm(t, name + ".ln1");
            t = b.add(t, attention(h, h, null, name + ".self", heads, c));
            t = b.add(t, attention(layerNorm(t, name + ".ln2"), ctx, null, name + ".cross", heads, c));
            h = layerNorm(t, name + ".ln3");
            t = b.add(t, linear(b.silu(linear(h, name + ".fc1")), name + ".fc2"));
            return b.reshape(b.transpose(t, 0, 2, 1), b.shape(x));
        }
    }
}
