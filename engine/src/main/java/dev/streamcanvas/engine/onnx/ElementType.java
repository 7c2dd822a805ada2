package dev.streamcanvas.engine.onnx;

import java.util.Optional;

/** Tensor element types, with their ONNX {@code TensorProto.DataType} code and size in bytes. */
public enum ElementType {
    FLOAT32(1, 4, "float32"),
    UINT8(2, 1, "uint8"),
    INT8(3, 1, "int8"),
    UINT16(4, 2, "uint16"),
    INT16(5, 2, "int16"),
    INT32(6, 4, "int32"),
    INT64(7, 8, "int64"),
    STRING(8, -1, "string"),
    BOOL(9, 1, "bool"),
    FLOAT16(10, 2, "float16"),
    DOUBLE(11, 8, "float64"),
    UINT32(12, 4, "uint32"),
    UINT64(13, 8, "uint64"),
    BFLOAT16(16, 2, "bfloat16");

    private final int onnxCode;
    private final int byteSize;
    private final String label;

    ElementType(int onnxCode, int byteSize, String label) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
        this.label = label;
    }

    /** The ONNX {@code TensorProto.DataType} value. */
    public int onnxCode() {
        return onnxCode;
    }

    /** Bytes per element; -1 for STRING (variable size). */
    public int byteSize() {
        return byteSize;
    }

    /** Short lower-case name as printed by {@code inspect} (float32, float16, int64, ...). */
    public String label() {
        return label;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT16 || this == DOUBLE || this == BFLOAT16;
    }

    public boolean isInteger() {
        return this == UINT8 || this == INT8 || this == UINT16 || this == INT16 || this == INT32 || this == INT64
                || this == UINT32 || this == UINT64;
    }

    /** The element type for an ONNX data_type code, if we model it. */
    public static Optional<ElementType> fromOnnx(int code) {
        for (ElementType t : values()) {
            if (t.onnxCode == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #fromOnnx} but throws IllegalArgumentException naming the code. */
    public static ElementType ofOnnx(int code) {
        return fromOnnx(code).orElseThrow(() -> new IllegalArgumentException("unsupported ONNX data_type " + code));
    }

    @Override
    public String toString() {
        return label;
    }
}
