package dev.streamcanvas.app.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.generate.Resolution;
import dev.streamcanvas.app.input.DefaultSourceFactory;
import dev.streamcanvas.app.settings.AppPaths;
import dev.streamcanvas.app.settings.AppSettings;
import dev.streamcanvas.app.settings.SettingsStore;
import dev.streamcanvas.app.source.SourceKind;
import dev.streamcanvas.app.source.canvas.CanvasModel;
import dev.streamcanvas.app.source.canvas.CanvasSource;
import dev.streamcanvas.app.source.webcam.WebcamCatalog;
import dev.streamcanvas.app.testing.FakeGenerationService;
import dev.streamcanvas.app.testing.ManualTaskRunner;
import dev.streamcanvas.app.testing.PngChunks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveViewModelTest {
    @TempDir
    Path dir;

    private final ManualTaskRunner runner = new ManualTaskRunner();
    private final FakeGenerationService service = new FakeGenerationService();
    private CanvasModel canvas;
    private SettingsStore store;
    private AppPaths paths;
    private LiveViewModel vm;

    @BeforeEach
    void setUp() {
        paths = new AppPaths(dir.resolve("config"), dir.resolve("data"), dir.resolve("pictures"));
        store = new SettingsStore(paths.settingsFile());
        AppSettings settings = new AppSettings();
        settings.width = 64;
        settings.height = 64;
        canvas = new CanvasModel(64, 64);
        vm = new LiveViewModel(runner, service, new DefaultSourceFactory(new CanvasSource(canvas), new WebcamCatalog()), canvas,
                store, paths, settings);
        vm.start(SourceKind.CANVAS);
    }

    @AfterEach
    void tearDown() {
        vm.shutdown(vm.prepareClose());
    }

    @Test
    void canvasFramesReachTheServiceAndOutputsReachTheScreen() {
        runner.awaitUi(() -> service.framesIn.get() > 0, Duration.ofSeconds(5), "canvas frames at the service");
        assertThat(vm.pollInput()).isNotNull();

        Frame out = new Frame(64, 64);
        java.util.Arrays.fill(out.argb(), 0xFF102030);
        out.setCaptureNanos(System.nanoTime());
        out.setSequence(17);
        service.listener().onOutput(out);
        Frame shown = vm.pollOutput(System.nanoTime());

        assertThat(shown.argb()[0]).isEqualTo(0xFF102030);
        assertThat(shown.captureNanos()).isEqualTo(out.captureNanos());
        assertThat(shown.sequence()).isEqualTo(17);
        assertThat(shown.argb()).as("a copy in the slot, not the service's buffer").isNotSameAs(out.argb());
        assertThat(vm.outputsShown()).isEqualTo(1);
        assertThat(vm.pollOutput(System.nanoTime())).isNull();
    }

    @Test
    void snapshotSavesTheShownOutputWithTheParameters() throws Exception {
        vm.generate().promptProperty().set("a lighthouse at night");
        Frame out = new Frame(64, 64);
        service.listener().onOutput(out);
        vm.pollOutput(System.nanoTime());

        vm.snapshot();

        List<Path> pngs;
        try (Stream<Path> files = Files.list(paths.picturesDir())) {
            pngs = files.filter(p -> p.toString().endsWith(".png")).collect(Collectors.toList());
        }
        assertThat(pngs).hasSize(1);
        String params = PngChunks.text(pngs.get(0)).get("parameters");
        assertThat(params).startsWith("a lighthouse at night\nNegative prompt: ").contains("Model: initial").contains("Size: 64x64");
        assertThat(vm.noticeProperty().get()).startsWith("Snapshot saved: ");
    }

    @Test
    void resolutionChangeResizesTheCanvasAndReachesTheService() {
        vm.generate().resolutionProperty().set(new Resolution(128, 96));
        runner.advance(Duration.ofSeconds(1));

        assertThat(canvas.width()).isEqualTo(128);
        assertThat(canvas.height()).isEqualTo(96);
        assertThat(service.applied.get(service.applied.size() - 1).width()).isEqualTo(128);
        runner.awaitUi(() -> service.lastFrame != null && service.lastFrame.length == 128 * 96, Duration.ofSeconds(5),
                "a 128x96 canvas frame");
    }

    @Test
    void bannerNamesPlaceholderAndPreviewOutput() {
        assertThat(vm.bannerProperty().get()).isNull(); // a real model
        vm.generate().setModel(new ModelInfo("fixture", dir, "CPU", true, false));
        assertThat(vm.bannerProperty().get()).contains("placeholder model");
        vm.generate().setModel(new ModelInfo(PreviewGenerationService.NAME, null, "CPU", false, true));
        assertThat(vm.bannerProperty().get()).contains("Preview filter");
    }

    @Test
    void closingStopsEverythingAndSavesSettingsAndTheDrawing() throws Exception {
        vm.generate().promptProperty().set("kept across restarts");
        canvas.press(10, 10);
        canvas.release();

        vm.shutdown(vm.prepareClose());

        assertThat(service.closed).isTrue();
        assertThat(store.load().settings().prompt).isEqualTo("kept across restarts");
        assertThat(paths.canvasAutosave()).exists();
        int before = service.framesIn.get();
        Thread.sleep(200);
        assertThat(service.framesIn.get()).isEqualTo(before); // the canvas stopped sending
    }

    @Test
    void recordingWritesOutputFramesUntilStopped() throws Exception {
        vm.toggleRecording();
        assertThat(vm.recordingProperty().get()).isTrue();
        Frame out = new Frame(8, 8);
        for (int i = 0; i < 3; i++) {
            service.listener().onOutput(out);
            Thread.sleep(100);
        }
        vm.toggleRecording();

        assertThat(vm.recordingProperty().get()).isFalse();
        assertThat(vm.noticeProperty().get()).startsWith("Recorded 3 frames to ");
    }
}
