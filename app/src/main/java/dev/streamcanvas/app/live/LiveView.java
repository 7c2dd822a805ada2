package dev.streamcanvas.app.live;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.generate.GenerateView;
import dev.streamcanvas.app.input.InputView;
import dev.streamcanvas.app.source.SourceKind;
import dev.streamcanvas.app.source.canvas.CanvasTool;
import dev.streamcanvas.app.ui.FrameView;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableStringValue;
import javafx.fxml.FXML;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The main window (Live.fxml): menu and shortcuts, banners, the output pane, the status bar, and the
 * animation timer that draws the newest input and output frames each pulse.
 */
public final class LiveView {
    private final LiveViewModel vm;
    private final Stage stage;
    private FrameView outputView;
    private AnimationTimer timer;
    private long lastStatus;

    @FXML private VBox topArea;
    @FXML private MenuBar menuBar;
    @FXML private Menu toolsMenu;
    @FXML private MenuItem recordItem;
    @FXML private MenuItem recordVideoItem;
    @FXML private CheckMenuItem outputOnlyItem;
    @FXML private HBox bannerBox;
    @FXML private Label bannerLabel;
    @FXML private HBox noticeBox;
    @FXML private Label noticeLabel;
    @FXML private VBox inputPane;
    @FXML private InputView inputPaneController;
    @FXML private GenerateView generatePaneController;
    @FXML private VBox outputPane;
    @FXML private VBox outputTop;
    @FXML private javafx.scene.layout.ColumnConstraints inputColumn;
    @FXML private javafx.scene.layout.ColumnConstraints outputColumn;
    @FXML private Pane outputHost;
    @FXML private ImageView outputImage;
    @FXML private Label outputWaiting;
    @FXML private ToggleButton recordButton;
    @FXML private ToggleButton outputOnlyButton;
    @FXML private TabPane sidePanel;
    @FXML private HBox statusBar;
    @FXML private Label statusModel;
    @FXML private Label statusDevice;
    @FXML private Label statusResolution;
    @FXML private Label statusOutputFps;
    @FXML private Label statusInputFps;
    @FXML private Label statusLatency;
    @FXML private Label statusDropped;
    @FXML private Label statusSource;

    public LiveView(LiveViewModel vm, Stage stage) {
        this.vm = vm;
        this.stage = stage;
    }

    @FXML
    private void initialize() {
        outputView = new FrameView(outputImage, outputHost);
        // same picture size on both sides: the output's top area is as tall as the input's header and tools
        outputTop.minHeightProperty().bind(Bindings.when(vm.outputOnlyProperty()).then(0.0)
                .otherwise(inputPaneController.topArea().heightProperty()));
        statusModel.textProperty().bind(vm.statusModelProperty());
        statusDevice.textProperty().bind(vm.statusDeviceProperty());
        statusResolution.textProperty().bind(vm.statusResolutionProperty());
        statusOutputFps.textProperty().bind(vm.statusOutputFpsProperty());
        statusInputFps.textProperty().bind(vm.statusInputFpsProperty());
        statusLatency.textProperty().bind(vm.statusLatencyProperty());
        statusDropped.textProperty().bind(vm.statusDroppedProperty());
        statusSource.textProperty().bind(vm.input().descriptionProperty());
        showWhenSet(bannerBox, bannerLabel, vm.bannerProperty());
        showWhenSet(noticeBox, noticeLabel, vm.noticeProperty());
        // input messages and canvas errors become the notice
        vm.input().messageProperty().addListener((o, a, m) -> {
            if (m != null) {
                vm.noticeProperty().set(m);
                vm.input().messageProperty().set(null);
            }
        });
        vm.canvas().messageProperty().addListener((o, a, m) -> {
            if (m != null) {
                vm.noticeProperty().set(m);
                vm.canvas().messageProperty().set(null);
            }
        });

        outputOnlyItem.selectedProperty().bindBidirectional(vm.outputOnlyProperty());
        outputOnlyButton.selectedProperty().bindBidirectional(vm.outputOnlyProperty());
        vm.outputOnlyProperty().addListener((o, a, b) -> applyViewMode());
        recordButton.selectedProperty().bind(vm.recordingProperty());
        recordItem.textProperty().bind(Bindings.when(vm.recordingProperty()).then("Stop recording").otherwise("Record PNG frames"));
        recordVideoItem.textProperty().bind(Bindings.when(vm.recordingProperty()).then("Stop recording").otherwise("Record video (ffmpeg)"));
        stage.fullScreenProperty().addListener((o, a, b) -> applyViewMode());
        applyViewMode();

        timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                pulse(now);
            }
        };
    }

    /** Adds the single-key canvas shortcuts to the scene and starts drawing frames. */
    public void attach(Scene scene) {
        scene.addEventHandler(KeyEvent.KEY_PRESSED, this::key);
        timer.start();
    }

    /** Adds a menu item under Tools (the menu appears once it has an item). */
    public void addTool(MenuItem item) {
        toolsMenu.getItems().add(item);
        toolsMenu.setVisible(true);
    }

    public void detach() {
        timer.stop();
    }

    private void pulse(long now) {
        Frame in = vm.pollInput();
        if (in != null) {
            inputPaneController.show(in);
        }
        Frame out = vm.pollOutput(System.nanoTime());
        if (out != null) {
            outputView.show(out);
            outputWaiting.setVisible(false);
        }
        if (now - lastStatus > 250_000_000L) {
            lastStatus = now;
            vm.refreshStatus(System.nanoTime());
        }
    }

    private void key(KeyEvent e) {
        if (e.isShortcutDown() || e.isAltDown() || stage.getScene().getFocusOwner() instanceof TextInputControl) {
            return;
        }
        KeyCode c = e.getCode();
        if (c == KeyCode.B) {
            vm.canvas().toolProperty().set(CanvasTool.BRUSH);
        } else if (c == KeyCode.E) {
            vm.canvas().toolProperty().set(CanvasTool.ERASER);
        } else if (c == KeyCode.G) {
            vm.canvas().toolProperty().set(CanvasTool.FILL);
        } else if (c == KeyCode.OPEN_BRACKET) {
            vm.canvas().growBrush(false);
        } else if (c == KeyCode.CLOSE_BRACKET) {
            vm.canvas().growBrush(true);
        } else if (c == KeyCode.ESCAPE && vm.outputOnlyProperty().get() && !stage.isFullScreen()) {
            vm.outputOnlyProperty().set(false);
        } else {
            return;
        }
        e.consume();
    }

    private void applyViewMode() {
        boolean only = vm.outputOnlyProperty().get();
        boolean full = stage.isFullScreen();
        setShown(inputPane, !only);
        inputColumn.setPercentWidth(only ? 0 : 50);
        outputColumn.setPercentWidth(only ? 100 : 50);
        setShown(sidePanel, !only && !full);
        setShown(statusBar, !full);
        setShown(menuBar, !full);
        outputPane.getStyleClass().remove("projection");
        if (full && only) {
            outputPane.getStyleClass().add("projection");
        }
    }

    private static void setShown(javafx.scene.Node n, boolean shown) {
        n.setVisible(shown);
        n.setManaged(shown);
    }

    private static void showWhenSet(HBox box, Label label, ObservableStringValue text) {
        label.textProperty().bind(text);
        box.visibleProperty().bind(Bindings.isNotEmpty(text));
        box.managedProperty().bind(box.visibleProperty());
    }

    @FXML
    private void dismissNotice() {
        vm.noticeProperty().set(null);
    }

    @FXML
    private void snapshot() {
        vm.snapshot();
    }

    @FXML
    private void toggleRecording() {
        vm.toggleRecording();
        recordButton.setSelected(vm.recordingProperty().get());
    }

    @FXML
    private void toggleVideoRecording() {
        vm.toggleVideoRecording();
        recordButton.setSelected(vm.recordingProperty().get());
    }

    @FXML
    private void toggleFullScreen() {
        boolean full = !stage.isFullScreen();
        if (full) {
            vm.outputOnlyProperty().set(true);
            stage.setFullScreenExitHint("Esc or F11 leaves full screen");
        }
        stage.setFullScreen(full);
    }

    @FXML
    private void openImage() {
        inputPaneController.chooseFile(SourceKind.IMAGE);
    }

    @FXML
    private void openVideo() {
        inputPaneController.chooseFile(SourceKind.VIDEO);
    }

    @FXML
    private void importIntoCanvas() {
        inputPaneController.importIntoCanvas();
    }

    @FXML
    private void quit() {
        stage.fireEvent(new javafx.stage.WindowEvent(stage, javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST));
    }

    @FXML
    private void undo() {
        if (stage.getScene().getFocusOwner() instanceof TextInputControl) {
            ((TextInputControl) stage.getScene().getFocusOwner()).undo();
        } else {
            vm.canvas().undo();
        }
    }

    @FXML
    private void redo() {
        if (stage.getScene().getFocusOwner() instanceof TextInputControl) {
            ((TextInputControl) stage.getScene().getFocusOwner()).redo();
        } else {
            vm.canvas().redo();
        }
    }

    @FXML
    private void clearCanvas() {
        if (!(stage.getScene().getFocusOwner() instanceof TextInputControl)) {
            vm.canvas().clear();
        }
    }

    @FXML
    private void useCanvas() {
        inputPaneController.choose(SourceKind.CANVAS);
    }

    @FXML
    private void useWebcam() {
        inputPaneController.choose(SourceKind.WEBCAM);
    }

    @FXML
    private void useImage() {
        inputPaneController.choose(SourceKind.IMAGE);
    }

    @FXML
    private void useVideo() {
        inputPaneController.choose(SourceKind.VIDEO);
    }

    @FXML
    private void usePattern() {
        inputPaneController.choose(SourceKind.TEST_PATTERN);
    }

    @FXML
    private void chooseModel() {
        generatePaneController.openModelChooser();
    }

    @FXML
    private void newSeed() {
        vm.generate().newSeed();
    }

    @FXML
    private void focusPrompt() {
        if (vm.outputOnlyProperty().get()) {
            vm.outputOnlyProperty().set(false);
        }
        Platform.runLater(generatePaneController::focusPrompt);
    }

    @FXML
    private void showShortcuts() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Keyboard shortcuts");
        a.setContentText(SHORTCUTS);
        a.show();
    }

    /** The shortcut list shown in Help and the README. */
    static final String SHORTCUTS = String.join("\n",
            "Ctrl+1 … Ctrl+5   input: canvas, webcam, image, video, test pattern",
            "B / E / G         brush, eraser, fill tool",
            "[ / ]             smaller / larger brush",
            "Ctrl+Z / Ctrl+Shift+Z   undo / redo stroke",
            "Ctrl+Backspace    clear the canvas",
            "Ctrl+I            import an image into the canvas",
            "Ctrl+L            focus the prompt",
            "Ctrl+N            new seed",
            "Ctrl+O            choose a model folder",
            "Ctrl+S            save a snapshot (PNG with parameters)",
            "Ctrl+R            start / stop recording (PNG sequence)",
            "Ctrl+Shift+R      start / stop recording a video (needs ffmpeg)",
            "Ctrl+T            side by side / output only",
            "F11               full screen (output only)",
            "F1                this list",
            "Ctrl+Q            quit");

    @FXML
    private void showAbout() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("About StreamCanvas");
        a.setHeaderText("StreamCanvas");
        a.setContentText("Real-time diffusion: paint or face the camera and see the picture restyled live.\n"
                + "StreamDiffusion and StreamV2V on ONNX Runtime.");
        a.show();
    }
}
