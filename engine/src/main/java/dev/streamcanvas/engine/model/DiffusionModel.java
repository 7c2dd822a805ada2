package dev.streamcanvas.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamcanvas.engine.schedule.NoiseSchedule;
import dev.streamcanvas.engine.stream.Denoiser;
import dev.streamcanvas.engine.stream.LatentCodec;
import dev.streamcanvas.engine.stream.PromptEncoder;
import dev.streamcanvas.engine.stream.StreamModel;
import dev.streamcanvas.engine.text.ClipTokenizer;
import dev.streamcanvas.engine.onnx.OnnxFormatException;
import dev.streamcanvas.engine.v2v.BankEditException;
import dev.streamcanvas.engine.v2v.BankLayer;
import dev.streamcanvas.engine.v2v.BankLayout;
import dev.streamcanvas.engine.v2v.BankedUnetFile;
import dev.streamcanvas.engine.v2v.FeatureBank;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model folder in the diffusers / optimum ONNX layout (DESIGN §3), loaded: tokenizer + text encoder, UNet, and
 * either the full VAE pair or the tiny VAE declared by {@value TinyVae#CARD}. Reads every graph's signature and
 * adapts (id and timestep types, latent_sample vs latent_parameters, fp16, timestep_cond); the latent factor comes
 * from the VAE shapes (or its config), the scaling factor from {@code vae_*}/config.json (default 0.18215).
 * Owns its components and closes them in reverse order of creation, each once, each in its own try.
 */
public final class DiffusionModel implements StreamModel {
    private static final Logger LOG = LoggerFactory.getLogger(DiffusionModel.class);
    public static final float DEFAULT_SCALING_FACTOR = 0.18215f;
    private static final String LAYOUT = "model_index.json, tokenizer/{vocab.json,merges.txt}, text_encoder/model.onnx, "
            + "unet/model.onnx, vae_encoder/model.onnx, vae_decoder/model.onnx";

    private final Path dir;
    private final NoiseSchedule schedule;
    private final TextEncoder textEncoder;
    private final Unet unet;
    private final VaeCodec codec;
    private final GraphRunner clock;
    private final int fixedWidth;
    private final int fixedHeight;
    private final boolean singleStep;
    private final String status;
    private boolean closed;

    private DiffusionModel(Path dir, NoiseSchedule schedule, TextEncoder textEncoder, Unet unet, VaeCodec codec,
            GraphRunner clock, boolean singleStep, String status) {
        this.dir = dir;
        this.schedule = schedule;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.codec = codec;
        this.clock = clock;
        this.singleStep = singleStep;
        this.status = status;
        VaeEncoder e = codec.encoder();
        this.fixedHeight = (int) e.inputHeight();
        this.fixedWidth = (int) e.inputWidth();
    }

    /** Loads {@code dir} with the full VAE. */
    public static DiffusionModel load(Path dir, Device device) throws ModelLoadException {
        return load(dir, device, false);
    }

    /**
     * Loads a model folder.
     *
     * @param tinyVae use the tiny VAE declared by {@value TinyVae#CARD} (an error when the card is missing)
     * @throws ModelLoadException with one message naming the file and the expected versus found signature
     */
    public static DiffusionModel load(Path dir, Device device, boolean tinyVae) throws ModelLoadException {
        return load(dir, device, tinyVae, false);
    }

    /**
     * Loads a model folder, optionally with the StreamV2V feature bank: the UNet's self-attention layers are edited
     * once ({@link BankedUnetFile}, cached by the file's hash) and the edited graph is loaded with a
     * {@link FeatureBank}. A UNet that cannot take a bank (no self-attention, fused attention, ...) loads as is,
     * with one log line saying why; the bank is then unavailable ({@link #featureBank()} is null).
     *
     * @param featureBank edit and load the UNet for the feature bank (settings then turn the bank on and off)
     */
    public static DiffusionModel load(Path dir, Device device, boolean tinyVae, boolean featureBank)
            throws ModelLoadException {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new ModelLoadException(root + ": not a model folder (expected " + LAYOUT + ")");
        }
        require(root, "tokenizer/vocab.json", "the CLIP vocabulary");
        require(root, "tokenizer/merges.txt", "the CLIP BPE merges");
        require(root, "text_encoder/model.onnx", "the text encoder: input_ids [batch, L] -> last_hidden_state");
        require(root, "unet/model.onnx", "the UNet: sample, timestep, encoder_hidden_states -> out_sample");
        Path card = root.resolve(TinyVae.CARD);
        TinyVae.Card tiny = null;
        if (tinyVae) {
            if (!Files.isRegularFile(card)) {
                throw new ModelLoadException(card + ": missing (the tiny VAE was requested but the folder declares none)");
            }
            tiny = TinyVae.readCard(root, card);
        } else {
            require(root, "vae_encoder/model.onnx", "the VAE encoder: sample [batch, 3, H, W] -> latent_sample");
            require(root, "vae_decoder/model.onnx", "the VAE decoder: latent_sample -> sample [batch, 3, H, W]");
        }
        ModelFolder.Scheduler scheduler = ModelFolder.scheduler(root); // the same reader as inspect's check
        NoiseSchedule schedule = scheduler.schedule();
        boolean singleStep = scheduler.singleStep();

        GraphRunner clock = new GraphRunner();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            OnnxGraph textGraph = OnnxGraph.load(root.resolve("text_encoder/model.onnx"), device);
            opened.add(textGraph);
            int length = textGraph.input("input_ids").map(t -> t.rank() == 2 ? (int) t.dim(1) : -1).orElse(-1);
            ClipTokenizer tokenizer;
            try {
                tokenizer = ClipTokenizer.load(root.resolve("tokenizer"), length);
            } catch (IOException e) {
                throw new ModelLoadException(e.getMessage(), e);
            }
            TextEncoder text = new TextEncoder(textGraph, tokenizer, clock);
            opened.set(opened.size() - 1, text);

            Path unetFile = root.resolve("unet/model.onnx");
            BankedUnetFile.Prepared prepared = featureBank ? prepareBank(unetFile) : null;
            BankLayout layout = prepared == null ? null : prepared.layout();
            if (prepared != null) {
                unetFile = prepared.file();
            }
            OnnxGraph unetGraph = OnnxGraph.load(unetFile, device);
            opened.add(unetGraph);
            FeatureBank bank = null;
            if (layout != null) {
                try {
                    bank = new FeatureBank(layout, unetGraph.environment());
                } catch (ai.onnxruntime.OrtException e) {
                    throw new ModelLoadException(unetFile + ": cannot allocate the feature bank: " + e.getMessage(), e);
                }
            }
            Unet unet;
            try {
                unet = new Unet(unetGraph, clock, bank);
            } catch (ModelLoadException | RuntimeException e) {
                if (bank != null) {
                    bank.close();
                }
                throw e;
            }
            opened.set(opened.size() - 1, unet);

            VaeCodec codec;
            if (tiny != null) {
                codec = TinyVae.load(tiny, device, clock);
            } else {
                OnnxGraph encGraph = OnnxGraph.load(root.resolve("vae_encoder/model.onnx"), device);
                opened.add(encGraph);
                VaeEncoder enc = new VaeEncoder(encGraph, clock);
                opened.set(opened.size() - 1, enc);
                OnnxGraph decGraph = OnnxGraph.load(root.resolve("vae_decoder/model.onnx"), device);
                opened.add(decGraph);
                VaeDecoder dec = new VaeDecoder(decGraph, clock);
                opened.set(opened.size() - 1, dec);
                float scale = scalingFactor(root);
                int factor = dec.factor() > 0 ? dec.factor() : enc.factor() > 0 ? enc.factor() : configFactor(root);
                codec = new VaeCodec(enc, dec, scale, -1f, 1f, factor);
                opened.remove(dec);
                opened.remove(enc);
            }
            opened.add(codec);

            // cross-checks between the parts
            if (unet.channels() != codec.channels()) {
                throw new ModelLoadException(root.resolve("unet/model.onnx") + ": unet takes " + unet.channels()
                        + " latent channels but the VAE makes " + codec.channels());
            }
            if (unet.textWidth() > 0 && unet.textWidth() != text.width()) {
                throw new ModelLoadException(root.resolve("unet/model.onnx") + ": unet expects encoder_hidden_states"
                        + " width D = " + unet.textWidth() + " but the text encoder makes " + text.width());
            }
            if (unet.textLength() > 0 && unet.textLength() != text.sequenceLength()) {
                throw new ModelLoadException(root.resolve("unet/model.onnx") + ": unet expects " + unet.textLength()
                        + " text tokens but the text encoder makes " + text.sequenceLength());
            }
            String st = statusOf(unetGraph.status());
            DiffusionModel m = new DiffusionModel(root, schedule, text, unet, codec, clock, singleStep, st);
            LOG.info("loaded {} (latent factor {}, scaling {}, {}{})", root, codec.factor(), codec.scalingFactor(),
                    unetGraph.status().active(), tiny != null ? ", tiny VAE" : "");
            return m;
        } catch (ModelLoadException | RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** A loader for {@link dev.streamcanvas.engine.stream.StreamEngine#loadModel}: {@code load(dir, device, tinyVae)}. */
    public static dev.streamcanvas.engine.stream.StreamEngine.ModelLoader loader(Path dir, Device device,
            boolean tinyVae) {
        return () -> load(dir, device, tinyVae);
    }

    /** A loader with the feature bank: {@code load(dir, device, tinyVae, featureBank)}. */
    public static dev.streamcanvas.engine.stream.StreamEngine.ModelLoader loader(Path dir, Device device,
            boolean tinyVae, boolean featureBank) {
        return () -> load(dir, device, tinyVae, featureBank);
    }

    /** The edited UNet for the feature bank, or null (with a log line) when this UNet cannot take one. */
    private static BankedUnetFile.Prepared prepareBank(Path unetFile) throws ModelLoadException {
        try {
            BankedUnetFile.Prepared p = BankedUnetFile.prepare(unetFile, BankedUnetFile.defaultCache());
            if (p.layout().size() == 0) {
                return null;
            }
            for (BankLayer l : p.layout().layers()) {
                if (l.level() < 0) {
                    LOG.warn("{}: self-attention {} is not reachable from 'sample' at a known resolution; loading "
                            + "the UNet without the feature bank", unetFile, l.name());
                    return null;
                }
            }
            return p;
        } catch (BankEditException e) {
            LOG.warn("{}; loading the UNet without the feature bank", e.getMessage());
            return null;
        } catch (OnnxFormatException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    /** The StreamV2V feature bank of the UNet, or null when loaded without one (or the UNet cannot take one). */
    public FeatureBank featureBank() {
        return unet.featureBank();
    }

    private static String statusOf(RuntimeStatus s) {
        return s.fellBack() ? s.message() : s.active().toString();
    }

    private static void require(Path root, String rel, String what) throws ModelLoadException {
        Path p = root.resolve(rel);
        if (!Files.isRegularFile(p)) {
            throw new ModelLoadException(p + ": missing (expected " + what + "; a model folder holds " + LAYOUT + ")");
        }
    }

    private static float scalingFactor(Path root) throws ModelLoadException {
        for (String part : new String[] {"vae_decoder/config.json", "vae_encoder/config.json", "vae/config.json"}) {
            Path cfg = root.resolve(part);
            if (Files.isRegularFile(cfg)) {
                try {
                    JsonNode n = new ObjectMapper().readTree(cfg.toFile());
                    if (n.has("scaling_factor")) {
                        double v = n.get("scaling_factor").asDouble();
                        if (!(v > 0)) {
                            throw new ModelLoadException(cfg + ": scaling_factor expected > 0, found " + v);
                        }
                        return (float) v;
                    }
                } catch (IOException e) {
                    throw new ModelLoadException(cfg + ": not valid JSON (" + e.getMessage() + ")", e);
                }
            }
        }
        return DEFAULT_SCALING_FACTOR;
    }

    private static int configFactor(Path root) {
        Path cfg = root.resolve("vae_decoder/config.json");
        try {
            JsonNode blocks = new ObjectMapper().readTree(cfg.toFile()).path("block_out_channels");
            if (blocks.isArray() && blocks.size() > 0) {
                return 1 << (blocks.size() - 1);
            }
        } catch (IOException e) {
            LOG.debug("no VAE config at {}", cfg);
        }
        return 8;
    }

    public Path folder() {
        return dir;
    }

    @Override
    public String name() {
        return dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public PromptEncoder prompts() {
        return textEncoder;
    }

    @Override
    public Denoiser denoiser() {
        return unet;
    }

    @Override
    public LatentCodec codec() {
        return codec;
    }

    public TextEncoder textEncoder() {
        return textEncoder;
    }

    public Unet unet() {
        return unet;
    }

    public VaeCodec vae() {
        return codec;
    }

    @Override
    public int[] fixedSize() {
        return fixedWidth > 0 && fixedHeight > 0 ? new int[] {fixedWidth, fixedHeight} : null;
    }

    /** True when the scheduler config says this is a single-step (turbo) model: use the direct x0 form. */
    public boolean singleStep() {
        return singleStep;
    }

    /** The runner of this model's graphs (its time counter and the benchmark's fresh-tensor switch). */
    public GraphRunner runner() {
        return clock;
    }

    @Override
    public long runtimeNanos() {
        return clock.nanos();
    }

    @Override
    public String runtimeStatus() {
        return status;
    }

    /** Closes the VAE, the UNet, then the text encoder; each once, each in its own try. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        AutoCloseable[] reverse = {codec, unet, textEncoder};
        for (AutoCloseable c : reverse) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
