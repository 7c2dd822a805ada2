package dev.streamcanvas.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamcanvas.engine.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training checkpoint file ({@code checkpoint.bin} in a run folder): a header line, a JSON {@link Meta} block,
 * then the VAE, text-encoder and UNet {@link Params} in that order. Reusable outside the {@link Trainer} (e.g. a
 * later distillation stage that starts from a trained run). Written to a temporary file and renamed.
 *
 * <pre>
 * writeUTF("streamcanvas-train-checkpoint-1"), int metaLength, meta JSON (UTF-8), vae params, text params, unet params
 * </pre>
 */
public final class Checkpoint {
    /** File name inside a run folder. */
    public static final String FILE = "checkpoint.bin";
    static final String MAGIC = "streamcanvas-train-checkpoint-1";

    private Checkpoint() {
    }

    /**
     * What a checkpoint says about its run.
     *
     * @param vaeSteps      VAE steps done
     * @param unetSteps     UNet (and text encoder) steps done
     * @param scalingFactor latent scaling factor; NaN until the VAE stage is finished
     * @param model         {@link MicroSdConfig#toString()} of the run's model
     * @param vocab         vocabulary size of the run's tokenizer
     * @param history       measurements so far
     */
    public record Meta(int vaeSteps, int unetSteps, float scalingFactor, String model, int vocab,
            List<Measurement> history) {
        public Meta {
            history = List.copyOf(history);
        }
    }

    /** Writes meta and the three parameter sets to {@code file} (temp file + rename). */
    public static void write(Path file, Meta meta, Params vae, Params text, Params unet) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("vaeSteps", meta.vaeSteps());
        m.put("unetSteps", meta.unetSteps());
        m.put("scalingFactor", meta.scalingFactor());
        m.put("model", meta.model());
        m.put("vocab", meta.vocab());
        ArrayNode hist = m.putArray("history");
        for (Measurement r : meta.history()) {
            hist.addArray().add(r.step()).add(r.heldOutLoss()).add(r.frechetDistance()).add(r.trainLoss())
                    .add(r.assignMs()).add(r.classifierFd()).add(r.classifierFdStd()).add(r.distanceReduction());
        }
        byte[] metaBytes = json.writeValueAsBytes(m);
        AtomicFiles.write(file, os -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.writeUTF(MAGIC);
            out.writeInt(metaBytes.length);
            out.write(metaBytes);
            vae.write(out);
            text.write(out);
            unet.write(out);
            out.flush();
        });
    }

    /** Reads only the meta block. */
    public static Meta readMeta(Path file) throws IOException {
        return read(file, null, null, null);
    }

    /**
     * Reads the meta block and fills the given parameter sets in file order; reading stops at the first null
     * (so {@code read(file, vae, null, null)} takes only the VAE).
     *
     * @throws java.nio.file.NoSuchFileException when there is no file
     * @throws IOException naming the file when it is not a checkpoint or its tensors do not fit
     */
    public static Meta read(Path file, Params vae, Params text, Params unet) throws IOException {
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                DataInputStream in = new DataInputStream(is)) {
            Meta meta = meta(in, file);
            Params[] parts = {vae, text, unet};
            for (Params p : parts) {
                if (p == null) {
                    break;
                }
                p.read(in, file.toString());
            }
            return meta;
        }
    }

    private static Meta meta(DataInputStream in, Path file) throws IOException {
        String magic = in.readUTF();
        if (!MAGIC.equals(magic)) {
            throw new IOException(file + ": not a StreamCanvas training checkpoint (found header '" + magic + "')");
        }
        int len = in.readInt();
        if (len < 0 || len > 1 << 26) {
            throw new IOException(file + ": the checkpoint is corrupt (its metadata length is " + len + ")");
        }
        byte[] bytes = new byte[len];
        in.readFully(bytes);
        JsonNode m = new ObjectMapper().readTree(bytes);
        if (!m.isObject()) {
            throw new IOException(file + ": the checkpoint is corrupt (its metadata is not a JSON object)");
        }
        List<Measurement> history = new ArrayList<>();
        for (JsonNode row : m.path("history")) {
            double[] r = new double[8]; // checkpoints before the classifier metric hold 5: the rest read as NaN
            for (int i = 0; i < r.length; i++) {
                r[i] = i < row.size() && row.get(i).isNumber() ? row.get(i).asDouble() : Double.NaN;
            }
            history.add(new Measurement((int) r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]));
        }
        return new Meta(m.path("vaeSteps").asInt(), m.path("unetSteps").asInt(),
                (float) m.path("scalingFactor").asDouble(Double.NaN), m.path("model").asText(), m.path("vocab").asInt(),
                history);
    }
}
