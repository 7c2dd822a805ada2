package dev.streamcanvas.app.testing;

import dev.streamcanvas.app.live.DeviceChoice;
import dev.streamcanvas.app.live.GenerationService;
import dev.streamcanvas.app.live.GenerationSettings;
import dev.streamcanvas.app.live.ModelInfo;
import dev.streamcanvas.app.live.ServiceMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what the app asks of the service; model folders named in {@link #failures} fail to load. */
public final class FakeGenerationService implements GenerationService {
    public final List<GenerationSettings> applied = new CopyOnWriteArrayList<>();
    public final Map<Path, String> failures = new ConcurrentHashMap<>();
    public final AtomicInteger framesIn = new AtomicInteger();
    public volatile int[] lastFrame;
    public volatile ModelInfo model = new ModelInfo("initial", Path.of("/models/initial"), "CPU", false, false);
    public volatile boolean closed;
    private volatile OutputListener listener;

    @Override
    public void start() {
    }

    @Override
    public void submit(int[] argb, int width, int height, long captureNanos) {
        lastFrame = java.util.Arrays.copyOf(argb, width * height);
        framesIn.incrementAndGet();
    }

    @Override
    public void setOutputListener(OutputListener listener) {
        this.listener = listener;
    }

    public OutputListener listener() {
        return listener;
    }

    @Override
    public void applySettings(GenerationSettings settings) {
        applied.add(settings);
    }

    @Override
    public CompletableFuture<ModelInfo> loadModel(Path folder, DeviceChoice device) {
        String why = failures.get(folder);
        if (why != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(why));
        }
        model = new ModelInfo(folder.getFileName().toString(), folder, device.name(), false, false);
        return CompletableFuture.completedFuture(model);
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    @Override
    public List<DeviceChoice> devices() {
        return List.of(DeviceChoice.CPU, DeviceChoice.CUDA);
    }

    @Override
    public ServiceMetrics metrics() {
        return ServiceMetrics.EMPTY;
    }

    @Override
    public void close() {
        closed = true;
    }
}
