package dev.streamcanvas.app.ui;

import dev.streamcanvas.app.calib.CalibResultsView;
import dev.streamcanvas.app.concurrent.FxTaskRunner;
import dev.streamcanvas.app.generate.GenerateView;
import dev.streamcanvas.app.input.DefaultSourceFactory;
import dev.streamcanvas.app.input.InputView;
import dev.streamcanvas.app.live.GenerationService;
import dev.streamcanvas.app.live.LiveView;
import dev.streamcanvas.app.live.LiveViewModel;
import dev.streamcanvas.app.settings.AppPaths;
import dev.streamcanvas.app.settings.AppSettings;
import dev.streamcanvas.app.settings.SettingsStore;
import dev.streamcanvas.app.source.canvas.CanvasModel;
import dev.streamcanvas.app.source.canvas.CanvasSource;
import dev.streamcanvas.app.source.webcam.WebcamCatalog;
import dev.streamcanvas.app.train.GenerateModelTarget;
import dev.streamcanvas.app.train.TrainBackend;
import dev.streamcanvas.app.train.TrainView;
import dev.streamcanvas.app.train.TrainViewModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.MenuItem;
import javafx.scene.image.Image;
import javafx.stage.DirectoryChooser;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the main window: settings, services, view-models, FXML views, theme, icons; and closes it cleanly. */
public final class MainWindow {
    private static final Logger LOG = LoggerFactory.getLogger(MainWindow.class);
    private static final String UI = "/dev/streamcanvas/ui/";
    static final int[] ICON_SIZES = {16, 32, 64, 128, 256};

    private final Stage stage;
    private final LiveViewModel vm;
    private final LiveView view;
    private final FxTaskRunner runner;
    private final TrainViewModel trainVm;
    private final FxTaskRunner trainRunner;
    private volatile boolean closed;
    private Runnable afterClose = Platform::exit;

    private MainWindow(Stage stage, LiveViewModel vm, LiveView view, FxTaskRunner runner, TrainViewModel trainVm,
            FxTaskRunner trainRunner) {
        this.stage = stage;
        this.vm = vm;
        this.view = view;
        this.runner = runner;
        this.trainVm = trainVm;
        this.trainRunner = trainRunner;
    }

    /**
     * Opens the window on {@code stage} with the settings under {@code paths}; {@code services} makes the
     * generation service (given the task runner); {@code defaultModel} (may be null) finds the start-up model.
     */
    public static MainWindow open(Stage stage, AppPaths paths, Function<FxTaskRunner, GenerationService> services,
            java.util.concurrent.Callable<java.nio.file.Path> defaultModel) throws IOException {
        SettingsStore store = new SettingsStore(paths.settingsFile());
        SettingsStore.Loaded loaded = store.load();
        AppSettings settings = loaded.settings();
        FxTaskRunner runner = new FxTaskRunner();
        GenerationService service = services.apply(runner);
        CanvasModel canvas = new CanvasModel(settings.width, settings.height);
        DefaultSourceFactory sources = new DefaultSourceFactory(new CanvasSource(canvas), new WebcamCatalog());
        LiveViewModel vm = new LiveViewModel(runner, service, sources, canvas, store, paths, settings);
        vm.setDefaultModel(defaultModel);
        // the Train tab gets workers of its own: a training run holds one for its whole length
        FxTaskRunner trainRunner = new FxTaskRunner();
        TrainViewModel trainVm = new TrainViewModel(trainRunner, TrainBackend.engine(),
                new GenerateModelTarget(vm.generate(), runner), paths.dataDir().resolve("training"));

        LiveView[] liveView = new LiveView[1];
        FXMLLoader loader = new FXMLLoader(resource("Live.fxml"));
        loader.setControllerFactory(type -> {
            if (type == LiveView.class) {
                liveView[0] = new LiveView(vm, stage);
                return liveView[0];
            } else if (type == InputView.class) {
                return new InputView(vm.input(), vm.canvas());
            } else if (type == GenerateView.class) {
                return new GenerateView(vm.generate());
            } else if (type == TrainView.class) {
                return new TrainView(trainVm);
            }
            throw new IllegalStateException("no controller known for " + type);
        });
        Parent root = loader.load();
        Scene scene = new Scene(root, Math.max(800, settings.windowWidth), Math.max(500, settings.windowHeight));
        scene.getStylesheets().add(resource("theme.css").toExternalForm());
        stage.setScene(scene);
        stage.setTitle("StreamCanvas");
        stage.setMinWidth(800);
        stage.setMinHeight(500);
        for (int size : ICON_SIZES) {
            try (InputStream in = MainWindow.class.getResourceAsStream(UI + "icons/streamcanvas-" + size + ".png")) {
                if (in != null) {
                    stage.getIcons().add(new Image(in));
                }
            }
        }
        MainWindow window = new MainWindow(stage, vm, liveView[0], runner, trainVm, trainRunner);
        new ErrorReporter(stage).install();
        stage.setOnCloseRequest(e -> {
            e.consume();
            window.close();
        });
        liveView[0].attach(scene);
        liveView[0].addTool(calibrationResultsItem(stage));
        stage.show();
        if (loaded.notice() != null) {
            vm.noticeProperty().set(loaded.notice());
        }
        vm.start(settings.source);
        LOG.info("window open; settings in {}, data in {}", paths.configDir(), paths.dataDir());
        return window;
    }

    /** Tools → Camera–LIDAR calibration results…: a result folder of {@code streamcanvas calib solve}. */
    private static MenuItem calibrationResultsItem(Stage stage) {
        MenuItem item = new MenuItem("Camera–LIDAR calibration results…");
        item.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Choose a calibration result folder (written by streamcanvas calib solve, with result.json)");
            java.io.File dir = chooser.showDialog(stage);
            if (dir != null) {
                CalibResultsView.show(stage, dir.toPath());
            }
        });
        return item;
    }

    static URL resource(String name) {
        URL url = MainWindow.class.getResource(UI + name);
        if (url == null) {
            throw new IllegalStateException("UI resource " + UI + name + " is missing from the class path (ui-resources jar)");
        }
        return url;
    }

    public LiveViewModel viewModel() {
        return vm;
    }

    public LiveView view() {
        return view;
    }

    public Stage stage() {
        return stage;
    }

    /** What runs after everything is released (default: exit the toolkit). */
    public void setAfterClose(Runnable afterClose) {
        this.afterClose = afterClose;
    }

    /** Hides the window at once, then stops input, engine and recorder in the background and exits. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        view.detach();
        trainVm.dispose(); // a running training stops after its step and writes its checkpoint
        AppSettings s = vm.prepareClose();
        if (!stage.isFullScreen() && !stage.isMaximized()) {
            s.windowWidth = stage.getScene().getWidth();
            s.windowHeight = stage.getScene().getHeight();
        }
        stage.hide();
        Thread t = new Thread(() -> {
            try {
                vm.shutdown(s);
            } finally {
                runner.close();
                trainRunner.close();
                Platform.runLater(afterClose);
            }
        }, "sc-shutdown");
        t.start();
    }
}
