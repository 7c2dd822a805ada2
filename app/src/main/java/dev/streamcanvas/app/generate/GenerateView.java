package dev.streamcanvas.app.generate;

import dev.streamcanvas.app.live.DeviceChoice;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.StreamSettings;
import dev.streamcanvas.app.live.ModelInfo;
import java.io.File;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.property.DoubleProperty;
import javafx.fxml.FXML;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.DirectoryChooser;

/** The Generate tab (Generate.fxml): binds every control to {@link GenerateViewModel}. */
public final class GenerateView {
    private final GenerateViewModel vm;

    @FXML private Label modelName;
    @FXML private ProgressIndicator loadingIndicator;
    @FXML private ComboBox<DeviceChoice> deviceBox;
    @FXML private Label modelError;
    @FXML private TextArea promptArea;
    @FXML private TextArea negativeArea;
    @FXML private Slider strengthSlider;
    @FXML private Label strengthValue;
    @FXML private Spinner<Integer> stepsSpinner;
    @FXML private ComboBox<GuidanceMode> guidanceBox;
    @FXML private Slider gammaSlider;
    @FXML private Label gammaValue;
    @FXML private Slider deltaSlider;
    @FXML private Label deltaValue;
    @FXML private TextField seedField;
    @FXML private CheckBox similarityBox;
    @FXML private Slider thresholdSlider;
    @FXML private Label thresholdValue;
    @FXML private CheckBox temporalBox;
    @FXML private Slider temporalSlider;
    @FXML private Label temporalValue;
    @FXML private ComboBox<Resolution> resolutionBox;
    @FXML private Label settingsError;

    public GenerateView(GenerateViewModel vm) {
        this.vm = vm;
    }

    @FXML
    private void initialize() {
        modelName.textProperty().bind(Bindings.createStringBinding(() -> {
            ModelInfo m = vm.modelProperty().get();
            return m == null ? "no model" : m.name();
        }, vm.modelProperty()));
        loadingIndicator.visibleProperty().bind(vm.loadingProperty());
        deviceBox.getItems().setAll(DeviceChoice.values());
        deviceBox.valueProperty().bindBidirectional(vm.deviceProperty());
        deviceBox.disableProperty().bind(vm.loadingProperty());
        showWhenSet(modelError, vm.modelErrorProperty());
        showWhenSet(settingsError, vm.settingsErrorProperty());

        promptArea.textProperty().bindBidirectional(vm.promptProperty());
        negativeArea.textProperty().bindBidirectional(vm.negativePromptProperty());
        slider(strengthSlider, strengthValue, vm.strengthProperty(), "%.2f");
        slider(gammaSlider, gammaValue, vm.gammaProperty(), "%.2f");
        slider(deltaSlider, deltaValue, vm.deltaProperty(), "%.2f");
        slider(thresholdSlider, thresholdValue, vm.similarityThresholdProperty(), "%.3f");
        thresholdSlider.disableProperty().bind(vm.similarityFilterProperty().not());
        similarityBox.selectedProperty().bindBidirectional(vm.similarityFilterProperty());
        slider(temporalSlider, temporalValue, vm.temporalStrengthProperty(), "%.2f");
        temporalSlider.disableProperty().bind(vm.temporalProperty().not());
        temporalBox.selectedProperty().bindBidirectional(vm.temporalProperty());

        SpinnerValueFactory.IntegerSpinnerValueFactory steps = new SpinnerValueFactory.IntegerSpinnerValueFactory(1, StreamSettings.MAX_SLOTS,
                vm.stepsProperty().get());
        stepsSpinner.setValueFactory(steps);
        steps.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.stepsProperty().set(b);
            }
        });
        vm.stepsProperty().addListener((o, a, b) -> steps.setValue(b.intValue()));

        guidanceBox.getItems().setAll(GuidanceMode.values());
        guidanceBox.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(GuidanceMode g) {
                return g == null ? "" : label(g);
            }

            @Override
            public GuidanceMode fromString(String s) {
                return null;
            }
        });
        guidanceBox.valueProperty().bindBidirectional(vm.guidanceProperty());
        gammaSlider.disableProperty().bind(vm.guidanceProperty().isEqualTo(GuidanceMode.NONE));
        deltaSlider.disableProperty().bind(Bindings.createBooleanBinding(
                () -> vm.guidanceProperty().get() != GuidanceMode.SELF && vm.guidanceProperty().get() != GuidanceMode.INITIALIZE,
                vm.guidanceProperty()));

        seedField.setText(Long.toString(vm.seedProperty().get()));
        vm.seedProperty().addListener((o, a, b) -> seedField.setText(Long.toString(b.longValue())));
        seedField.textProperty().addListener((o, a, text) -> {
            try {
                long v = Long.parseLong(text.trim());
                if (v >= 0) {
                    vm.seedProperty().set(v);
                    seedField.getStyleClass().remove("invalid");
                    return;
                }
            } catch (NumberFormatException e) {
                // fall through: mark the field
            }
            if (!seedField.getStyleClass().contains("invalid")) {
                seedField.getStyleClass().add("invalid");
            }
        });

        resolutionBox.getItems().setAll(Resolution.CHOICES);
        if (!resolutionBox.getItems().contains(vm.resolutionProperty().get())) {
            resolutionBox.getItems().add(vm.resolutionProperty().get());
        }
        resolutionBox.valueProperty().bindBidirectional(vm.resolutionProperty());
    }

    private static void showWhenSet(Label label, javafx.beans.value.ObservableStringValue text) {
        label.textProperty().bind(text);
        label.visibleProperty().bind(Bindings.isNotEmpty(text));
        label.managedProperty().bind(label.visibleProperty());
    }

    private static void slider(Slider s, Label value, DoubleProperty p, String format) {
        s.valueProperty().bindBidirectional(p);
        value.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, format, p.get()), p));
    }

    @FXML
    private void chooseModelFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Choose a model folder (diffusers ONNX layout, with model_index.json)");
        ModelInfo m = vm.modelProperty().get();
        if (m != null && m.folder() != null && m.folder().getParent() != null && m.folder().getParent().toFile().isDirectory()) {
            chooser.setInitialDirectory(m.folder().getParent().toFile());
        }
        File dir = chooser.showDialog(modelName.getScene().getWindow());
        if (dir != null) {
            vm.loadModel(dir.toPath());
        }
    }

    /** Opens the model folder chooser (menu shortcut). */
    public void openModelChooser() {
        chooseModelFolder();
    }

    @FXML
    private void newSeed() {
        vm.newSeed();
    }

    /** Puts the keyboard focus into the prompt. */
    public void focusPrompt() {
        promptArea.requestFocus();
        promptArea.selectAll();
    }

    /** The name the Generate panel shows for a guidance mode. */
    static String label(GuidanceMode g) {
        return switch (g) {
            case NONE -> "None";
            case SELF -> "Self (RCFG)";
            case INITIALIZE -> "Initialize (RCFG)";
            case FULL -> "Full CFG";
        };
    }
}
