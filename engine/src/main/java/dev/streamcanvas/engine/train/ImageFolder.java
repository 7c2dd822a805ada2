package dev.streamcanvas.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image-folder dataset loaded into memory: every image file a decoder accepts, centre-cropped to a square,
 * resized to {@code size}, composited onto white where transparent, as [3, size, size] floats in [-1, 1].
 * Captions come from a sidecar {@code name.txt}, else from {@code captions.json} ({"file.png": "caption"}),
 * else from the file name. Files that fail to decode are skipped and counted.
 */
public final class ImageFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

    private final int size;
    private final List<float[]> images;
    private final List<String> captions;
    private final List<String> names;
    private final int skipped;

    private ImageFolder(int size, List<float[]> images, List<String> captions, List<String> names, int skipped) {
        this.size = size;
        this.images = images;
        this.captions = captions;
        this.names = names;
        this.skipped = skipped;
    }

    /** Told after each candidate file while a folder loads. */
    @FunctionalInterface
    public interface LoadProgress {
        /** {@code done} of {@code total} candidate files are read; return false to stop loading. */
        boolean onFile(int done, int total);
    }

    /** Loads every decodable image in {@code dir} (not recursive), sorted by file name. */
    public static ImageFolder load(Path dir, int size, List<ImageDecoder> decoders) throws IOException {
        return load(dir, size, decoders, (done, total) -> true);
    }

    /**
     * Like {@link #load(Path, int, List)}, reporting progress after each file.
     *
     * @throws CancellationException when {@code progress} returned false
     */
    public static ImageFolder load(Path dir, int size, List<ImageDecoder> decoders, LoadProgress progress)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a folder (expected a folder of PNG/JPEG images)");
        }
        Map<String, String> captionMap = Map.of();
        Path cj = dir.resolve("captions.json");
        if (Files.exists(cj)) {
            captionMap = readCaptions(cj);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> decoders.stream().anyMatch(d -> d.accepts(p.getFileName().toString())))
                    .sorted().toList();
        }
        List<float[]> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int skipped = 0;
        for (Path f : files) {
            String name = f.getFileName().toString();
            ImageDecoder dec = decoders.stream().filter(d -> d.accepts(name)).findFirst().orElseThrow();
            ImageDecoder.Image img;
            try {
                img = dec.decode(Files.readAllBytes(f), f.toString());
            } catch (IOException | RuntimeException e) {
                LOG.warn("skipping {}: {}", f, e.getMessage());
                skipped++;
                if (!progress.onFile(images.size() + skipped, files.size())) {
                    throw new CancellationException("loading " + dir + " was cancelled");
                }
                continue;
            }
            images.add(toTensor(img, size));
            names.add(name);
            captions.add(caption(f, name, captionMap));
            if (!progress.onFile(images.size() + skipped, files.size())) {
                throw new CancellationException("loading " + dir + " was cancelled");
            }
        }
        if (images.isEmpty()) {
            throw new IOException(dir + ": no readable images (" + files.size() + " candidate files, " + skipped + " failed to decode)");
        }
        LOG.info("{}: {} images, {} skipped", dir, images.size(), skipped);
        return new ImageFolder(size, images, captions, names, skipped);
    }

    private static Map<String, String> readCaptions(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object {\"file.png\": \"caption\", ...}");
        }
        Map<String, String> m = new java.util.HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    private static String caption(Path f, String name, Map<String, String> map) throws IOException {
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        Path side = f.resolveSibling(stem + ".txt");
        if (Files.exists(side)) {
            return Files.readString(side, StandardCharsets.UTF_8).trim();
        }
        String c = map.get(name);
        if (c != null) {
            return c;
        }
        return stem.replaceAll("[_\\-]+", " ").toLowerCase(Locale.ROOT).trim();
    }

    /** Centre square crop, bilinear resize, white background, [3, size, size] in [-1, 1]. */
    static float[] toTensor(ImageDecoder.Image img, int size) {
        int side = Math.min(img.width(), img.height());
        int x0 = (img.width() - side) / 2;
        int y0 = (img.height() - side) / 2;
        float[] out = new float[3 * size * size];
        double scale = (double) side / size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                // box filter over the source pixels that this output pixel covers
                int sx0 = x0 + (int) Math.floor(x * scale);
                int sx1 = Math.max(sx0 + 1, x0 + (int) Math.floor((x + 1) * scale));
                int sy0 = y0 + (int) Math.floor(y * scale);
                int sy1 = Math.max(sy0 + 1, y0 + (int) Math.floor((y + 1) * scale));
                double r = 0;
                double g = 0;
                double b = 0;
                int n = 0;
                for (int sy = sy0; sy < sy1; sy++) {
                    for (int sx = sx0; sx < sx1; sx++) {
                        int p = img.argb()[sy * img.width() + sx];
                        double a = (p >>> 24) / 255.0;
                        r += a * ((p >> 16) & 0xff) + (1 - a) * 255;
                        g += a * ((p >> 8) & 0xff) + (1 - a) * 255;
                        b += a * (p & 0xff) + (1 - a) * 255;
                        n++;
                    }
                }
                int o = y * size + x;
                out[o] = (float) (r / n / 127.5 - 1);
                out[size * size + o] = (float) (g / n / 127.5 - 1);
                out[2 * size * size + o] = (float) (b / n / 127.5 - 1);
            }
        }
        return out;
    }

    /** Builds a dataset from tensors already in memory (tests, synthetic data). */
    public static ImageFolder of(int size, List<float[]> images, List<String> captions) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            names.add("item" + i);
        }
        return new ImageFolder(size, List.copyOf(images), List.copyOf(captions), names, 0);
    }

    /** Builds a dataset from tensors already in memory with the given file names (tests of name-based splits). */
    public static ImageFolder of(int size, List<float[]> images, List<String> captions, List<String> names) {
        if (names.size() != images.size() || captions.size() != images.size()) {
            throw new IllegalArgumentException(images.size() + " images, " + captions.size() + " captions, "
                    + names.size() + " names: one of each per item");
        }
        return new ImageFolder(size, List.copyOf(images), List.copyOf(captions), List.copyOf(names), 0);
    }

    public int size() {
        return images.size();
    }

    public int imageSize() {
        return size;
    }

    /** Image i as [3, S, S] in [-1, 1] (do not modify). */
    public float[] image(int i) {
        return images.get(i);
    }

    public String caption(int i) {
        return captions.get(i);
    }

    public String name(int i) {
        return names.get(i);
    }

    public List<String> captions() {
        return captions;
    }

    /** Files that failed to decode and were skipped. */
    public int skipped() {
        return skipped;
    }

    /** Converts [3, S, S] in [-1, 1] to opaque ARGB pixels (for previews). */
    public static int[] toArgb(float[] chw, int size) {
        int[] out = new int[size * size];
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            int r = toByte(chw[i]);
            int g = toByte(chw[plane + i]);
            int b = toByte(chw[2 * plane + i]);
            out[i] = 0xff000000 | r << 16 | g << 8 | b;
        }
        return out;
    }

    private static int toByte(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 1) * 127.5f)));
    }
}
