package dev.streamcanvas.engine.onnx;

import com.google.protobuf.ByteString;
import dev.streamcanvas.engine.io.Half;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Makes and reads {@link TensorProto}s. Data is always written as little-endian {@code raw_data} (what every
 * exporter does for weights); reading also understands the typed fields ({@code float_data}, ...).
 */
public final class Tensors {
    private Tensors() {
    }

    /** Number of elements of a dims list (1 for a scalar). */
    public static long numel(long... dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static long numel(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                return -1;
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** A FLOAT32 or FLOAT16 tensor from float values (FLOAT16 rounds to nearest). */
    public static TensorProto floats(String name, ElementType type, long[] dims, float[] data) {
        checkCount(name, dims, data.length);
        ByteBuffer buf;
        if (type == ElementType.FLOAT32) {
            buf = le(data.length * 4L);
            buf.asFloatBuffer().put(data);
        } else if (type == ElementType.FLOAT16) {
            buf = le(data.length * 2L);
            for (float f : data) {
                buf.putShort(Half.fromFloat(f));
            }
            buf.flip();
        } else if (type == ElementType.DOUBLE) {
            buf = le(data.length * 8L);
            for (float f : data) {
                buf.putDouble(f);
            }
            buf.flip();
        } else {
            throw new IllegalArgumentException("tensor " + name + ": float data for element type " + type);
        }
        return raw(name, type, dims, buf);
    }

    /** An INT64 tensor. */
    public static TensorProto int64s(String name, long[] dims, long[] data) {
        checkCount(name, dims, data.length);
        ByteBuffer buf = le(data.length * 8L);
        buf.asLongBuffer().put(data);
        return raw(name, ElementType.INT64, dims, buf);
    }

    /** An INT32 tensor. */
    public static TensorProto int32s(String name, long[] dims, int[] data) {
        checkCount(name, dims, data.length);
        ByteBuffer buf = le(data.length * 4L);
        buf.asIntBuffer().put(data);
        return raw(name, ElementType.INT32, dims, buf);
    }

    /** Values of a FLOAT32, FLOAT16 or DOUBLE tensor as floats (inline data only). */
    public static float[] toFloats(TensorProto t) {
        ElementType type = ElementType.ofOnnx(t.getDataType());
        int n = Math.toIntExact(numel(t));
        float[] out = new float[n];
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case FLOAT32 -> b.getFloat();
                    case FLOAT16 -> Half.toFloat(b.getShort());
                    case DOUBLE -> (float) b.getDouble();
                    default -> throw new IllegalArgumentException("tensor " + t.getName() + " is " + type + ", not float");
                };
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case FLOAT32 -> t.getFloatData(i);
                case FLOAT16 -> Half.toFloat((short) t.getInt32Data(i));
                case DOUBLE -> (float) t.getDoubleData(i);
                default -> throw new IllegalArgumentException("tensor " + t.getName() + " is " + type + ", not float");
            };
        }
        return out;
    }

    /** Values of an INT64 or INT32 tensor as longs (inline data only). */
    public static long[] toLongs(TensorProto t) {
        ElementType type = ElementType.ofOnnx(t.getDataType());
        int n = Math.toIntExact(numel(t));
        long[] out = new long[n];
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case INT64 -> b.getLong();
                    case INT32 -> b.getInt();
                    default -> throw new IllegalArgumentException("tensor " + t.getName() + " is " + type + ", not integer");
                };
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case INT64 -> t.getInt64Data(i);
                case INT32 -> t.getInt32Data(i);
                default -> throw new IllegalArgumentException("tensor " + t.getName() + " is " + type + ", not integer");
            };
        }
        return out;
    }

    /**
     * The tensor's data as little-endian bytes: {@code raw_data} as is, typed fields converted. Only for inline
     * tensors of fixed-size element types.
     */
    public static ByteString rawBytes(TensorProto t) {
        if (t.hasRawData()) {
            return t.getRawData();
        }
        ElementType type = ElementType.ofOnnx(t.getDataType());
        int n = Math.toIntExact(numel(t));
        ByteBuffer b = le((long) n * type.byteSize());
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FLOAT32 -> b.putFloat(t.getFloatData(i));
                case DOUBLE -> b.putDouble(t.getDoubleData(i));
                case INT64 -> b.putLong(t.getInt64Data(i));
                case INT32 -> b.putInt(t.getInt32Data(i));
                case INT16, UINT16, FLOAT16, BFLOAT16 -> b.putShort((short) t.getInt32Data(i));
                case INT8, UINT8, BOOL -> b.put((byte) t.getInt32Data(i));
                case UINT32 -> b.putInt((int) t.getUint64Data(i));
                case UINT64 -> b.putLong(t.getUint64Data(i));
                default -> throw new IllegalArgumentException("tensor " + t.getName() + ": cannot convert " + type + " to raw bytes");
            }
        }
        b.flip();
        return ByteString.copyFrom(b);
    }

    private static void checkCount(String name, long[] dims, int count) {
        if (numel(dims) != count) {
            throw new IllegalArgumentException("tensor " + name + ": " + count + " values for dims "
                    + java.util.Arrays.toString(dims) + " (" + numel(dims) + " elements)");
        }
    }

    private static ByteBuffer le(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static TensorProto raw(String name, ElementType type, long[] dims, ByteBuffer buf) {
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(type.onnxCode()).setRawData(ByteString.copyFrom(buf));
        if (name != null) {
            b.setName(name);
        }
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }
}
