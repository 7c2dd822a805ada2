package dev.streamcanvas.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The optional tiny VAE (TAESD) of a model folder, declared by a small JSON card, {@code tiny_vae.json}:
 * <pre>
 * {
 *   "format": "streamcanvas-tiny-vae/1",
 *   "encoder": "taesd/encoder.onnx",      // relative to the model folder, must stay inside it
 *   "decoder": "taesd/decoder.onnx",
 *   "image_range": [0.0, 1.0],            // pixel values the graphs use for black and white (TAESD: 0..1)
 *   "scaling_factor": 1.0                 // TAESD latents are already in the UNet's units
 * }
 * </pre>
 * The encoder takes [B,3,H,W] and returns [B,4,h,w]; the decoder the reverse (any input/output names).
 */
public final class TinyVae {
    /** The card's file name inside a model folder. */
    public static final String CARD = "tiny_vae.json";

    private TinyVae() {
    }

    /** The parsed card. */
    public record Card(Path encoder, Path decoder, float low, float high, float scale) {
    }

    /**
     * Reads and checks a card.
     *
     * @throws ModelLoadException naming the card and the field that is wrong
     */
    public static Card readCard(Path modelDir, Path card) throws ModelLoadException {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(card));
        } catch (IOException e) {
            throw new ModelLoadException(card + ": not a readable tiny-VAE card (" + e.getMessage() + ")", e);
        }
        if (n == null || !n.isObject()) {
            throw new ModelLoadException(card + ": expected a JSON object with encoder, decoder, image_range, "
                    + "scaling_factor");
        }
        Path enc = inside(modelDir, card, "encoder", n.path("encoder").asText(""));
        Path dec = inside(modelDir, card, "decoder", n.path("decoder").asText(""));
        JsonNode range = n.path("image_range");
        float low = 0f;
        float high = 1f;
        if (!range.isMissingNode()) {
            if (!range.isArray() || range.size() != 2 || !range.get(0).isNumber() || !range.get(1).isNumber()
                    || range.get(0).floatValue() >= range.get(1).floatValue()) {
                throw new ModelLoadException(card + ": image_range expected [low, high] with low < high, found "
                        + range);
            }
            low = range.get(0).floatValue();
            high = range.get(1).floatValue();
        }
        float scale = (float) n.path("scaling_factor").asDouble(1.0);
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new ModelLoadException(card + ": scaling_factor expected a positive number, found "
                    + n.path("scaling_factor"));
        }
        return new Card(enc, dec, low, high, scale);
    }

    private static Path inside(Path modelDir, Path card, String field, String rel) throws ModelLoadException {
        if (rel.isEmpty()) {
            throw new ModelLoadException(card + ": '" + field + "' expected a path to an .onnx file inside "
                    + modelDir);
        }
        Path root = modelDir.toAbsolutePath().normalize();
        Path p = root.resolve(rel).normalize();
        if (Path.of(rel).isAbsolute() || !p.startsWith(root)) {
            throw new ModelLoadException(card + ": '" + field + "' = " + rel + " escapes the model folder " + root);
        }
        try {
            if (Files.exists(p) && !p.toRealPath().startsWith(root.toRealPath())) {
                throw new ModelLoadException(card + ": '" + field + "' = " + rel
                        + " is a link out of the model folder " + root);
            }
        } catch (IOException e) {
            throw new ModelLoadException(card + ": cannot resolve '" + field + "' = " + rel + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** Loads both graphs of a card as a codec (closing what was opened when the second fails). */
    public static VaeCodec load(Card card, Device device, GraphRunner clock) throws ModelLoadException {
        VaeEncoder enc = null;
        try {
            OnnxGraph eg = open(card.encoder(), device);
            try {
                enc = new VaeEncoder(eg, clock);
            } catch (ModelLoadException | RuntimeException e) {
                eg.close();
                throw e;
            }
            OnnxGraph dg = open(card.decoder(), device);
            VaeDecoder dec;
            try {
                dec = new VaeDecoder(dg, clock);
            } catch (ModelLoadException | RuntimeException e) {
                dg.close();
                throw e;
            }
            int factor = dec.factor() > 0 ? dec.factor() : enc.factor() > 0 ? enc.factor() : 8;
            return new VaeCodec(enc, dec, card.scale(), card.low(), card.high(), factor);
        } catch (ModelLoadException | RuntimeException e) {
            if (enc != null) {
                enc.close();
            }
            throw e;
        }
    }

    private static OnnxGraph open(Path file, Device device) throws ModelLoadException {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file + ": missing (declared by " + CARD + ")");
        }
        return OnnxGraph.load(file, device);
    }
}
