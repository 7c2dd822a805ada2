package dev.streamcanvas.engine.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Name, element type and shape of a graph input or output.
 *
 * @param name     the ONNX value name
 * @param type     element type
 * @param shape    dimensions; -1 for a symbolic or unknown dimension; length 0 for a scalar
 * @param dimNames per dimension the symbol (e.g. "batch") or null for a fixed or anonymous dimension
 */
public record TensorInfo(String name, ElementType type, long[] shape, List<String> dimNames) {
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        if (dimNames == null) {
            dimNames = Collections.nCopies(shape.length, null);
        }
        if (dimNames.size() != shape.length) {
            throw new IllegalArgumentException(
                    "tensor " + name + ": " + dimNames.size() + " dim names for rank " + shape.length);
        }
        dimNames = Collections.unmodifiableList(new ArrayList<>(dimNames));
    }

    /** A tensor with only fixed dims. */
    public static TensorInfo of(String name, ElementType type, long... shape) {
        return new TensorInfo(name, type, shape, null);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}: its size, or -1 when symbolic. */
    public long dim(int i) {
        return shape[i];
    }

    public boolean isSymbolic(int i) {
        return shape[i] < 0;
    }

    /** Shape as printed by inspect, e.g. {@code [batch, 4, 64, 64]} or {@code []} for a scalar. */
    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            if (shape[i] >= 0) {
                sb.append(shape[i]);
            } else {
                sb.append(dimNames.get(i) != null ? dimNames.get(i) : "?");
            }
        }
        return sb.append(']').toString();
    }

    /** Signature as used in messages: {@code name float32 [batch, 4, h, w]}. */
    public String signature() {
        return name + " " + type.label() + " " + shapeString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(shape, t.shape)
                && dimNames.equals(t.dimNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), dimNames);
    }

    @Override
    public String toString() {
        return signature();
    }
}
