package dev.streamcanvas.app.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.source.FrameSink;
import dev.streamcanvas.app.source.FrameSource;
import dev.streamcanvas.app.source.SourceException;
import dev.streamcanvas.app.source.SourceKind;
import dev.streamcanvas.app.source.SourceListener;
import dev.streamcanvas.app.source.webcam.WebcamInfo;
import dev.streamcanvas.app.testing.ManualTaskRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class InputViewModelTest {

    /** A source that records its life and can push frames or fail on demand. */
    static final class FakeSource implements FrameSource {
        final SourceKind kind;
        volatile boolean running;
        volatile int starts;
        volatile int stops;
        FrameSink sink;
        SourceListener listener;
        int width;
        int height;

        FakeSource(SourceKind kind) {
            this.kind = kind;
        }

        @Override
        public SourceKind kind() {
            return kind;
        }

        @Override
        public String describe() {
            return "fake " + kind;
        }

        @Override
        public void start(FrameSink sink, SourceListener listener, int width, int height) {
            this.sink = sink;
            this.listener = listener;
            this.width = width;
            this.height = height;
            running = true;
            starts++;
        }

        void push(int value) {
            int[] px = new int[width * height];
            java.util.Arrays.fill(px, value);
            sink.accept(px, width, height, System.nanoTime());
        }

        /** Fails from another thread, like a capture thread would. */
        void failFromCaptureThread(String why) throws InterruptedException {
            running = false;
            Thread t = new Thread(() -> listener.failed(this, why, null));
            t.start();
            t.join();
        }

        @Override
        public void setSize(int width, int height) {
            this.width = width;
            this.height = height;
        }

        @Override
        public void stop() {
            running = false;
            stops++;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public String deviceName() {
            return kind == SourceKind.WEBCAM ? "cam0" : null;
        }
    }

    static final class FakeFactory implements SourceFactory {
        final List<FakeSource> created = new ArrayList<>();
        final FakeSource canvas = new FakeSource(SourceKind.CANVAS);
        volatile List<WebcamInfo> cameras = List.of(new WebcamInfo("cam0", List.of("640x480")));

        @Override
        public FrameSource create(SourceRequest r) throws SourceException {
            if (r.kind() == SourceKind.CANVAS) {
                created.add(canvas);
                return canvas;
            }
            if ((r.kind() == SourceKind.IMAGE || r.kind() == SourceKind.VIDEO) && r.file() == null) {
                throw new SourceException("Choose a file first.");
            }
            FakeSource s = new FakeSource(r.kind());
            created.add(s);
            return s;
        }

        @Override
        public List<WebcamInfo> listWebcams() {
            return cameras;
        }

        FakeSource last() {
            return created.get(created.size() - 1);
        }
    }

    private final ManualTaskRunner runner = new ManualTaskRunner();
    private final FakeFactory factory = new FakeFactory();
    private final List<Integer> received = new CopyOnWriteArrayList<>();
    private final InputViewModel vm = new InputViewModel(runner, factory, (px, w, h, t) -> received.add(px[0]), 64, 48);

    @Test
    void switchingSourcesStopsTheOldOneAndStreamsFromTheNewOne() {
        vm.select(SourceKind.TEST_PATTERN);
        FakeSource pattern = factory.last();
        pattern.push(1);

        vm.useImage(Path.of("/pictures/cat.png"));
        FakeSource image = factory.last();
        image.push(2);

        assertThat(pattern.running).isFalse();
        assertThat(pattern.stops).isEqualTo(1);
        assertThat(image.running).isTrue();
        assertThat(image.width).isEqualTo(64);
        assertThat(image.height).isEqualTo(48);
        assertThat(vm.active()).isEqualTo(SourceKind.IMAGE);
        assertThat(vm.descriptionProperty().get()).isEqualTo("fake " + SourceKind.IMAGE);
        assertThat(received).containsExactly(1, 2);
    }

    @Test
    void newSizeReachesTheRunningSource() {
        vm.select(SourceKind.CANVAS);
        vm.setSize(128, 96);

        assertThat(factory.canvas.width).isEqualTo(128);
        assertThat(factory.canvas.height).isEqualTo(96);
    }

    @Test
    void sourceThatCannotStartFallsBackToTheCanvasWithAMessage() {
        vm.select(SourceKind.VIDEO); // no file chosen

        assertThat(vm.active()).isEqualTo(SourceKind.CANVAS);
        assertThat(factory.canvas.running).isTrue();
        assertThat(vm.messageProperty().get()).isEqualTo("Choose a file first. Switched to the canvas.");
    }

    @Test
    void lostCameraSwitchesToTheCanvasAndComesBackWhenItReturns() throws Exception {
        vm.select(SourceKind.WEBCAM);
        FakeSource cam = factory.last();
        assertThat(vm.active()).isEqualTo(SourceKind.WEBCAM);
        factory.cameras = List.of();

        cam.failFromCaptureThread("Camera \"cam0\" stopped delivering pictures (unplugged?).");
        runner.runUi();

        assertThat(vm.active()).isEqualTo(SourceKind.CANVAS);
        assertThat(vm.messageProperty().get()).contains("unplugged").contains("Switched to the canvas");

        runner.advance(InputViewModel.RECOVERY_PERIOD.multipliedBy(3)); // still gone
        assertThat(vm.active()).isEqualTo(SourceKind.CANVAS);

        factory.cameras = List.of(new WebcamInfo("cam0", List.of()));
        runner.advance(InputViewModel.RECOVERY_PERIOD);

        assertThat(vm.active()).isEqualTo(SourceKind.WEBCAM);
        assertThat(factory.last().running).isTrue();
        assertThat(vm.messageProperty().get()).contains("is back");
    }

    @Test
    void choosingAnotherInputStopsWatchingForTheLostCamera() throws Exception {
        vm.select(SourceKind.WEBCAM);
        factory.cameras = List.of();
        factory.last().failFromCaptureThread("gone");
        runner.runUi();

        vm.select(SourceKind.TEST_PATTERN);
        factory.cameras = List.of(new WebcamInfo("cam0", List.of()));
        runner.advance(Duration.ofSeconds(10));

        assertThat(vm.active()).isEqualTo(SourceKind.TEST_PATTERN);
        assertThat(runner.pendingTimers()).isZero();
    }

    @Test
    void failureOfAnAlreadyReplacedSourceIsIgnored() throws Exception {
        vm.select(SourceKind.TEST_PATTERN);
        FakeSource old = factory.last();
        vm.select(SourceKind.CANVAS);
        vm.messageProperty().set(null);

        old.failFromCaptureThread("late failure");
        runner.runUi();

        assertThat(vm.active()).isEqualTo(SourceKind.CANVAS);
        assertThat(vm.messageProperty().get()).isNull();
    }
}
