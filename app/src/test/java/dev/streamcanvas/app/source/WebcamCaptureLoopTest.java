package dev.streamcanvas.app.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.input.DefaultSourceFactory;
import dev.streamcanvas.app.input.InputViewModel;
import dev.streamcanvas.app.source.canvas.CanvasModel;
import dev.streamcanvas.app.source.canvas.CanvasSource;
import dev.streamcanvas.app.source.webcam.WebcamCatalog;
import dev.streamcanvas.app.source.webcam.WebcamInfo;
import dev.streamcanvas.app.testing.FakeGenerationService;
import dev.streamcanvas.app.testing.ManualTaskRunner;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real capture loop and Webcam Capture, driven by a synthetic camera driver. */
class WebcamCaptureLoopTest {
    private final SyntheticWebcamDriver driver = new SyntheticWebcamDriver();
    private final ManualTaskRunner runner = new ManualTaskRunner();
    private final FakeGenerationService service = new FakeGenerationService();
    private final CanvasModel canvas = new CanvasModel(64, 48);
    private final WebcamCatalog catalog = new WebcamCatalog(driver);
    private final InputViewModel vm = new InputViewModel(runner, new DefaultSourceFactory(new CanvasSource(canvas), catalog),
            service::submit, 64, 48);

    @AfterEach
    void stop() {
        vm.dispose();
        vm.shutdown();
    }

    @Test
    void catalogListsTheSyntheticCamera() throws Exception {
        List<WebcamInfo> cams = catalog.list();

        assertThat(cams).extracting(WebcamInfo::name).containsExactly(SyntheticWebcamDriver.NAME);
        assertThat(cams.get(0).resolutions()).containsExactly("320x240");
    }

    @Test
    void cameraFramesFlowToTheServiceAndAnUnpluggedCameraSwitchesToTheCanvas() {
        vm.select(SourceKind.WEBCAM);
        runner.awaitUi(() -> service.framesIn.get() >= 10, Duration.ofSeconds(10), "10 camera frames at the service");

        assertThat(vm.active()).isEqualTo(SourceKind.WEBCAM);
        assertThat(vm.webcamProperty().get()).isEqualTo(SyntheticWebcamDriver.NAME);
        assertThat(service.lastFrame).hasSize(64 * 48);
        assertThat(Arrays.stream(service.lastFrame).distinct().toArray()).containsExactly(SyntheticWebcamDriver.COLOR);

        driver.unplug();
        runner.awaitUi(() -> vm.active() == SourceKind.CANVAS, Duration.ofSeconds(10), "the switch to the canvas");

        assertThat(vm.messageProperty().get()).contains(SyntheticWebcamDriver.NAME).contains("Switched to the canvas");
        int before = service.framesIn.get();
        runner.awaitUi(() -> service.framesIn.get() > before + 3, Duration.ofSeconds(5), "canvas frames at the service");
        runner.awaitUi(() -> service.lastFrame[0] == CanvasModel.BACKGROUND, Duration.ofSeconds(5), "a canvas frame");
    }

    @Test
    void cameraThatComesBackIsTakenBack() {
        vm.select(SourceKind.WEBCAM);
        runner.awaitUi(() -> service.framesIn.get() >= 3, Duration.ofSeconds(10), "camera frames");
        driver.unplug();
        runner.awaitUi(() -> vm.active() == SourceKind.CANVAS, Duration.ofSeconds(10), "the switch to the canvas");

        driver.plugIn();
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (vm.active() != SourceKind.WEBCAM && System.nanoTime() < end) {
            runner.advance(Duration.ofSeconds(2)); // the recovery probe's period on the virtual clock
            runner.awaitUi(() -> true, Duration.ofSeconds(1), "ui");
            sleep(100);
        }

        assertThat(vm.active()).isEqualTo(SourceKind.WEBCAM);
        assertThat(vm.messageProperty().get()).contains("is back");
        int before = service.framesIn.get();
        runner.awaitUi(() -> service.framesIn.get() > before + 3
                && service.lastFrame[0] == SyntheticWebcamDriver.COLOR, Duration.ofSeconds(10), "camera frames again");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
