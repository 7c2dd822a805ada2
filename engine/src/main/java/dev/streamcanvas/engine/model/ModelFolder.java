package dev.streamcanvas.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.EmbeddingTables;
import dev.streamcanvas.engine.onnx.OnnxFormatException;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.OnnxSummary;
import dev.streamcanvas.engine.onnx.TensorInfo;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import dev.streamcanvas.engine.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a diffusers / optimum ONNX model folder against the model contract (DESIGN.md section 3) without
 * creating any runtime session: every graph is parsed and safety-checked by the ONNX toolkit and its
 * signature compared with what the stream engine needs. Accepts the variants real exports use: int32 or
 * int64 input_ids; timestep int64/int32/float/float16 of shape [B] or []; latent_sample [B,4,h,w] or
 * latent_parameters [B,8,h,w]; an optional timestep_cond [B,C]; float32 or float16 graphs; weights in
 * {@code model.onnx_data} next to {@code model.onnx}; symbolic or fixed dims. Stateless.
 */
public final class ModelFolder {
    /** The four graphs of the contract, in the order {@code inspect} prints them. */
    public static final List<String> GRAPHS = List.of("text_encoder", "unet", "vae_encoder", "vae_decoder");
    private static final Set<ElementType> FLOATS = Set.of(ElementType.FLOAT32, ElementType.FLOAT16);

    private ModelFolder() {
    }

    /** One graph of the folder: its file and what the toolkit read from it. */
    public record Component(String name, Path file, OnnxSummary summary) {
        public List<TensorInfo> inputs() {
            return summary.inputs();
        }

        public List<TensorInfo> outputs() {
            return summary.outputs();
        }
    }

    /**
     * What the stream engine needs to know about a folder that meets the contract. Sizes are -1 when the graph
     * leaves them symbolic.
     *
     * @param seqLen           token sequence length L (input_ids dim 1), or tokenizer model_max_length
     * @param textDim          text embedding width D
     * @param idsType          INT32 or INT64
     * @param timestepType     INT64, INT32, FLOAT32 or FLOAT16
     * @param timestepScalar   true for a scalar [] timestep, false for [B]
     * @param timestepCondDim  C of timestep_cond [B,C]; 0 when the unet has no such input
     * @param unetFloat        element type of the unet's sample
     * @param vaeOutput        "latent_sample" or "latent_parameters"
     * @param vaeFactor        image size / latent size (from the VAE encoder), -1 when symbolic
     * @param imageHeight      H of the VAE encoder input, -1 when symbolic
     * @param imageWidth       W of the VAE encoder input, -1 when symbolic
     */
    public record Contract(long seqLen, long textDim, ElementType idsType, ElementType timestepType,
            boolean timestepScalar, long timestepCondDim, ElementType unetFloat, String vaeOutput, long vaeFactor,
            long imageHeight, long imageWidth) {
    }

    /**
     * The result of {@link #check}.
     *
     * @param dir        the folder checked
     * @param components graphs found and readable, by component name
     * @param problems   one sentence per problem, each naming the file and expected versus found; empty = OK
     * @param contract   the derived contract values when every graph is present and readable
     */
    public record Report(Path dir, Map<String, Component> components, List<String> problems,
            Optional<Contract> contract) {
        public boolean ok() {
            return problems.isEmpty();
        }

        /** All problems as one message (for a {@link ModelLoadException}). */
        public String message() {
            return ok() ? dir + " meets the model contract"
                    : dir + " does not meet the model contract: " + String.join("; ", problems);
        }
    }

    /** Checks {@code dir}; never throws for a bad folder (the problems are in the report). */
    public static Report check(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        Map<String, Component> components = new LinkedHashMap<>();
        if (!Files.isDirectory(root)) {
            problems.add(root + ": not a folder (expected a diffusers/optimum ONNX model folder)");
            return new Report(root, Map.of(), List.copyOf(problems), Optional.empty());
        }
        // model_index.json is diffusers' bookkeeping: nothing here reads it, so its absence is no problem
        requireFile(root, "tokenizer/vocab.json", problems);
        requireFile(root, "tokenizer/merges.txt", problems);
        if (!Files.isRegularFile(root.resolve("tokenizer/special_tokens_map.json"))
                && !Files.isRegularFile(root.resolve("tokenizer/tokenizer_config.json"))) {
            problems.add(root.resolve("tokenizer") + ": missing special_tokens_map.json or tokenizer_config.json");
        }
        requireFile(root, "scheduler/scheduler_config.json", problems);
        // the same readers the loader uses, so inspect and render agree on every support file
        if (Files.isRegularFile(root.resolve("scheduler/scheduler_config.json"))) {
            try {
                scheduler(root);
            } catch (ModelLoadException e) {
                problems.add(e.getMessage());
            }
        }
        OptionalLong tokenRows = OptionalLong.empty();
        for (String name : GRAPHS) {
            Path file = root.resolve(name).resolve("model.onnx");
            if (!Files.isRegularFile(file)) {
                problems.add(file + ": missing (expected the " + name + " graph)");
                continue;
            }
            try {
                ModelProto model = OnnxModelFile.read(file);
                if (name.equals("text_encoder")) {
                    tokenRows = EmbeddingTables.rows(model, "input_ids");
                }
                components.put(name, new Component(name, file, OnnxSummary.of(model, file)));
            } catch (OnnxFormatException e) {
                problems.add(e.getMessage());
            } catch (IllegalArgumentException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        if (Files.isRegularFile(root.resolve("tokenizer/vocab.json"))
                && Files.isRegularFile(root.resolve("tokenizer/merges.txt"))) {
            try {
                ClipTokenizer tokenizer = ClipTokenizer.load(root.resolve("tokenizer"), -1);
                Map.Entry<String, Integer> top = tokenizer.largestId();
                if (tokenRows.isPresent() && top != null && top.getValue() >= tokenRows.getAsLong()) {
                    problems.add(root.resolve("tokenizer/vocab.json") + ": token '" + top.getKey() + "' has id "
                            + top.getValue() + " but the text encoder's embedding table has " + tokenRows.getAsLong()
                            + " rows (ids 0.." + (tokenRows.getAsLong() - 1) + ", "
                            + root.resolve("text_encoder/model.onnx") + ")");
                }
            } catch (IOException | IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        Contract contract = null;
        if (components.size() == GRAPHS.size()) {
            contract = signatures(root, components, problems);
        }
        return new Report(root, Collections.unmodifiableMap(components), List.copyOf(problems),
                Optional.ofNullable(contract));
    }

    /**
     * The noise schedule of a folder and whether its scheduler is single-step (SD-Turbo ships an Euler scheduler);
     * Stable Diffusion's schedule when there is no {@code scheduler/scheduler_config.json}. The loader and
     * {@link #check} both read the config through this method.
     *
     * @param schedule the schedule
     * @param singleStep true for an Euler scheduler (direct x0 step)
     */
    public record Scheduler(NoiseSchedule schedule, boolean singleStep) {
    }

    /** Reads {@code scheduler/scheduler_config.json}; the message of a failure names the file and the field. */
    public static Scheduler scheduler(Path root) throws ModelLoadException {
        Path cfg = root.resolve("scheduler/scheduler_config.json");
        if (!Files.isRegularFile(cfg)) {
            return new Scheduler(NoiseSchedule.STABLE_DIFFUSION, false);
        }
        try {
            NoiseSchedule schedule = NoiseSchedule.fromConfig(cfg);
            String cls = new ObjectMapper().readTree(cfg.toFile()).path("_class_name").asText("");
            return new Scheduler(schedule, cls.toLowerCase(Locale.ROOT).contains("euler"));
        } catch (IOException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    /** Like {@link #check} but throws one {@link ModelLoadException} listing every problem. */
    public static Report requireValid(Path dir) throws ModelLoadException {
        Report r = check(dir);
        if (!r.ok()) {
            throw new ModelLoadException(r.message());
        }
        return r;
    }

    private static void requireFile(Path root, String rel, List<String> problems) {
        if (!Files.isRegularFile(root.resolve(rel))) {
            problems.add(root.resolve(rel) + ": missing");
        }
    }

    // ---- signatures ---------------------------------------------------------------------------------------

    private static Contract signatures(Path root, Map<String, Component> c, List<String> problems) {
        int before = problems.size();
        // text_encoder: input_ids [B,L] int32|int64 -> last_hidden_state [B,L,D]
        Component te = c.get("text_encoder");
        TensorInfo ids = find(te.inputs(), "input_ids");
        TensorInfo hidden = find(te.outputs(), "last_hidden_state");
        boolean teOk = ids != null && ids.rank() == 2 && (ids.type() == ElementType.INT32 || ids.type() == ElementType.INT64)
                && hidden != null && hidden.rank() == 3 && FLOATS.contains(hidden.type()) && te.inputs().size() == 1;
        if (!teOk) {
            problems.add(mismatch(te, "input input_ids int32|int64 [B, L] -> output last_hidden_state float [B, L, D]"));
        }
        // unet
        Component un = c.get("unet");
        TensorInfo sample = find(un.inputs(), "sample");
        TensorInfo timestep = find(un.inputs(), "timestep");
        TensorInfo ehs = find(un.inputs(), "encoder_hidden_states");
        TensorInfo cond = find(un.inputs(), "timestep_cond");
        TensorInfo out = find(un.outputs(), "out_sample");
        boolean unOk = sample != null && sample.rank() == 4 && FLOATS.contains(sample.type()) && channelsOk(sample, 4)
                && timestep != null && timestep.rank() <= 1
                && (FLOATS.contains(timestep.type()) || timestep.type() == ElementType.INT64
                        || timestep.type() == ElementType.INT32)
                && ehs != null && ehs.rank() == 3 && FLOATS.contains(ehs.type())
                && (cond == null || cond.rank() == 2 && FLOATS.contains(cond.type()))
                && un.inputs().size() == (cond == null ? 3 : 4)
                && out != null && out.rank() == 4 && FLOATS.contains(out.type()) && channelsOk(out, 4);
        if (!unOk) {
            problems.add(mismatch(un, "inputs sample float [B, 4, h, w], timestep int64|float [B] or [], "
                    + "encoder_hidden_states float [B, L, D], optional timestep_cond float [B, C] "
                    + "-> output out_sample float [B, 4, h, w]"));
        }
        // vae_encoder
        Component enc = c.get("vae_encoder");
        TensorInfo img = find(enc.inputs(), "sample");
        TensorInfo lat = find(enc.outputs(), "latent_sample");
        TensorInfo par = find(enc.outputs(), "latent_parameters");
        TensorInfo encOut = lat != null ? lat : par;
        boolean encOk = img != null && img.rank() == 4 && FLOATS.contains(img.type()) && channelsOk(img, 3)
                && enc.inputs().size() == 1 && encOut != null && encOut.rank() == 4 && FLOATS.contains(encOut.type())
                && channelsOk(encOut, lat != null ? 4 : 8);
        if (!encOk) {
            problems.add(mismatch(enc, "input sample float [B, 3, H, W] -> output latent_sample float [B, 4, h, w] "
                    + "or latent_parameters float [B, 8, h, w]"));
        }
        // vae_decoder
        Component dec = c.get("vae_decoder");
        TensorInfo z = find(dec.inputs(), "latent_sample");
        TensorInfo rgb = find(dec.outputs(), "sample");
        boolean decOk = z != null && z.rank() == 4 && FLOATS.contains(z.type()) && channelsOk(z, 4)
                && dec.inputs().size() == 1 && rgb != null && rgb.rank() == 4 && FLOATS.contains(rgb.type())
                && channelsOk(rgb, 3);
        if (!decOk) {
            problems.add(mismatch(dec, "input latent_sample float [B, 4, h, w] -> output sample float [B, 3, H, W]"));
        }
        if (problems.size() > before) {
            return null;
        }
        // cross-graph consistency
        long seqLen = ids.dim(1) >= 0 ? ids.dim(1) : tokenizerMaxLength(root);
        long textDim = hidden.dim(2);
        if (textDim >= 0 && ehs.dim(2) >= 0 && textDim != ehs.dim(2)) {
            problems.add(un.file() + ": encoder_hidden_states width " + ehs.dim(2) + " does not match the text encoder's "
                    + "last_hidden_state width " + textDim + " (" + te.file() + ")");
        }
        if (hidden.dim(1) >= 0 && ehs.dim(1) >= 0 && hidden.dim(1) != ehs.dim(1)) {
            problems.add(un.file() + ": encoder_hidden_states length " + ehs.dim(1) + " does not match the text "
                    + "encoder's sequence length " + hidden.dim(1) + " (" + te.file() + ")");
        }
        long factor = -1;
        if (img.dim(2) > 0 && encOut.dim(2) > 0) {
            factor = img.dim(2) / encOut.dim(2);
            if (img.dim(2) % encOut.dim(2) != 0) {
                problems.add(enc.file() + ": image height " + img.dim(2) + " is not a multiple of the latent height "
                        + encOut.dim(2));
            }
        }
        for (int axis = 2; axis < 4; axis++) {
            long encDim = encOut.dim(axis);
            if (encDim >= 0 && z.dim(axis) >= 0 && encDim != z.dim(axis)) {
                problems.add(dec.file() + ": latent_sample " + z.shapeString() + " does not match the VAE encoder's "
                        + encOut.signature() + " (" + enc.file() + ")");
                break;
            }
            if (encDim >= 0 && sample.dim(axis) >= 0 && encDim != sample.dim(axis)) {
                problems.add(un.file() + ": sample " + sample.shapeString() + " does not match the VAE encoder's "
                        + encOut.signature() + " (" + enc.file() + ")");
                break;
            }
        }
        return new Contract(seqLen, textDim, ids.type(), timestep.type(), timestep.rank() == 0,
                cond == null ? 0 : cond.dim(1), sample.type(), encOut.name(), factor, img.dim(2), img.dim(3));
    }

    private static boolean channelsOk(TensorInfo t, long channels) {
        return t.dim(1) < 0 || t.dim(1) == channels;
    }

    private static TensorInfo find(List<TensorInfo> list, String name) {
        for (TensorInfo t : list) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private static String mismatch(Component c, String expected) {
        return c.file() + ": expected " + expected + "; found inputs " + describe(c.inputs()) + " -> outputs "
                + describe(c.outputs());
    }

    private static String describe(List<TensorInfo> list) {
        return list.isEmpty() ? "(none)" : list.stream().map(TensorInfo::signature).collect(Collectors.joining(", "));
    }

    private static long tokenizerMaxLength(Path root) {
        Path cfg = root.resolve("tokenizer/tokenizer_config.json");
        try {
            JsonNode n = new ObjectMapper().readTree(cfg.toFile()).get("model_max_length");
            return n != null && n.canConvertToLong() && n.asLong() < 100_000 ? n.asLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
