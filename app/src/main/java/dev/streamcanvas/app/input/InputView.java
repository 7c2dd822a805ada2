package dev.streamcanvas.app.input;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.source.SourceKind;
import dev.streamcanvas.app.source.canvas.CanvasTool;
import dev.streamcanvas.app.source.webcam.WebcamInfo;
import dev.streamcanvas.app.ui.FrameView;
import java.io.File;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import javafx.fxml.FXML;
import javafx.scene.Cursor;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ColorPicker;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.ImageView;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Pane;
import javafx.stage.FileChooser;

/** The input pane (Input.fxml): source buttons, the tools of the chosen source, the input picture. */
public final class InputView {
    private final InputViewModel vm;
    private final CanvasViewModel canvas;
    private final Map<SourceKind, ToggleButton> sourceButtons = new EnumMap<>(SourceKind.class);
    private FrameView frameView;
    private boolean updatingButtons;

    @FXML private ToggleButton canvasButton;
    @FXML private ToggleButton webcamButton;
    @FXML private ToggleButton imageButton;
    @FXML private ToggleButton videoButton;
    @FXML private ToggleButton patternButton;
    @FXML private javafx.scene.layout.VBox topArea;
    @FXML private FlowPane canvasTools;
    @FXML private FlowPane webcamTools;
    @FXML private FlowPane fileTools;
    @FXML private FlowPane patternTools;
    @FXML private ToggleButton brushTool;
    @FXML private ToggleButton eraserTool;
    @FXML private ToggleButton fillTool;
    @FXML private ColorPicker colorPicker;
    @FXML private Slider sizeSlider;
    @FXML private Slider opacitySlider;
    @FXML private Button undoButton;
    @FXML private Button redoButton;
    @FXML private ComboBox<String> cameraBox;
    @FXML private ComboBox<String> cameraResolutionBox;
    @FXML private CheckBox mirrorBox;
    @FXML private Label fileLabel;
    @FXML private Pane imageHost;
    @FXML private ImageView image;
    @FXML private Label waiting;

    public InputView(InputViewModel vm, CanvasViewModel canvas) {
        this.vm = vm;
        this.canvas = canvas;
    }

    @FXML
    private void initialize() {
        frameView = new FrameView(image, imageHost);
        ToggleGroup sources = new ToggleGroup();
        sourceButtons.put(SourceKind.CANVAS, canvasButton);
        sourceButtons.put(SourceKind.WEBCAM, webcamButton);
        sourceButtons.put(SourceKind.IMAGE, imageButton);
        sourceButtons.put(SourceKind.VIDEO, videoButton);
        sourceButtons.put(SourceKind.TEST_PATTERN, patternButton);
        sourceButtons.forEach((kind, b) -> {
            b.setToggleGroup(sources);
            b.setOnAction(e -> choose(kind));
        });
        vm.requestedProperty().addListener((o, a, k) -> showSource(k));

        ToggleGroup tools = new ToggleGroup();
        brushTool.setToggleGroup(tools);
        eraserTool.setToggleGroup(tools);
        fillTool.setToggleGroup(tools);
        brushTool.setOnAction(e -> canvas.toolProperty().set(CanvasTool.BRUSH));
        eraserTool.setOnAction(e -> canvas.toolProperty().set(CanvasTool.ERASER));
        fillTool.setOnAction(e -> canvas.toolProperty().set(CanvasTool.FILL));
        canvas.toolProperty().addListener((o, a, t) -> selectTool(t));
        selectTool(canvas.toolProperty().get());
        colorPicker.valueProperty().bindBidirectional(canvas.colorProperty());
        sizeSlider.valueProperty().bindBidirectional(canvas.brushSizeProperty());
        opacitySlider.valueProperty().bindBidirectional(canvas.opacityProperty());
        undoButton.disableProperty().bind(canvas.canUndoProperty().not());
        redoButton.disableProperty().bind(canvas.canRedoProperty().not());

        vm.webcams().addListener((javafx.collections.ListChangeListener<WebcamInfo>) c -> fillCameras());
        cameraBox.valueProperty().bindBidirectional(vm.webcamProperty());
        cameraBox.valueProperty().addListener((o, a, b) -> fillResolutions());
        cameraResolutionBox.valueProperty().bindBidirectional(vm.webcamResolutionProperty());
        mirrorBox.selectedProperty().bindBidirectional(vm.mirrorProperty());
        mirrorBox.setOnAction(e -> vm.restartWebcamIfActive());
        cameraBox.setOnAction(e -> vm.restartWebcamIfActive());
        cameraResolutionBox.setOnAction(e -> vm.restartWebcamIfActive());

        imageHost.addEventHandler(MouseEvent.MOUSE_PRESSED, this::mouse);
        imageHost.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::mouse);
        imageHost.addEventHandler(MouseEvent.MOUSE_RELEASED, this::mouse);
        showSource(vm.requestedProperty().get());
    }

    private void selectTool(CanvasTool t) {
        brushTool.setSelected(t == CanvasTool.BRUSH);
        eraserTool.setSelected(t == CanvasTool.ERASER);
        fillTool.setSelected(t == CanvasTool.FILL);
    }

    private void fillCameras() {
        String keep = vm.webcamProperty().get();
        cameraBox.getItems().setAll(vm.webcams().stream().map(WebcamInfo::name).toList());
        if (keep != null) {
            cameraBox.setValue(keep);
        }
        fillResolutions();
    }

    private void fillResolutions() {
        String name = cameraBox.getValue();
        String keep = vm.webcamResolutionProperty().get();
        cameraResolutionBox.getItems().setAll(vm.webcams().stream().filter(c -> c.name().equals(name)).findFirst()
                .map(WebcamInfo::resolutions).orElse(java.util.List.of()));
        if (keep != null) {
            cameraResolutionBox.setValue(keep);
        }
    }

    /** The user picked a source button (or its shortcut). */
    public void choose(SourceKind kind) {
        switch (kind) {
            case IMAGE:
                if (vm.imageFileProperty().get() == null) {
                    chooseFile(SourceKind.IMAGE);
                } else {
                    vm.select(kind);
                }
                break;
            case VIDEO:
                if (vm.videoFileProperty().get() == null) {
                    chooseFile(SourceKind.VIDEO);
                } else {
                    vm.select(kind);
                }
                break;
            case WEBCAM:
                vm.refreshWebcams();
                vm.select(kind);
                break;
            default:
                vm.select(kind);
        }
        showSource(vm.requestedProperty().get());
    }

    private void showSource(SourceKind k) {
        if (updatingButtons) {
            return;
        }
        updatingButtons = true;
        try {
            sourceButtons.forEach((kind, b) -> b.setSelected(kind == k));
        } finally {
            updatingButtons = false;
        }
        canvasTools.setVisible(k == SourceKind.CANVAS);
        webcamTools.setVisible(k == SourceKind.WEBCAM);
        fileTools.setVisible(k == SourceKind.IMAGE || k == SourceKind.VIDEO);
        patternTools.setVisible(k == SourceKind.TEST_PATTERN);
        Path f = k == SourceKind.IMAGE ? vm.imageFileProperty().get() : k == SourceKind.VIDEO ? vm.videoFileProperty().get() : null;
        fileLabel.setText(f == null ? "No file chosen" : f.getFileName().toString());
        imageHost.setCursor(k == SourceKind.CANVAS ? Cursor.CROSSHAIR : Cursor.DEFAULT);
    }

    private void mouse(MouseEvent e) {
        if (vm.requestedProperty().get() != SourceKind.CANVAS || e.getButton() != MouseButton.PRIMARY && e.getEventType() != MouseEvent.MOUSE_DRAGGED) {
            return;
        }
        double[] p = frameView.toFrame(e.getX() - image.getLayoutX(), e.getY() - image.getLayoutY());
        if (p == null) {
            return;
        }
        double sx = (double) canvas.model().width() / frameView.width();
        double sy = (double) canvas.model().height() / frameView.height();
        if (e.getEventType() == MouseEvent.MOUSE_PRESSED) {
            canvas.press(p[0] * sx, p[1] * sy);
        } else if (e.getEventType() == MouseEvent.MOUSE_DRAGGED) {
            canvas.drag(p[0] * sx, p[1] * sy);
        } else {
            canvas.release();
        }
        e.consume();
    }

    /** The header and tools above the picture (the output pane matches its height so both pictures get the same size). */
    public javafx.scene.layout.Region topArea() {
        return topArea;
    }

    /** Draws the newest input picture (UI thread, from the window's animation timer). */
    public void show(Frame frame) {
        frameView.show(frame);
        waiting.setVisible(false);
    }

    @FXML
    private void undo() {
        canvas.undo();
    }

    @FXML
    private void redo() {
        canvas.redo();
    }

    @FXML
    private void clear() {
        canvas.clear();
    }

    @FXML
    private void fillBackground() {
        canvas.fillBackground();
    }

    @FXML
    private void importImage() {
        File f = imageChooser("Import an image into the canvas").showOpenDialog(image.getScene().getWindow());
        if (f != null) {
            canvas.importImage(f.toPath());
            vm.select(SourceKind.CANVAS);
        }
    }

    @FXML
    private void startWebcam() {
        vm.select(SourceKind.WEBCAM);
    }

    @FXML
    private void stopWebcam() {
        vm.select(SourceKind.CANVAS);
    }

    @FXML
    private void rescanWebcams() {
        vm.refreshWebcams();
    }

    @FXML
    private void chooseFile() {
        SourceKind k = vm.requestedProperty().get();
        chooseFile(k == SourceKind.VIDEO ? SourceKind.VIDEO : SourceKind.IMAGE);
    }

    /** Opens a file chooser for an image or video input and switches to it. */
    public void chooseFile(SourceKind kind) {
        FileChooser chooser;
        if (kind == SourceKind.VIDEO) {
            chooser = new FileChooser();
            chooser.setTitle("Choose a video file");
            chooser.getExtensionFilters().addAll(
                    new FileChooser.ExtensionFilter("Videos", "*.mp4", "*.mkv", "*.webm", "*.mov", "*.avi", "*.gif"),
                    new FileChooser.ExtensionFilter("All files", "*"));
        } else {
            chooser = imageChooser("Choose an image file");
        }
        File f = chooser.showOpenDialog(image.getScene().getWindow());
        if (f == null) {
            showSource(vm.requestedProperty().get());
            return;
        }
        if (kind == SourceKind.VIDEO) {
            vm.useVideo(f.toPath());
        } else {
            vm.useImage(f.toPath());
        }
    }

    private static FileChooser imageChooser(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif"),
                new FileChooser.ExtensionFilter("All files", "*"));
        return chooser;
    }

    /** Opens the import dialog (menu shortcut). */
    public void importIntoCanvas() {
        importImage();
    }
}
