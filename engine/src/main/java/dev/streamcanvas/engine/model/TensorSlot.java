package dev.streamcanvas.engine.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.streamcanvas.engine.io.Half;
import dev.streamcanvas.engine.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A reusable ONNX Runtime tensor over a direct native-order buffer: the buffer and the {@link OnnxTensor} that
 * wraps it are created once per shape and refilled in place, so a stream of same-shape calls allocates nothing.
 * Converts between Java float/int values and the graph's element type (FLOAT32, FLOAT16, INT32, INT64).
 * Not thread-safe; closed by its owning component.
 */
final class TensorSlot implements AutoCloseable {
    private final OrtEnvironment env;
    private final ElementType type;
    private ByteBuffer buffer;
    private java.nio.FloatBuffer floats; // view of buffer for FLOAT32, made once per shape
    private OnnxTensor tensor;
    private long[] shape;

    TensorSlot(OrtEnvironment env, ElementType type) {
        if (type != ElementType.FLOAT32 && type != ElementType.FLOAT16 && type != ElementType.INT32
                && type != ElementType.INT64) {
            throw new IllegalArgumentException("unsupported tensor element type " + type);
        }
        this.env = env;
        this.type = type;
    }

    ElementType type() {
        return type;
    }

    /** The tensor for {@code dims}, reallocated only when the shape changes. */
    OnnxTensor ensure(long... dims) throws OrtException {
        if (tensor != null && Arrays.equals(shape, dims)) {
            return tensor;
        }
        close();
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        buffer = ByteBuffer.allocateDirect((int) (n * type.byteSize())).order(ByteOrder.nativeOrder());
        OnnxJavaType jt;
        switch (type) {
            case FLOAT32:
                jt = OnnxJavaType.FLOAT;
                break;
            case FLOAT16:
                jt = OnnxJavaType.FLOAT16;
                break;
            case INT32:
                jt = OnnxJavaType.INT32;
                break;
            default:
                jt = OnnxJavaType.INT64;
                break;
        }
        tensor = OnnxTensor.createTensor(env, buffer, dims, jt);
        floats = type == ElementType.FLOAT32 ? buffer.asFloatBuffer() : null;
        shape = dims.clone();
        return tensor;
    }

    /** Writes {@code n} values from {@code src[off..]} (converted to the element type) at the start of the buffer. */
    void putFloats(float[] src, int off, int n) {
        ByteBuffer b = buffer;
        switch (type) {
            case FLOAT32:
                floats.clear();
                floats.put(src, off, n);
                break;
            case FLOAT16:
                for (int i = 0; i < n; i++) {
                    b.putShort(2 * i, Half.fromFloat(src[off + i]));
                }
                break;
            case INT32:
                for (int i = 0; i < n; i++) {
                    b.putInt(4 * i, Math.round(src[off + i]));
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    b.putLong(8 * i, Math.round(src[off + i]));
                }
                break;
        }
    }

    /** Writes {@code n} integer values (ids, timesteps) converted to the element type. */
    void putInts(int[] src, int off, int n) {
        ByteBuffer b = buffer;
        for (int i = 0; i < n; i++) {
            int v = src[off + i];
            switch (type) {
                case FLOAT32:
                    b.putFloat(4 * i, v);
                    break;
                case FLOAT16:
                    b.putShort(2 * i, Half.fromFloat(v));
                    break;
                case INT32:
                    b.putInt(4 * i, v);
                    break;
                default:
                    b.putLong(8 * i, v);
                    break;
            }
        }
    }

    /** Reads {@code n} values from the buffer (element {@code from} on) into {@code dst[off..]} as floats. */
    void getFloats(int from, float[] dst, int off, int n) {
        ByteBuffer b = buffer;
        switch (type) {
            case FLOAT32:
                floats.clear();
                floats.position(from);
                floats.get(dst, off, n);
                break;
            case FLOAT16:
                for (int i = 0; i < n; i++) {
                    dst[off + i] = Half.toFloat(b.getShort(2 * (from + i)));
                }
                break;
            default:
                throw new IllegalStateException("not a float tensor: " + type);
        }
    }

    @Override
    public void close() {
        if (tensor != null) {
            tensor.close();
            tensor = null;
            buffer = null;
            floats = null;
            shape = null;
        }
    }
}
