package dev.streamcanvas.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A small convolutional classifier of emoji categories (emoji.json's "category": Smileys &amp; Emotion, Animals &amp;
 * Nature, Flags, ...), trained here on the training split, whose pooled features are the feature space of the
 * sample-quality metrics (category accuracy of generated images, Fréchet distance to held-out real images).
 * <pre>
 * [B, 3, S, S] -> conv 3x3 stride 2 (c) -> 4 x [conv 3x3 stride 2, GroupNorm, SiLU] (c, 2c, 4c, 4c) -> mean over space
 * -> features [B, 4c] -> linear -> logits [B, classes]
 * </pre>
 * Training augments with horizontal flips, shifts of up to S/16 pixels (white fill) and, for a third of the rows,
 * a 2x box blur, so that slightly soft generated images are not out of distribution. Not thread-safe.
 */
public final class EmojiClassifier implements AutoCloseable {
    private static final String MAGIC = "streamcanvas-emoji-classifier-1";
    static final String FILE = "classifier.bin";
    private static final int GROUPS = 8;

    private final NDManager manager;
    private final Params p;
    private final List<String> classes;
    private final int size;
    private final int width;

    /** A fresh classifier for {@code classes} at image size {@code size}, base width {@code width}. */
    public EmojiClassifier(List<String> classes, int size, int width, long seed) {
        if (classes.size() < 2 || size < 16 || size % 16 != 0 || width < GROUPS || width % GROUPS != 0) {
            throw new IllegalArgumentException("need >= 2 classes, size a multiple of 16 and width a multiple of "
                    + GROUPS + "; got " + classes.size() + " classes, size " + size + ", width " + width);
        }
        this.classes = List.copyOf(classes);
        this.size = size;
        this.width = width;
        manager = NDManager.newBaseManager("PyTorch");
        p = new Params(manager, seed);
        Nn.defConv(p, "conv_in", 3, width, 3);
        int[] ch = {width, 2 * width, 4 * width, 4 * width};
        int prev = width;
        for (int i = 0; i < ch.length; i++) {
            Nn.defConv(p, "down" + i, prev, ch[i], 3);
            Nn.defNorm(p, "norm" + i, ch[i]);
            prev = ch[i];
        }
        Nn.defLinear(p, "head", prev, classes.size(), true);
    }

    /** Sorted distinct category names of the given labels. */
    public static List<String> classesOf(List<String> labels) {
        return List.copyOf(new TreeSet<>(labels));
    }

    public List<String> classes() {
        return classes;
    }

    /** Image side the classifier takes. */
    public int size() {
        return size;
    }

    public int featureDim() {
        return 4 * width;
    }

    /** images [B, 3, S, S] -> pooled features [B, 4c]. */
    private NDArray features(NDArray x) {
        NDArray h = Nn.conv(x, p, "conv_in", 2);
        for (int i = 0; i < 4; i++) {
            h = Nn.silu(Nn.groupNorm(Nn.conv(h, p, "down" + i, 2), p, "norm" + i, GROUPS));
        }
        Shape sh = h.getShape();
        return h.reshape(sh.get(0), sh.get(1), -1).mean(new int[] {2});
    }

    /**
     * Trains on the given images [n][3*S*S] with labels (indices into {@link #classes()}).
     *
     * @param progress told (step, loss) after each step; may be null
     */
    public void train(List<float[]> images, int[] labels, int steps, int batch, float lr, long seed,
            java.util.function.ObjIntConsumer<Double> progress) {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        int n = images.size();
        int k = classes.size();
        int len = 3 * size * size;
        for (int step = 0; step < steps; step++) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
            float[] x = new float[batch * len];
            float[] onehot = new float[batch * k];
            float[] tmp = new float[len];
            for (int i = 0; i < batch; i++) {
                int item = r.nextInt(n);
                augment(images.get(item), tmp, r);
                System.arraycopy(tmp, 0, x, i * len, len);
                onehot[i * k + labels[item]] = 1f;
            }
            double loss;
            try (NDManager sm = manager.newSubManager()) {
                p.lendTo(sm);
                NDArray xs = sm.create(x, new Shape(batch, 3, size, size));
                NDArray y = sm.create(onehot, new Shape(batch, k));
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray logits = Nn.linear(features(xs), p, "head");
                    NDArray ce = Nn.scale(logits.logSoftmax(1).mul(y).sum(), -1f / batch);
                    loss = ce.getFloat();
                    gc.backward(ce);
                }
            }
            if (!Double.isFinite(loss) || !p.adamStep(lr, 0.9f, 0.999f, 1e-8f, 1f)) {
                p.zeroGradients();
            }
            if (progress != null) {
                progress.accept(loss, step + 1);
            }
        }
    }

    /** Flip, shift (white fill) and sometimes blur one [3, S, S] image into out. */
    private void augment(float[] img, float[] out, SplittableRandom r) {
        int s = size;
        boolean flip = r.nextBoolean();
        int max = s / 16;
        int dx = r.nextInt(2 * max + 1) - max;
        int dy = r.nextInt(2 * max + 1) - max;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y++) {
                for (int xx = 0; xx < s; xx++) {
                    int sx = (flip ? s - 1 - xx : xx) - dx;
                    int sy = y - dy;
                    out[(c * s + y) * s + xx] = sx < 0 || sy < 0 || sx >= s || sy >= s ? 1f : img[(c * s + sy) * s + sx];
                }
            }
        }
        if (r.nextInt(3) == 0) {
            boxBlur2(out, s);
        }
    }

    /** 2x2 mean then nearest 2x upsampling, in place: the detail a soft decoder loses. */
    static void boxBlur2(float[] img, int s) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y += 2) {
                for (int x = 0; x < s; x += 2) {
                    int o = (c * s + y) * s + x;
                    float m = (img[o] + img[o + 1] + img[o + s] + img[o + s + 1]) / 4f;
                    img[o] = m;
                    img[o + 1] = m;
                    img[o + s] = m;
                    img[o + s + 1] = m;
                }
            }
        }
    }

    /** Result of {@link #evaluate}: per image the top-1 class and the pooled features [n, featureDim]. */
    public record Evaluation(int[] top1, float[] features) {
    }

    /** Classifies images [n, 3, S, S] in [-1, 1] (no augmentation), in chunks. */
    public Evaluation evaluate(float[] images, int n) {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        int len = 3 * size * size;
        int[] top = new int[n];
        float[] feats = new float[n * featureDim()];
        int chunk = 64;
        for (int start = 0; start < n; start += chunk) {
            int m = Math.min(chunk, n - start);
            float[] x = java.util.Arrays.copyOfRange(images, start * len, (start + m) * len);
            try (NDManager sm = manager.newSubManager()) {
                p.lendTo(sm);
                NDArray f = features(sm.create(x, new Shape(m, 3, size, size)));
                float[] logits = Nn.linear(f, p, "head").toFloatArray();
                System.arraycopy(f.toFloatArray(), 0, feats, start * featureDim(), m * featureDim());
                int k = classes.size();
                for (int i = 0; i < m; i++) {
                    int best = 0;
                    for (int c = 1; c < k; c++) {
                        if (logits[i * k + c] > logits[i * k + best]) {
                            best = c;
                        }
                    }
                    top[start + i] = best;
                }
            }
        }
        return new Evaluation(top, feats);
    }

    // ---------------------------------------------------------------- files

    /** Writes {@code dir/classifier.bin} atomically (classes, size, width, weights). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode meta = json.createObjectNode();
        meta.put("size", size);
        meta.put("width", width);
        var arr = meta.putArray("classes");
        classes.forEach(arr::add);
        byte[] metaBytes = json.writeValueAsBytes(meta);
        AtomicFiles.write(dir.resolve(FILE), os -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.writeUTF(MAGIC);
            out.writeInt(metaBytes.length);
            out.write(metaBytes);
            p.write(out);
            out.flush();
        });
    }

    /** Reads what {@link #save} wrote; the message names the file when it is not a classifier. */
    public static EmojiClassifier load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                DataInputStream in = new DataInputStream(is)) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not an emoji classifier (found header '" + magic + "')");
            }
            int len = in.readInt();
            if (len < 0 || len > (1 << 20)) {
                throw new IOException(file + ": corrupt classifier file (metadata length " + len + ")");
            }
            byte[] m = new byte[len];
            in.readFully(m);
            JsonNode meta = new ObjectMapper().readTree(m);
            List<String> classes = new ArrayList<>();
            meta.path("classes").forEach(c -> classes.add(c.asText()));
            EmojiClassifier c = new EmojiClassifier(classes, meta.path("size").asInt(), meta.path("width").asInt(), 0);
            try {
                c.p.read(in, file.toString());
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": classifier file is truncated", e);
        }
    }

    /** Labels of a folder's images from its {@code categories.json} ({"file.png": "category"}), by image name. */
    public static Map<String, String> readCategories(Path dataDir) throws IOException {
        Path f = dataDir.resolve("categories.json");
        if (!Files.exists(f)) {
            throw new IOException(f + ": missing (models/make-emoji-dataset.sh writes it next to captions.json)");
        }
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        if (!root.isObject()) {
            throw new IOException(f + ": expected an object {\"file.png\": \"category\"}");
        }
        Map<String, String> out = new java.util.HashMap<>();
        root.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    @Override
    public void close() {
        try {
            p.close();
        } finally {
            manager.close();
        }
    }
}
