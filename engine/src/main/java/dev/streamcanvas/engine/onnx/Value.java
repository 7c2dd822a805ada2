package dev.streamcanvas.engine.onnx;

import java.util.Objects;

/**
 * A named value inside a graph under construction (an input, an initializer, or a node output), with its
 * element type. Created only by {@link GraphBuilder}.
 */
public final class Value {
    private final String name;
    private final ElementType type;
    private final GraphBuilder owner;

    Value(String name, ElementType type, GraphBuilder owner) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.owner = owner;
    }

    public String name() {
        return name;
    }

    public ElementType type() {
        return type;
    }

    GraphBuilder owner() {
        return owner;
    }

    @Override
    public String toString() {
        return name + ":" + type;
    }
}
