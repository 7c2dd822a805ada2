package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.stream.FrameTimings;
import dev.streamcanvas.engine.stream.StreamEngine;
import dev.streamcanvas.engine.stream.StreamModel;
import dev.streamcanvas.engine.stream.StreamSettings;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Drives a {@link StreamEngine} one frame at a time for the headless commands: submit, wait for that frame's
 * output (so nothing is dropped), return it. Errors reported by the engine become exceptions here.
 */
final class SyncStream implements AutoCloseable {
    private static final long TIMEOUT_S = 600;

    /** One output: pixels, timings and (when captured) the output latents with their shape. */
    record Output(int[] argb, int width, int height, FrameTimings timings, float[] latents, long[] latentShape) {
    }

    private final StreamEngine engine;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile float[] lastLatents;
    private volatile long[] lastShape;

    SyncStream(StreamSettings settings, boolean captureLatents) {
        engine = new StreamEngine(settings);
        engine.captureLatents(captureLatents);
        engine.addListener(new StreamEngine.Listener() {
            @Override
            public void onOutput(int[] argb, int width, int height, FrameTimings timings) {
                events.add(new Output(Arrays.copyOf(argb, width * height), width, height, timings, lastLatents,
                        lastShape));
            }

            @Override
            public void onOutputLatents(float[] latents, long[] shape) {
                lastLatents = latents;
                lastShape = shape;
            }

            @Override
            public void onError(String stage, Exception error) {
                events.add(new IllegalStateException(stage + ": " + error.getMessage(), error));
            }
        });
        engine.start();
    }

    StreamEngine engine() {
        return engine;
    }

    /** Installs a model and waits until it is active; throws with the loader's message on failure. */
    void load(String source, StreamEngine.ModelLoader loader) throws Exception {
        BlockingQueue<StreamEngine.LoadResult> result = new LinkedBlockingQueue<>();
        engine.loadModel(source, loader, result::add);
        StreamEngine.LoadResult r = result.poll(TIMEOUT_S, TimeUnit.SECONDS);
        if (r == null) {
            throw new IllegalStateException("model did not load within " + TIMEOUT_S + " s: " + source);
        }
        events.clear(); // a failed load also reports through onError; the result carries the message
        if (!r.success()) {
            throw new IllegalArgumentException(r.message());
        }
    }

    void setModel(StreamModel m) throws Exception {
        load(m.name(), () -> m);
    }

    /** Applies settings; they take effect before the next frame (errors surface at that frame). */
    void apply(StreamSettings s) {
        engine.apply(s);
    }

    Output run(int[] argb, int width, int height) throws Exception {
        if (argb == null) {
            engine.submitEmpty();
        } else {
            engine.submit(argb, width, height);
        }
        Object e = events.poll(TIMEOUT_S, TimeUnit.SECONDS);
        if (e == null) {
            throw new IllegalStateException("no output within " + TIMEOUT_S + " s");
        }
        if (e instanceof Exception) {
            throw (Exception) e;
        }
        return (Output) e;
    }

    @Override
    public void close() {
        engine.close();
    }
}
