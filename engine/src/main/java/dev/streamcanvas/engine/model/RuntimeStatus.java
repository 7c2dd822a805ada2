package dev.streamcanvas.engine.model;

import java.util.Objects;

/**
 * The device a graph was asked for and the one it actually runs on.
 *
 * @param requested the device the user chose
 * @param active    the device the session runs on
 * @param message   "" when {@code active == requested}, otherwise one sentence saying why it fell back (shown in the UI)
 */
public record RuntimeStatus(Device requested, Device active, String message) {
    public RuntimeStatus {
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(active, "active");
        Objects.requireNonNull(message, "message");
    }

    /** True when the graph runs on a different device than requested. */
    public boolean fellBack() {
        return requested != active;
    }
}
