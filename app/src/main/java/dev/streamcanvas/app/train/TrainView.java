package dev.streamcanvas.app.train;

import dev.streamcanvas.engine.train.TrainConfig;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.property.IntegerProperty;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.stage.DirectoryChooser;

/** The Train tab (Train.fxml): binds the controls to {@link TrainViewModel}. */
public final class TrainView {
    private final TrainViewModel vm;

    @FXML private Label folderLabel;
    @FXML private ComboBox<TrainConfig.Assignment> assignmentBox;
    @FXML private Spinner<Integer> stepsSpinner;
    @FXML private Spinner<Integer> vaeStepsSpinner;
    @FXML private Spinner<Integer> batchSpinner;
    @FXML private ComboBox<Integer> sizeBox;
    @FXML private Button startButton;
    @FXML private Button pauseButton;
    @FXML private Button cancelButton;
    @FXML private ProgressBar progressBar;
    @FXML private Label statusLabel;
    @FXML private Label metricsLabel;
    @FXML private ImageView sampleView;
    @FXML private Button useButton;
    @FXML private Label messageLabel;

    public TrainView(TrainViewModel vm) {
        this.vm = vm;
    }

    @FXML
    private void initialize() {
        folderLabel.textProperty().bind(Bindings.createStringBinding(() -> {
            Path p = vm.dataFolderProperty().get();
            return p == null ? "No folder chosen" : p.getFileName().toString();
        }, vm.dataFolderProperty()));
        assignmentBox.getItems().setAll(TrainConfig.Assignment.NONE, TrainConfig.Assignment.EXACT, TrainConfig.Assignment.FP16);
        assignmentBox.valueProperty().bindBidirectional(vm.assignmentProperty());
        assignmentBox.setConverter(new javafx.util.StringConverter<TrainConfig.Assignment>() {
            @Override
            public String toString(TrainConfig.Assignment a) {
                if (a == null) {
                    return "";
                }
                switch (a) {
                    case NONE:
                        return "Vanilla (no assignment)";
                    case EXACT:
                        return "Immiscible (exact assignment)";
                    case FP16:
                        return "Immiscible (fp16 costs)";
                    default:
                        return a.name();
                }
            }

            @Override
            public TrainConfig.Assignment fromString(String s) {
                return null;
            }
        });
        spinner(stepsSpinner, vm.stepsProperty(), 1, 100_000, 100);
        spinner(vaeStepsSpinner, vm.vaeStepsProperty(), 0, 100_000, 100);
        spinner(batchSpinner, vm.batchProperty(), 2, 256, 2);
        sizeBox.getItems().setAll(List.of(32, 48, 64, 96, 128));
        sizeBox.setValue(vm.sizeProperty().get());
        sizeBox.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.sizeProperty().set(b);
            }
        });
        for (javafx.scene.Node n : List.of(assignmentBox, stepsSpinner, vaeStepsSpinner, batchSpinner, sizeBox, startButton)) {
            n.disableProperty().bind(vm.runningProperty());
        }
        pauseButton.disableProperty().bind(vm.runningProperty().not());
        cancelButton.disableProperty().bind(vm.runningProperty().not());
        pauseButton.textProperty().bind(Bindings.when(vm.pausedProperty()).then("Resume").otherwise("Pause"));
        progressBar.progressProperty().bind(vm.progressProperty());
        statusLabel.textProperty().bind(vm.statusProperty());
        metricsLabel.textProperty().bind(vm.metricsProperty());
        useButton.disableProperty().bind(vm.exportedProperty().isNull());
        messageLabel.textProperty().bind(vm.messageProperty());
        messageLabel.visibleProperty().bind(Bindings.isNotEmpty(vm.messageProperty()));
        messageLabel.managedProperty().bind(messageLabel.visibleProperty());
        vm.sampleProperty().addListener((o, a, px) -> showSample(px, vm.sampleSizeProperty().get()));
    }

    private static void spinner(Spinner<Integer> s, IntegerProperty p, int min, int max, int step) {
        SpinnerValueFactory.IntegerSpinnerValueFactory f = new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, p.get(), step);
        s.setValueFactory(f);
        f.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                p.set(b);
            }
        });
    }

    private void showSample(int[] argb, int size) {
        if (argb == null || size <= 0) {
            return;
        }
        WritableImage img = new WritableImage(size, size); // a few times per run: no need to reuse
        img.getPixelWriter().setPixels(0, 0, size, size, PixelFormat.getIntArgbInstance(), argb, 0, size);
        sampleView.setImage(img);
    }

    @FXML
    private void chooseFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Choose a folder of training images");
        File dir = chooser.showDialog(folderLabel.getScene().getWindow());
        if (dir != null) {
            vm.dataFolderProperty().set(dir.toPath());
        }
    }

    @FXML
    private void start() {
        vm.start();
    }

    @FXML
    private void togglePause() {
        vm.togglePause();
    }

    @FXML
    private void cancel() {
        vm.cancel();
    }

    @FXML
    private void useModel() {
        vm.useTrainedModel();
    }
}
