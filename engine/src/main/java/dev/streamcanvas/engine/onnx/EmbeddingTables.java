package dev.streamcanvas.engine.onnx;

import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.TensorProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Finds how many rows the embedding table looked up by a graph input has: the first dim of the initializer that a
 * {@code Gather} (axis 0) indexes with that input, directly or through {@code Cast}/{@code Identity}/{@code
 * Reshape}/{@code Flatten}/{@code Unsqueeze}. A token id at or past that count would fail only when a prompt uses it.
 */
public final class EmbeddingTables {
    private static final Set<String> PASS_THROUGH = Set.of("Cast", "Identity", "Reshape", "Flatten", "Unsqueeze",
            "Squeeze");

    private EmbeddingTables() {
    }

    /** The rows of the table {@code input} indexes, or empty when no such lookup is found. */
    public static OptionalLong rows(ModelProto model, String input) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), t);
        }
        Set<String> names = new HashSet<>(Set.of(input));
        boolean grew = true;
        while (grew) { // the values that carry the ids unchanged
            grew = false;
            for (NodeProto n : g.getNodeList()) {
                if (PASS_THROUGH.contains(n.getOpType()) && n.getInputCount() > 0 && names.contains(n.getInput(0))
                        && n.getOutputCount() > 0) {
                    grew |= names.add(n.getOutput(0));
                }
            }
        }
        long rows = -1;
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Gather") && n.getInputCount() == 2 && names.contains(n.getInput(1))
                    && axis(n) == 0) {
                TensorProto table = inits.get(n.getInput(0));
                if (table != null && table.getDimsCount() >= 1) {
                    rows = rows < 0 ? table.getDims(0) : Math.min(rows, table.getDims(0));
                }
            }
        }
        return rows < 0 ? OptionalLong.empty() : OptionalLong.of(rows);
    }

    private static long axis(NodeProto n) {
        for (var a : n.getAttributeList()) {
            if (a.getName().equals("axis")) {
                return a.getI();
            }
        }
        return 0;
    }
}
