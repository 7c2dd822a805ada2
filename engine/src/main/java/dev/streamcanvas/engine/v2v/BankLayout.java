package dev.streamcanvas.engine.v2v;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.StringStringEntryProto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The layer table of an edited UNet: which attn1 layers have banks, their widths and which run feature fusion.
 * Stored as JSON in the model's metadata under {@link AttentionGraphEdit#META_LAYERS}. Immutable.
 *
 * @param layers the banked layers in graph order
 * @param named  whether the layers were confirmed by diffusers module names (else found by structure alone)
 */
public record BankLayout(List<BankLayer> layers, boolean named) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public BankLayout {
        layers = List.copyOf(layers);
    }

    public int size() {
        return layers.size();
    }

    /** Number of fusion layers. */
    public int fusionCount() {
        return (int) layers.stream().filter(BankLayer::fusion).count();
    }

    /** Every graph input the edit added (banks, then the two fusion scalars when there are fusion layers). */
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (BankLayer l : layers) {
            names.add(l.bankK());
            names.add(l.bankV());
            if (l.fusion()) {
                names.add(l.bankO());
            }
        }
        if (fusionCount() > 0) {
            names.add(AttentionGraphEdit.STRENGTH);
            names.add(AttentionGraphEdit.THRESHOLD);
        }
        return names;
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "streamcanvas-v2v/1");
        root.put("named", named);
        ArrayNode arr = root.putArray("layers");
        for (BankLayer l : layers) {
            ObjectNode n = arr.addObject();
            n.put("index", l.index());
            n.put("name", l.name());
            n.put("level", l.level());
            n.put("fusion", l.fusion());
            n.put("width_k", l.widthK());
            n.put("width_v", l.widthV());
            n.put("width_o", l.widthO());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the layer table", e);
        }
    }

    /**
     * Parses a layer table.
     *
     * @throws IllegalArgumentException naming the field when the JSON is not a layer table
     */
    public static BankLayout fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("v2v layer table is not JSON: " + e.getMessage(), e);
        }
        if (!"streamcanvas-v2v/1".equals(root.path("format").asText())) {
            throw new IllegalArgumentException("v2v layer table: format expected 'streamcanvas-v2v/1', found '"
                    + root.path("format").asText() + "'");
        }
        List<BankLayer> layers = new ArrayList<>();
        for (JsonNode n : root.path("layers")) {
            layers.add(new BankLayer(n.path("index").asInt(), n.path("name").asText(), n.path("level").asInt(-1),
                    n.path("fusion").asBoolean(), n.path("width_k").asInt(), n.path("width_v").asInt(),
                    n.path("width_o").asInt()));
        }
        for (int i = 0; i < layers.size(); i++) {
            BankLayer l = layers.get(i);
            if (l.index() != i || l.widthK() < 1 || l.widthV() < 1 || (l.fusion() && l.widthO() < 1)) {
                throw new IllegalArgumentException("v2v layer table: layer " + i + " is malformed: " + l);
            }
        }
        return new BankLayout(layers, root.path("named").asBoolean());
    }

    /** The layer table of an edited model, if it has one. */
    public static Optional<BankLayout> of(ModelProto model) {
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (e.getKey().equals(AttentionGraphEdit.META_LAYERS)) {
                return Optional.of(fromJson(e.getValue()));
            }
        }
        return Optional.empty();
    }
}
