package dev.streamcanvas.app.live;

import dev.streamcanvas.engine.stream.StreamSettings;

/** Test access to {@link StreamEngineService}'s settings mapping from other packages. */
public final class StreamEngineServiceAccess {
    private StreamEngineServiceAccess() {
    }

    public static StreamSettings toEngine(GenerationSettings g) {
        return StreamEngineService.toEngine(g, null);
    }
}
