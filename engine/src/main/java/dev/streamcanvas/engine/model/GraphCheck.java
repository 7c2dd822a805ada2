package dev.streamcanvas.engine.model;

import dev.streamcanvas.engine.onnx.ElementType;
import dev.streamcanvas.engine.onnx.TensorInfo;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Signature checks shared by the component classes; every failure names the file, expected and found. */
final class GraphCheck {
    static final Set<ElementType> FLOATS = EnumSet.of(ElementType.FLOAT32, ElementType.FLOAT16);

    private GraphCheck() {
    }

    static String found(List<TensorInfo> infos) {
        StringBuilder sb = new StringBuilder();
        for (TensorInfo t : infos) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t.signature());
        }
        return "[" + sb + "]";
    }

    /** The named input (or, when absent and {@code positional} >= 0, the input at that position). */
    static TensorInfo input(OnnxGraph g, String role, String name, String expected, Set<ElementType> types,
            int... ranks) throws ModelLoadException {
        Optional<TensorInfo> t = g.input(name);
        if (t.isEmpty()) {
            throw new ModelLoadException(g.file() + ": " + role + " input '" + name + "' is missing; expected "
                    + expected + ", found inputs " + found(g.inputs()));
        }
        return check(g, role, "input", t.get(), expected, types, ranks);
    }

    /** The named output, or the only/first output when the name differs (exporters vary). */
    static TensorInfo output(OnnxGraph g, String role, List<String> names, String expected, Set<ElementType> types,
            int... ranks) throws ModelLoadException {
        for (String n : names) {
            Optional<TensorInfo> t = g.output(n);
            if (t.isPresent()) {
                return check(g, role, "output", t.get(), expected, types, ranks);
            }
        }
        if (g.outputs().size() == 1) {
            return check(g, role, "output", g.outputs().get(0), expected, types, ranks);
        }
        throw new ModelLoadException(g.file() + ": " + role + " output " + names + " is missing; expected " + expected
                + ", found outputs " + found(g.outputs()));
    }

    static TensorInfo check(OnnxGraph g, String role, String kind, TensorInfo t, String expected,
            Set<ElementType> types, int... ranks) throws ModelLoadException {
        boolean rankOk = ranks.length == 0;
        for (int r : ranks) {
            rankOk |= t.rank() == r;
        }
        if (!types.contains(t.type()) || !rankOk) {
            throw new ModelLoadException(g.file() + ": " + role + " " + kind + " '" + t.name() + "' expected "
                    + expected + ", found " + t.signature());
        }
        return t;
    }

    /** A fixed dimension must equal {@code value}; a symbolic one is accepted. */
    static void dim(OnnxGraph g, String role, TensorInfo t, int axis, long value, String expected)
            throws ModelLoadException {
        if (t.dim(axis) >= 0 && t.dim(axis) != value) {
            throw new ModelLoadException(g.file() + ": " + role + " '" + t.name() + "' expected " + expected
                    + ", found " + t.signature());
        }
    }
}
