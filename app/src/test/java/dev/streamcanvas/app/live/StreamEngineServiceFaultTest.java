package dev.streamcanvas.app.live;

import dev.streamcanvas.engine.stream.GuidanceMode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.Tensors;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.GraphProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.ModelProto;
import dev.streamcanvas.engine.onnx.proto.OnnxProtos.NodeProto;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection in the live service: a UNet that loads but fails at run time on every frame. Each failure reaches
 * the notice bar, the preview filter takes over so the picture never freezes, and the engine thread survives to run
 * the next model.
 */
class StreamEngineServiceFaultTest {
    @TempDir
    Path dir;

    private final StreamEngineService service = new StreamEngineService(p -> false);

    @AfterEach
    void close() {
        service.close();
    }

    /** The fixture's UNet, with its output passed through Reshape(., [-1, 3]): 4 x 8 x 8 values fail at run time. */
    private Path failingModel() throws Exception {
        Path m = dir.resolve("failing");
        FixtureGenerator.write(m, FixtureSpec.defaults());
        Path unet = m.resolve("unet/model.onnx");
        ModelProto p = OnnxModelFile.read(unet);
        GraphProto.Builder g = p.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals("out_sample")) {
                    g.setNode(i, n.toBuilder().setOutput(k, "raw"));
                }
            }
        }
        g.addInitializer(Tensors.int64s("by3", new long[] {2}, new long[] {-1, 3}));
        g.addNode(NodeProto.newBuilder().setOpType("Reshape").addInput("raw").addInput("by3").addOutput("r3"));
        g.addNode(NodeProto.newBuilder().setOpType("Shape").addInput("raw").addOutput("shape"));
        g.addNode(NodeProto.newBuilder().setOpType("Reshape").addInput("r3").addInput("shape").addOutput("out_sample"));
        OnnxModelFile.write(p.toBuilder().setGraph(g).build(), unet);
        return m;
    }

    @Test
    void aUnetFailingAtRunTimeIsNoticedAndThePreviewTakesOverThenTheNextModelStreams() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        AtomicReference<int[]> last = new AtomicReference<>();
        service.setProblemListener(notices::add);
        service.setOutputListener(f -> last.set(new int[] {f.width(), f.height(), (int) f.captureNanos()}));
        service.applySettings(new GenerationSettings("a test", "", 0.5, 2, GuidanceMode.SELF, 1.2, 1, 3, false, 0.98,
                64, 64));
        service.start();
        service.loadModel(failingModel(), DeviceChoice.CPU).get(60, TimeUnit.SECONDS);
        assertThat(service.model().preview()).isFalse();

        int[] px = new int[64 * 64];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (long c = 1; !service.model().preview() && System.nanoTime() < deadline; c++) {
            service.submit(px, 64, 64, c);
            Thread.sleep(30);
        }
        assertThat(service.model().preview()).as("the preview filter took over").isTrue();
        assertThat(notices).anyMatch(n -> n.startsWith("The engine could not frame") && n.contains("unet"));
        assertThat(notices).anyMatch(n -> n.contains("failed on " + StreamEngineService.FAILURES_BEFORE_PREVIEW
                + " frames in a row") && n.contains("preview filter takes over"));
        last.set(null);
        awaitOutput(last, px, 1_000_000);

        Path good = dir.resolve("good");
        FixtureGenerator.write(good, FixtureSpec.defaults());
        service.loadModel(good, DeviceChoice.CPU).get(60, TimeUnit.SECONDS);
        assertThat(service.model().name()).isEqualTo("good");
        awaitOutput(last, px, 2_000_000); // the engine thread is alive and streams the new model
        assertThat(service.model().preview()).isFalse();
    }

    private void awaitOutput(AtomicReference<int[]> last, int[] px, long capture) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            service.submit(px, 64, 64, capture);
            int[] o = last.get();
            if (o != null && o[2] == (int) capture) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no output for the frame captured at " + capture);
    }
}
