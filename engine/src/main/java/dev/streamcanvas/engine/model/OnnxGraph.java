package dev.streamcanvas.engine.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.ValueInfo;
import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.OnnxFormatException;
import dev.streamcanvas.engine.onnx.EmbeddingTables;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX graph loaded into an ONNX Runtime session, with its input/output signature and the device it
 * really runs on.
 *
 * <p><b>Why the ORT API and not DJL's {@code Criteria} here.</b> DJL 0.36's OnnxRuntime engine creates the
 * {@code OrtSession} inside {@code OrtModel.load} and keeps it in a private field of {@code OrtSymbolBlock};
 * no public method returns it, and its {@code Predictor} only takes {@code NDList}s that it copies into fresh
 * tensors on every call. The stream hot path needs the session itself (direct-buffer {@code OnnxTensor}s,
 * float16 buffers, pre-allocated outputs, provider options), so this class creates the session with the ONNX
 * Runtime Java API directly, on the same {@link OrtEnvironment} singleton DJL's engine uses, with the same
 * provider calls DJL would make ({@code addCUDA}/{@code addTensorrt}). Loading through DJL is still possible
 * for the same files (the tests do it to cross-check).
 *
 * <p>Before the session is created the file goes through the toolkit's safety checks
 * ({@link OnnxModelFile#read}): truncated or non-ONNX files, size-mismatched tensors and external data that
 * escapes the model folder are refused with a {@link ModelLoadException} naming the file.
 *
 * <p>Device choice: CUDA / TensorRT when requested and this ONNX Runtime build has the provider and it
 * initialises; otherwise CPU, with one log line and a {@link RuntimeStatus} message. Thread-safety: ORT
 * sessions may be run from several threads, but the engine owns each graph from one thread.
 */
public final class OnnxGraph implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxGraph.class);
    static final String GPU_HINT = "build with -Pcuda (ONNX Runtime GPU) and install CUDA 12 + cuDNN 9 with an NVIDIA driver";

    private final Path file;
    private final OrtEnvironment environment;
    private java.util.OptionalLong tokenRows = java.util.OptionalLong.empty();
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final List<TensorInfo> inputs;
    private final List<TensorInfo> outputs;
    private final RuntimeStatus status;
    private volatile boolean closed;
    private static boolean djlEngineStarted;

    private OnnxGraph(Path file, OrtEnvironment environment, OrtSession session, OrtSession.SessionOptions options,
            RuntimeStatus status) throws OrtException, ModelLoadException {
        this.file = file;
        this.environment = environment;
        this.session = session;
        this.options = options;
        this.status = status;
        this.inputs = infos(file, session.getInputInfo());
        this.outputs = infos(file, session.getOutputInfo());
    }

    /**
     * Checks {@code onnxFile} with the toolkit, then creates an ORT session on {@code device} (falling back to
     * CPU when the device is unavailable).
     *
     * @throws ModelLoadException naming the file when it is missing, unsafe, malformed or ORT refuses it
     */
    public static OnnxGraph load(Path onnxFile, Device device) throws ModelLoadException {
        return load(onnxFile, device, 0);
    }

    /**
     * Like {@link #load(Path, Device)} with the number of intra-op threads ONNX Runtime may use for this session
     * (0 = ORT's default, one per core); benchmarks on shared machines pin it.
     */
    public static OnnxGraph load(Path onnxFile, Device device, int intraOpThreads) throws ModelLoadException {
        return load(onnxFile, device, intraOpThreads, f -> { });
    }

    /**
     * The file is read once: ONNX Runtime gets the very bytes the safety check passed, so the file cannot be
     * swapped between check and load. (A model with external data is handed over by path: ORT resolves the data
     * files itself, which the check confined to the model's folder.) {@code afterCheck} runs between check and
     * session creation (tests swap the file there).
     */
    static OnnxGraph load(Path onnxFile, Device device, int intraOpThreads, java.util.function.Consumer<Path> afterCheck)
            throws ModelLoadException {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
        Path file = onnxFile.toAbsolutePath().normalize();
        byte[] checked;
        java.util.OptionalLong idRows;
        try {
            if (!java.nio.file.Files.isRegularFile(file)) {
                OnnxModelFile.read(file); // its "no such model file" message
            }
            long size = java.nio.file.Files.size(file);
            if (size > Integer.MAX_VALUE - 16) { // protobuf's own limit; such a file cannot parse either
                idRows = EmbeddingTables.rows(OnnxModelFile.read(file), "input_ids");
                checked = null;
            } else {
                byte[] bytes = java.nio.file.Files.readAllBytes(file);
                dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto m = OnnxModelFile.read(bytes, file);
                idRows = EmbeddingTables.rows(m, "input_ids");
                checked = OnnxModelFile.hasExternalData(m) ? null : bytes;
            }
        } catch (OnnxFormatException e) {
            throw new ModelLoadException(e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new ModelLoadException(file + ": cannot read the file: " + e.getMessage(), e);
        }
        afterCheck.accept(file);
        OrtEnvironment env = sharedEnvironment();
        String fallback = "";
        Device active = Device.CPU;
        if (device != Device.CPU) {
            OrtProvider provider = device == Device.CUDA ? OrtProvider.CUDA : OrtProvider.TENSOR_RT;
            EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
            if (!available.contains(provider)) {
                fallback = device + " requested but this ONNX Runtime build has no " + provider.getName()
                        + " (available: " + available + "); running on CPU. To use the GPU, " + GPU_HINT + ".";
            } else {
                try {
                    OnnxGraph g = create(file, checked, env, device, intraOpThreads,
                            new RuntimeStatus(device, device, ""));
                    g.tokenRows = idRows;
                    LOG.info("{}: running on {}", file, device);
                    return g;
                } catch (OrtException e) {
                    fallback = device + " requested but it could not start (" + e.getMessage().strip()
                            + "); running on CPU. Check that " + GPU_HINT + ".";
                }
            }
            LOG.warn("{}: {}", file.getFileName(), fallback);
        }
        try {
            OnnxGraph g = create(file, checked, env, active, intraOpThreads, new RuntimeStatus(device, active, fallback));
            g.tokenRows = idRows;
            return g;
        } catch (OrtException e) {
            throw new ModelLoadException(file + ": ONNX Runtime cannot load the model: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The process-wide ORT environment, created through DJL's OnnxRuntime engine so that DJL and this class share
     * it: DJL's engine creates the environment with global thread-pool options and fails if a plain
     * {@code OrtEnvironment.getEnvironment()} call came first. Code that needs the environment should take it
     * from here (or from {@link #environment()}), never create it directly.
     */
    public static OrtEnvironment sharedEnvironment() {
        synchronized (OnnxGraph.class) {
            if (!djlEngineStarted) {
                djlEngineStarted = true;
                try {
                    ai.djl.engine.Engine.getEngine("OnnxRuntime");
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("DJL's OnnxRuntime engine did not start ({}); using ONNX Runtime directly", e.toString());
                }
            }
        }
        return OrtEnvironment.getEnvironment();
    }

    /** @param bytes the checked model, or null to let ORT open {@code file} (a model with external data) */
    private static OnnxGraph create(Path file, byte[] bytes, OrtEnvironment env, Device device, int intraOpThreads,
            RuntimeStatus status) throws OrtException, ModelLoadException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                opts.setIntraOpNumThreads(intraOpThreads);
            }
            if (device == Device.TENSORRT) {
                opts.addTensorrt(0);
                opts.addCUDA(0);
            } else if (device == Device.CUDA) {
                opts.addCUDA(0);
            }
            session = bytes != null ? env.createSession(bytes, opts) : env.createSession(file.toString(), opts);
            return new OnnxGraph(file, env, session, opts, status);
        } catch (OrtException | ModelLoadException | RuntimeException e) {
            if (session != null) {
                session.close();
            }
            opts.close();
            throw e;
        }
    }

    private static List<TensorInfo> infos(Path file, Map<String, NodeInfo> nodes) throws ModelLoadException {
        List<TensorInfo> list = new ArrayList<>();
        for (NodeInfo n : nodes.values()) {
            ValueInfo info = n.getInfo();
            if (!(info instanceof ai.onnxruntime.TensorInfo t)) {
                throw new ModelLoadException(file + ": value '" + n.getName() + "' is " + info
                        + ", expected a tensor");
            }
            ElementType type = switch (t.type) {
                case FLOAT -> ElementType.FLOAT32;
                case FLOAT16 -> ElementType.FLOAT16;
                case DOUBLE -> ElementType.DOUBLE;
                case INT8 -> ElementType.INT8;
                case UINT8 -> ElementType.UINT8;
                case INT16 -> ElementType.INT16;
                case INT32 -> ElementType.INT32;
                case INT64 -> ElementType.INT64;
                case BOOL -> ElementType.BOOL;
                case STRING -> ElementType.STRING;
                case BFLOAT16 -> ElementType.BFLOAT16;
                default -> throw new ModelLoadException(file + ": value '" + n.getName()
                        + "' has an unsupported element type " + t.type);
            };
            long[] shape = t.getShape();
            String[] names = t.getDimensionNames();
            List<String> dimNames = new ArrayList<>();
            for (int i = 0; i < shape.length; i++) {
                String s = names != null && i < names.length ? names[i] : null;
                dimNames.add(shape[i] < 0 && s != null && !s.isEmpty() ? s : null);
            }
            list.add(new TensorInfo(n.getName(), type, shape, dimNames));
        }
        return Collections.unmodifiableList(list);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String[] lines = s.strip().split("\n");
        return lines.length == 0 ? s : lines[0];
    }

    public Path file() {
        return file;
    }

    /** Graph inputs in declaration order (initializers excluded). */
    /**
     * Rows of the embedding table the graph's {@code input_ids} index (a text encoder's vocabulary size), when the
     * graph has such a lookup on an initializer; empty otherwise.
     */
    public java.util.OptionalLong tokenEmbeddingRows() {
        return tokenRows;
    }

    public List<TensorInfo> inputs() {
        return inputs;
    }

    public List<TensorInfo> outputs() {
        return outputs;
    }

    public Optional<TensorInfo> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<TensorInfo> output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public OrtEnvironment environment() {
        return environment;
    }

    /** The underlying ORT session for the hot path. Owned by this graph: do not close it. */
    public OrtSession session() {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        return session;
    }

    public RuntimeStatus status() {
        return status;
    }

    /** Closes the session and its options; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("{}: closing the ONNX Runtime session failed: {}", file, e.getMessage());
        } finally {
            options.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxGraph[" + file + ", in=" + inputs + ", out=" + outputs + ", " + status.active() + "]"
                + (status.message().isEmpty() ? "" : " (" + status.message() + ")");
    }
}
