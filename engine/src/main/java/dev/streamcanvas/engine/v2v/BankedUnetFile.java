package dev.streamcanvas.engine.v2v;

import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.onnx.OnnxFormatException;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes (once) and finds (afterwards) the feature-bank edit of a UNet file, keyed by the SHA-256 of the original
 * file and the edit version. The edit reads only the protobuf: initializers stored as external data (SD UNets keep
 * gigabytes in {@code model.onnx_data}) are never loaded, their references are kept.
 *
 * <p>Where the edited graph goes: into {@code CACHE/<hash>/model.onnx}; when the original has external data, its
 * data files are hard-linked into that folder under the same names, so the references stay valid and stay inside
 * the edited graph's folder (the loader's safety rule). When hard links are impossible (another file system) the
 * edited graph is written next to the original as {@code model.v2v-<hash>.onnx}, where the references resolve
 * unchanged. Stateless.
 */
public final class BankedUnetFile {
    private static final Logger LOG = LoggerFactory.getLogger(BankedUnetFile.class);
    /** Bumped when the edit changes, so old cached edits are not reused. */
    public static final int EDIT_VERSION = 1;

    /** The graph to load and its layer table (empty when the UNet has no self-attention: then the original). */
    public record Prepared(Path file, BankLayout layout) {
    }

    private BankedUnetFile() {
    }

    /** The default cache root: {@code $XDG_CACHE_HOME/streamcanvas/v2v} or {@code ~/.cache/streamcanvas/v2v}. */
    public static Path defaultCache() {
        String prop = System.getProperty("streamcanvas.cache");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).resolve("v2v");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("streamcanvas").resolve("v2v");
    }

    /**
     * The edited graph for {@code unetFile}, made now or found in the cache.
     *
     * @throws OnnxFormatException when the original cannot be read
     * @throws BankEditException   when the graph cannot take a bank, or the edit cannot be written anywhere
     */
    public static Prepared prepare(Path unetFile, Path cacheRoot) throws OnnxFormatException, BankEditException {
        Path original = unetFile.toAbsolutePath().normalize();
        String hash = sha256(original);
        String key = hash.substring(0, 16) + "-e" + EDIT_VERSION;
        Path cached = cacheRoot.resolve(key).resolve("model.onnx");
        Path sibling = original.resolveSibling(stem(original) + ".v2v-" + key + ".onnx");
        for (Path p : new Path[] {cached, sibling}) {
            Prepared found = reuse(p, hash);
            if (found != null) {
                return found;
            }
        }
        ModelProto model = OnnxModelFile.read(original);
        AttentionGraphEdit.Result r = AttentionGraphEdit.edit(model, original.toString());
        if (r.layout().size() == 0) {
            LOG.info("{}: no self-attention layer found; the feature bank is not available for this model", original);
            return new Prepared(original, r.layout());
        }
        ModelProto edited = r.model().toBuilder().addMetadataProps(StringStringEntryProto.newBuilder()
                .setKey(AttentionGraphEdit.META_SOURCE).setValue(hash)).build();
        Set<String> locations = externalLocations(edited);
        IOException cacheFailure = null;
        try {
            Files.createDirectories(cached.getParent());
            for (String loc : locations) {
                Path link = cached.getParent().resolve(loc);
                Files.deleteIfExists(link);
                Files.createDirectories(link.getParent());
                Files.createLink(link, original.getParent().resolve(loc).toRealPath());
            }
            write(edited, cached);
            return checked(cached, r.layout());
        } catch (IOException | UnsupportedOperationException e) {
            cacheFailure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        try {
            write(edited, sibling);
            LOG.info("{}: edited graph written next to the original ({}), the cache could not link its weights: {}",
                    original, sibling.getFileName(), cacheFailure.getMessage());
            return checked(sibling, r.layout());
        } catch (IOException e) {
            throw new BankEditException(original + ": the feature-bank edit cannot be written: neither into the cache "
                    + cached.getParent() + " (" + cacheFailure.getMessage() + ") nor next to the original ("
                    + e.getMessage() + ")", e);
        }
    }

    private static Prepared reuse(Path p, String hash) {
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            ModelProto m = OnnxModelFile.read(p);
            for (StringStringEntryProto e : m.getMetadataPropsList()) {
                if (e.getKey().equals(AttentionGraphEdit.META_SOURCE) && e.getValue().equals(hash)) {
                    return new Prepared(p, BankLayout.of(m).orElseThrow());
                }
            }
        } catch (OnnxFormatException | RuntimeException e) {
            LOG.warn("{}: cached feature-bank edit is unusable ({}); editing again", p, e.getMessage());
        }
        return null;
    }

    private static Prepared checked(Path file, BankLayout layout) throws BankEditException {
        try {
            OnnxModelFile.read(file); // the loader's safety checks, external references included
        } catch (OnnxFormatException e) {
            throw new BankEditException(e.getMessage(), e);
        }
        LOG.info("{}: feature bank on {} self-attention layers ({} with fusion{})", file, layout.size(),
                layout.fusionCount(), layout.named() ? ", confirmed by names" : ", found by structure");
        return new Prepared(file, layout);
    }

    /** Writes the protobuf as is (external references untouched), atomically. */
    private static void write(ModelProto model, Path file) throws IOException {
        AtomicFiles.write(file, (OutputStream os) -> model.writeTo(os));
    }

    private static Set<String> externalLocations(ModelProto model) {
        Set<String> out = new LinkedHashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                        .forEach(e -> out.add(e.getValue()));
            }
        }
        return out;
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    static String sha256(Path file) throws OnnxFormatException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new OnnxFormatException(file, "cannot read the file: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
