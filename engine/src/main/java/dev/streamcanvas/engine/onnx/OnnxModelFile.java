package dev.streamcanvas.engine.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.streamcanvas.engine.io.AtomicFiles;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.AttributeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads, checks and writes {@code .onnx} files (our own protobuf subset, {@code onnx.proto}).
 *
 * <p>Every read runs the safety checks: the file must parse as an ONNX ModelProto with a graph; every
 * tensor's declared size (dims x element size) must match its data; a tensor stored as external data must
 * name a file inside the model's folder (no absolute path, no {@code ..}, no symbolic link that leads out)
 * whose length covers offset + length. Problems are reported as {@link OnnxFormatException} whose message
 * names the file. Stateless and thread-safe.
 */
public final class OnnxModelFile {
    /** File name used for external weights when writing, as optimum exports do. */
    public static final String DEFAULT_DATA_SUFFIX = "_data";
    private static final int ALIGN = 64;

    private OnnxModelFile() {
    }

    /**
     * Parses and checks a model. External data stays external (it is checked, not loaded), so this is cheap
     * even for multi-gigabyte UNets.
     */
    public static ModelProto read(Path file) throws OnnxFormatException {
        ModelProto model = parse(file);
        validate(model, file);
        return model;
    }

    /**
     * Parses and checks a model already read into memory from {@code file} (whose folder external data is resolved
     * against). A caller that then hands the same {@code bytes} to ONNX Runtime runs exactly what was checked.
     */
    public static ModelProto read(byte[] bytes, Path file) throws OnnxFormatException {
        ModelProto model = parse(file, CodedInputStream.newInstance(bytes));
        validate(model, file);
        return model;
    }

    /** Whether any tensor of the model keeps its data in an external file. */
    public static boolean hasExternalData(ModelProto model) {
        boolean[] found = {false};
        mapTensors(model, t -> {
            found[0] |= isExternal(t);
            return t;
        });
        return found[0];
    }

    /** Parses and checks a model, then loads all external data into {@code raw_data} (for editing / writing). */
    public static ModelProto readInlined(Path file) throws OnnxFormatException {
        ModelProto model = read(file);
        Path dir = folderOf(file);
        Map<String, FileChannel> open = new HashMap<>();
        try {
            return mapTensors(model, t -> {
                if (!isExternal(t)) {
                    return t;
                }
                Map<String, String> kv = externalEntries(t);
                Path data = dir.resolve(kv.get("location")).normalize();
                long offset = parseLong(kv.get("offset"), 0);
                long length = expectedBytes(t);
                try {
                    FileChannel ch = open.get(data.toString());
                    if (ch == null) {
                        ch = FileChannel.open(data, StandardOpenOption.READ);
                        open.put(data.toString(), ch);
                    }
                    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(length));
                    while (buf.hasRemaining()) {
                        if (ch.read(buf, offset + buf.position()) < 0) {
                            throw new IOException("unexpected end of " + data);
                        }
                    }
                    buf.flip();
                    return t.toBuilder().clearExternalData().clearDataLocation().setRawData(ByteString.copyFrom(buf)).build();
                } catch (IOException e) {
                    throw new UncheckedFormat(new OnnxFormatException(data, "cannot read external data of tensor '"
                            + t.getName() + "': " + e.getMessage(), e));
                }
            });
        } catch (UncheckedFormat e) {
            throw e.format;
        } finally {
            for (FileChannel ch : open.values()) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only channel; nothing was written
                }
            }
        }
    }

    /** Writes a model with all data inline (atomically). External tensors must have been inlined first. */
    public static void write(ModelProto model, Path file) throws IOException {
        write(model, file, Long.MAX_VALUE);
    }

    /**
     * Writes a model atomically; every initializer of at least {@code externalThresholdBytes} bytes goes to the
     * external data file {@code <file name>_data} next to it (e.g. {@code model.onnx_data}), 64-byte aligned,
     * as real Stable Diffusion exports do. {@link Long#MAX_VALUE} writes everything inline.
     */
    public static void write(ModelProto model, Path file, long externalThresholdBytes) throws IOException {
        Path abs = file.toAbsolutePath();
        String dataName = abs.getFileName() + DEFAULT_DATA_SUFFIX;
        Path dataFile = abs.resolveSibling(dataName);
        GraphProto graph = model.getGraph();
        GraphProto.Builder g = graph.toBuilder().clearInitializer();
        java.util.List<ByteString> chunks = new java.util.ArrayList<>();
        long offset = 0;
        for (TensorProto t : graph.getInitializerList()) {
            if (isExternal(t)) {
                throw new IllegalArgumentException("tensor '" + t.getName()
                        + "' still refers to external data; read the model with readInlined before writing it");
            }
            ByteString bytes = t.getDataType() == ElementType.STRING.onnxCode() ? null : Tensors.rawBytes(t);
            if (bytes != null && bytes.size() >= externalThresholdBytes) {
                long pad = (ALIGN - offset % ALIGN) % ALIGN;
                if (pad > 0) {
                    chunks.add(ByteString.copyFrom(new byte[(int) pad]));
                    offset += pad;
                }
                chunks.add(bytes);
                g.addInitializer(TensorProto.newBuilder(t).clearRawData().clearFloatData().clearInt32Data()
                        .clearInt64Data().clearDoubleData().clearUint64Data()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", dataName))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(bytes.size()))));
                offset += bytes.size();
            } else {
                g.addInitializer(t);
            }
        }
        ModelProto out = model.toBuilder().setGraph(g).build();
        if (!chunks.isEmpty()) {
            AtomicFiles.write(dataFile, os -> {
                for (ByteString c : chunks) {
                    c.writeTo(os);
                }
            });
        } else {
            Files.deleteIfExists(dataFile);
        }
        AtomicFiles.write(abs, (OutputStream os) -> out.writeTo(os));
    }

    /** The folder external data is resolved against: the model file's parent (absolute). */
    static Path folderOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.toAbsolutePath() : parent;
    }

    // ---- parsing ------------------------------------------------------------------------------------------

    private static ModelProto parse(Path file) throws OnnxFormatException {
        if (!Files.isRegularFile(file)) {
            throw new OnnxFormatException(file, "no such model file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file, CodedInputStream.newInstance(in));
        } catch (IOException e) {
            throw new OnnxFormatException(file, "cannot read the file: " + e.getMessage(), e);
        }
    }

    private static ModelProto parse(Path file, CodedInputStream cis) throws OnnxFormatException {
        ModelProto model;
        try {
            cis.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            // a truncated ONNX file still begins like one: the part read so far has an IR version
            boolean startedLikeOnnx = e.getUnfinishedMessage() instanceof ModelProto partial
                    && partial.getIrVersion() > 0;
            String why = startedLikeOnnx && e.getMessage() != null && e.getMessage().contains("ended unexpectedly")
                    ? "the file is truncated (it ends in the middle of the model)"
                    : "the file is not an ONNX model (it does not parse as an ONNX ModelProto)";
            throw new OnnxFormatException(file, why, e);
        } catch (IOException e) {
            throw new OnnxFormatException(file, "cannot read the file: " + e.getMessage(), e);
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getOpsetImportCount() == 0) {
            throw new OnnxFormatException(file,
                    "the file is not an ONNX model (no ir_version, opset_import or graph found)");
        }
        return model;
    }

    // ---- validation ---------------------------------------------------------------------------------------

    /**
     * Checks every tensor of {@code model} (initializers and tensor attributes, subgraphs included): declared
     * size versus data, and external data locations confined to {@code file}'s folder.
     */
    public static void validate(ModelProto model, Path file) throws OnnxFormatException {
        Path dir = folderOf(file);
        try {
            mapTensors(model, t -> {
                try {
                    checkTensor(t, file, dir);
                } catch (OnnxFormatException e) {
                    throw new UncheckedFormat(e);
                }
                return t;
            });
        } catch (UncheckedFormat e) {
            throw e.format;
        }
    }

    private static void checkTensor(TensorProto t, Path file, Path dir) throws OnnxFormatException {
        String name = "tensor '" + t.getName() + "'";
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new OnnxFormatException(file, name + " has a negative dimension " + t.getDimsList());
            }
        }
        ElementType type = ElementType.fromOnnx(t.getDataType()).orElse(null);
        long numel;
        try {
            numel = Tensors.numel(t);
            if (type != null && type != ElementType.STRING) {
                Math.multiplyExact(numel, (long) type.byteSize());
            }
        } catch (ArithmeticException e) {
            throw new OnnxFormatException(file, name + " declares dims " + t.getDimsList()
                    + " whose size overflows 64 bits (no file can hold it)");
        }
        if (isExternal(t)) {
            checkExternal(t, file, dir, type, numel);
            return;
        }
        if (type == null) {
            return; // an element type we do not model (e.g. float8): nothing to compare against
        }
        if (t.hasRawData()) {
            if (type == ElementType.STRING) {
                throw new OnnxFormatException(file, name + " is a string tensor with raw_data");
            }
            long expected = numel * type.byteSize();
            if (t.getRawData().size() != expected) {
                throw new OnnxFormatException(file, name + " declares dims " + t.getDimsList() + " of " + type
                        + " (" + expected + " bytes) but holds " + t.getRawData().size() + " bytes of data");
            }
            return;
        }
        long found = switch (type) {
            case FLOAT32 -> t.getFloatDataCount();
            case INT64 -> t.getInt64DataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            case STRING -> t.getStringDataCount();
            default -> t.getInt32DataCount();
        };
        if (found != numel) {
            throw new OnnxFormatException(file, name + " declares dims " + t.getDimsList() + " (" + numel
                    + " elements of " + type + ") but holds " + found + " values");
        }
    }

    private static void checkExternal(TensorProto t, Path file, Path dir, ElementType type, long numel)
            throws OnnxFormatException {
        String name = "tensor '" + t.getName() + "'";
        Map<String, String> kv = externalEntries(t);
        String location = kv.get("location");
        if (location == null || location.isEmpty()) {
            throw new OnnxFormatException(file, name + " is stored as external data but names no location");
        }
        Path data = resolveInside(file, dir, location, name);
        long offset = parseLong(kv.get("offset"), 0);
        long length = parseLong(kv.get("length"), -1);
        if (offset < 0) {
            throw new OnnxFormatException(file, name + " has a negative external data offset " + offset);
        }
        if (type != null && type != ElementType.STRING) {
            long expected = numel * type.byteSize();
            if (length >= 0 && length != expected) {
                throw new OnnxFormatException(file, name + " declares dims " + t.getDimsList() + " of " + type
                        + " (" + expected + " bytes) but its external data length is " + length + " bytes");
            }
            length = expected;
        }
        if (length >= 0) {
            long size;
            try {
                size = Files.size(data);
            } catch (IOException e) {
                throw new OnnxFormatException(data, "cannot read the size of external data file: " + e.getMessage(), e);
            }
            if (offset + length > size) {
                throw new OnnxFormatException(data, "external data file is too short for " + name + " of model "
                        + file.getFileName() + ": needs bytes " + offset + ".." + (offset + length) + " but has " + size);
            }
        }
    }

    /** Resolves an external data location, refusing anything that leaves the model's folder. */
    private static Path resolveInside(Path file, Path dir, String location, String what) throws OnnxFormatException {
        String loc = "external data location '" + location + "' of " + what;
        String escape = ": it escapes the model folder " + dir + " (external data must be a file inside the model's folder)";
        Path rel;
        try {
            rel = Path.of(location);
        } catch (InvalidPathException e) {
            throw new OnnxFormatException(file, loc + " is not a valid path");
        }
        boolean driveOrRoot = location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*");
        if (rel.isAbsolute() || driveOrRoot) {
            throw new OnnxFormatException(file, loc + " is an absolute path" + escape);
        }
        for (Path part : rel) {
            if (part.toString().equals("..") || part.toString().contains("..\\")) {
                throw new OnnxFormatException(file, loc + " contains '..'" + escape);
            }
        }
        Path resolved = dir.resolve(rel).normalize();
        if (!resolved.startsWith(dir.normalize())) {
            throw new OnnxFormatException(file, loc + escape);
        }
        Path real;
        Path realDir;
        try {
            realDir = dir.toRealPath();
            real = resolved.toRealPath();
        } catch (NoSuchFileException e) {
            throw new OnnxFormatException(resolved, "external data file of " + what + " of model "
                    + file.getFileName() + " does not exist");
        } catch (IOException e) {
            throw new OnnxFormatException(resolved, "cannot resolve external data file: " + e.getMessage(), e);
        }
        if (!real.startsWith(realDir)) {
            throw new OnnxFormatException(file, loc + " is a symbolic link to " + real + escape);
        }
        if (!Files.isRegularFile(real)) {
            throw new OnnxFormatException(resolved, "external data of " + what + " is not a regular file");
        }
        return real;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    static Map<String, String> externalEntries(TensorProto t) {
        Map<String, String> kv = new HashMap<>();
        for (StringStringEntryProto e : t.getExternalDataList()) {
            kv.put(e.getKey(), e.getValue());
        }
        return kv;
    }

    private static long expectedBytes(TensorProto t) {
        Map<String, String> kv = externalEntries(t);
        long length = parseLong(kv.get("length"), -1);
        if (length >= 0) {
            return length;
        }
        return Tensors.numel(t) * ElementType.ofOnnx(t.getDataType()).byteSize();
    }

    private static long parseLong(String s, long dflt) {
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /** Applies {@code f} to every tensor in the model: initializers and tensor attributes, subgraphs included. */
    static ModelProto mapTensors(ModelProto model, UnaryOperator<TensorProto> f) {
        return model.toBuilder().setGraph(mapGraph(model.getGraph(), f)).build();
    }

    private static GraphProto mapGraph(GraphProto graph, UnaryOperator<TensorProto> f) {
        GraphProto.Builder g = graph.toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            g.setInitializer(i, f.apply(g.getInitializer(i)));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto node = g.getNode(i);
            boolean touched = false;
            NodeProto.Builder nb = node.toBuilder();
            for (int a = 0; a < node.getAttributeCount(); a++) {
                AttributeProto attr = node.getAttribute(a);
                if (attr.hasT() || attr.hasG() || attr.getTensorsCount() > 0 || attr.getGraphsCount() > 0) {
                    AttributeProto.Builder ab = attr.toBuilder();
                    if (attr.hasT()) {
                        ab.setT(f.apply(attr.getT()));
                    }
                    if (attr.hasG()) {
                        ab.setG(mapGraph(attr.getG(), f));
                    }
                    for (int k = 0; k < attr.getTensorsCount(); k++) {
                        ab.setTensors(k, f.apply(attr.getTensors(k)));
                    }
                    for (int k = 0; k < attr.getGraphsCount(); k++) {
                        ab.setGraphs(k, mapGraph(attr.getGraphs(k), f));
                    }
                    nb.setAttribute(a, ab);
                    touched = true;
                }
            }
            if (touched) {
                g.setNode(i, nb);
            }
        }
        return g.build();
    }

    /** Carries a checked format error through a lambda. */
    private static final class UncheckedFormat extends RuntimeException {
        final OnnxFormatException format;

        UncheckedFormat(OnnxFormatException format) {
            super(format.getMessage(), format, false, false);
            this.format = format;
        }
    }
}
