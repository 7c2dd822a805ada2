package dev.streamcanvas.app.train;

import dev.streamcanvas.engine.assign.AssignmentDemo;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.fxml.FXMLLoader;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.TilePane;
import javafx.scene.paint.Color;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

/** The Train tab's view (controller of {@code Train.fxml}): binds to a {@link TrainViewModel}, draws its pictures. */
public final class TrainView {
    static final String UI = "/dev/streamcanvas/ui/";
    private static final Color VANILLA = Color.web("#5ab0ff");
    private static final Color IMMISCIBLE = Color.web("#ff9f43");

    private final TrainViewModel vm;
    private final Set<XYChart.Series<Number, Number>> watched = Collections.newSetFromMap(new WeakHashMap<>());

    @FXML private Button chooseDataset;
    @FXML private Label datasetName;
    @FXML private Label datasetSummary;
    @FXML private TilePane thumbnails;
    @FXML private GridPane configForm;
    @FXML private ComboBox<TrainForm.ModelPreset> model;
    @FXML private TextField steps;
    @FXML private TextField vaeSteps;
    @FXML private TextField batch;
    @FXML private TextField learningRate;
    @FXML private ComboBox<TrainForm.AssignmentChoice> assignment;
    @FXML private Label knnLabel;
    @FXML private TextField knnK;
    @FXML private TextField seed;
    @FXML private ComboBox<Integer> seeds;
    @FXML private TextField evalEvery;
    @FXML private TextField sampleEvery;
    @FXML private Label outputName;
    @FXML private Button startButton;
    @FXML private Button pauseButton;
    @FXML private Button resumeButton;
    @FXML private Button cancelButton;
    @FXML private Button openResultsButton;
    @FXML private ProgressBar progress;
    @FXML private Label status;
    @FXML private Label error;
    @FXML private HBox seedLegend;
    @FXML private Label seedLegendNote;
    @FXML private LineChart<Number, Number> trainLossChart;
    @FXML private LineChart<Number, Number> heldOutChart;
    @FXML private LineChart<Number, Number> qualityChart;
    @FXML private LineChart<Number, Number> assignChart;
    @FXML private Label vanillaSamplesLabel;
    @FXML private Canvas vanillaSamples;
    @FXML private Label immiscibleSamplesLabel;
    @FXML private Canvas immiscibleSamples;
    @FXML private ComboBox<TrainViewModel.Run> exportRun;
    @FXML private Button exportButton;
    @FXML private Button useLiveButton;
    @FXML private Label exported;
    @FXML private Label vanillaDemoLabel;
    @FXML private Canvas vanillaDemo;
    @FXML private Label immiscibleDemoLabel;
    @FXML private Canvas immiscibleDemo;

    public TrainView(TrainViewModel vm) {
        this.vm = vm;
    }

    /** Loads {@code Train.fxml} (it brings its stylesheet) bound to {@code vm}: the node to put in the Train tab. */
    public static Parent create(TrainViewModel vm) {
        FXMLLoader loader = new FXMLLoader(resource("Train.fxml"));
        loader.setControllerFactory(type -> {
            if (type == TrainView.class) {
                return new TrainView(vm);
            }
            throw new IllegalStateException("no controller known for " + type);
        });
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("could not load " + UI + "Train.fxml", e);
        }
    }

    static URL resource(String name) {
        URL url = TrainView.class.getResource(UI + name);
        if (url == null) {
            throw new IllegalStateException("UI resource " + UI + name + " is missing from the class path (ui-resources jar)");
        }
        return url;
    }

    @FXML
    private void initialize() {
        // dataset
        datasetName.textProperty().bind(Bindings.createStringBinding(() -> vm.datasetFolderProperty().get() == null
                ? "" : vm.datasetFolderProperty().get().toString(), vm.datasetFolderProperty()));
        datasetSummary.textProperty().bind(vm.datasetSummaryProperty());
        vm.thumbnails().addListener((javafx.collections.ListChangeListener<TrainViewModel.Thumbnail>) c -> showThumbnails());
        showThumbnails();
        chooseDataset.disableProperty().bind(vm.canEditConfig().not());

        // configuration
        configForm.disableProperty().bind(vm.canEditConfig().not());
        model.setItems(vm.form().modelPresets());
        model.valueProperty().bindBidirectional(vm.form().modelPresetProperty());
        bindText(steps, vm.form().stepsProperty());
        bindText(vaeSteps, vm.form().vaeStepsProperty());
        bindText(batch, vm.form().batchProperty());
        bindText(learningRate, vm.form().learningRateProperty());
        assignment.getItems().setAll(TrainForm.AssignmentChoice.values());
        assignment.valueProperty().bindBidirectional(vm.form().assignmentProperty());
        bindText(knnK, vm.form().knnKProperty());
        knnK.visibleProperty().bind(vm.form().assignmentProperty().isEqualTo(TrainForm.AssignmentChoice.KNN));
        knnK.managedProperty().bind(knnK.visibleProperty());
        knnLabel.visibleProperty().bind(knnK.visibleProperty());
        knnLabel.managedProperty().bind(knnK.visibleProperty());
        bindText(seed, vm.form().seedProperty());
        seeds.setItems(vm.form().seedCounts());
        seeds.valueProperty().bindBidirectional(vm.form().seedsProperty());
        seeds.setTooltip(new Tooltip("More than 1: trains seed, seed + 1, … each as a vanilla and an immiscible run "
                + "(in OUT/seed-S); the charts show each seed faint and the mean across seeds bold."));
        bindText(evalEvery, vm.form().evalEveryProperty());
        bindText(sampleEvery, vm.form().sampleEveryProperty());
        outputName.textProperty().bind(Bindings.createStringBinding(() -> vm.form().outputFolderProperty().get() == null
                ? "(none)" : vm.form().outputFolderProperty().get().toString(), vm.form().outputFolderProperty()));
        assignment.setTooltip(new Tooltip("How the immiscible run pairs noise with latents; the vanilla run never does."));

        // controls and progress
        startButton.disableProperty().bind(vm.canStart().not());
        startButton.textProperty().bind(Bindings.createStringBinding(() -> {
            Integer n = vm.form().seedsProperty().get();
            if (vm.form().assignmentProperty().get() == TrainForm.AssignmentChoice.NONE) {
                return "Start vanilla run";
            }
            return n == null || n <= 1 ? "Start both runs" : "Start both runs × " + n + " seeds";
        }, vm.form().assignmentProperty(), vm.form().seedsProperty()));
        pauseButton.disableProperty().bind(vm.canPause().not());
        resumeButton.disableProperty().bind(vm.canResume().not());
        cancelButton.disableProperty().bind(vm.canCancel().not());
        openResultsButton.disableProperty().bind(vm.canEditConfig().not());
        openResultsButton.setTooltip(new Tooltip("Show the curves of a comparison folder (e.g. the --out of "
                + "streamcanvas train --compare exact --seeds 3) from its metrics.csv files, read-only."));
        progress.progressProperty().bind(vm.progressProperty());
        status.textProperty().bind(vm.statusProperty());
        error.textProperty().bind(vm.errorProperty());
        error.visibleProperty().bind(vm.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());

        // charts: with several seeds one shared legend (the two means) instead of one entry per series
        BooleanBinding several = Bindings.createBooleanBinding(() -> vm.charts().seedsProperty().get().size() > 1,
                vm.charts().seedsProperty());
        trainLossChart.setData(vm.charts().trainLossSeries());
        heldOutChart.setData(vm.charts().heldOutLossSeries());
        qualityChart.setData(vm.charts().qualitySeries());
        assignChart.setData(vm.charts().assignMsSeries());
        for (LineChart<Number, Number> chart : List.of(trainLossChart, heldOutChart, qualityChart, assignChart)) {
            chart.legendVisibleProperty().bind(several.not());
            // added after the chart's own listener, so the series' line nodes exist when it runs
            chart.getData().addListener((ListChangeListener<XYChart.Series<Number, Number>>) c -> styleSeries(chart));
            styleSeries(chart);
        }
        seedLegend.visibleProperty().bind(several);
        seedLegend.managedProperty().bind(several);
        seedLegendNote.textProperty().bind(Bindings.createStringBinding(() -> "faint: each of the "
                + vm.charts().seedsProperty().get().size() + " seeds", vm.charts().seedsProperty()));

        // samples
        vm.charts().samplesProperty(TrainViewModel.Run.VANILLA).addListener((o, a, g) -> drawSamples(vanillaSamples,
                vanillaSamplesLabel, TrainViewModel.Run.VANILLA, g, vm.charts().seedsProperty().get()));
        vm.charts().samplesProperty(TrainViewModel.Run.IMMISCIBLE).addListener((o, a, g) -> drawSamples(immiscibleSamples,
                immiscibleSamplesLabel, TrainViewModel.Run.IMMISCIBLE, g, vm.charts().seedsProperty().get()));
        drawSamples(vanillaSamples, vanillaSamplesLabel, TrainViewModel.Run.VANILLA, null, List.of());
        drawSamples(immiscibleSamples, immiscibleSamplesLabel, TrainViewModel.Run.IMMISCIBLE, null, List.of());

        // export
        exportRun.getItems().setAll(TrainViewModel.Run.values());
        exportRun.valueProperty().bindBidirectional(vm.exportRunProperty());
        exportButton.disableProperty().bind(vm.canExport().not());
        useLiveButton.disableProperty().bind(vm.canUseLive().not());
        useLiveButton.setVisible(vm.hasLiveTarget());
        useLiveButton.setManaged(vm.hasLiveTarget());
        exported.textProperty().bind(Bindings.createStringBinding(() -> vm.exportedModelProperty().get() == null
                ? "Export a finished run to get a model folder the live view can load."
                : "Model folder: " + vm.exportedModelProperty().get(), vm.exportedModelProperty()));

        // assignment demo
        vm.demoProperty().addListener((o, a, m) -> drawDemo(m));
        drawDemo(vm.demoProperty().get());
    }

    /**
     * With several seeds: each seed's line faint and without symbols, the means bold, in the run's colour (style
     * classes train-seed-RUN / train-mean-RUN on the line and on the symbols, also on those added later).
     */
    private void styleSeries(LineChart<Number, Number> chart) {
        for (XYChart.Series<Number, Number> s : chart.getData()) {
            TrainCharts.Role role = vm.charts().role(s);
            if (role == null || !vm.charts().severalSeeds() || s.getNode() == null) {
                continue;
            }
            String style = (role.mean() ? "train-mean-" : "train-seed-") + role.run().name().toLowerCase(Locale.ROOT);
            addStyle(s.getNode(), style);
            s.getData().forEach(d -> addStyle(d.getNode(), style));
            if (watched.add(s)) {
                s.getData().addListener((ListChangeListener<XYChart.Data<Number, Number>>) c -> {
                    while (c.next()) {
                        c.getAddedSubList().forEach(d -> addStyle(d.getNode(), style));
                    }
                });
            }
        }
    }

    private static void addStyle(Node node, String style) {
        if (node != null && !node.getStyleClass().contains(style)) {
            node.getStyleClass().add(style);
        }
    }

    private static void bindText(TextField field, StringProperty property) {
        field.textProperty().bindBidirectional(property);
    }

    private void showThumbnails() {
        thumbnails.getChildren().clear();
        for (TrainViewModel.Thumbnail t : vm.thumbnails()) {
            ImageView iv = new ImageView(image(t.argb(), t.size()));
            iv.setFitWidth(32);
            iv.setFitHeight(32);
            iv.setSmooth(false);
            Tooltip.install(iv, new Tooltip(t.caption()));
            thumbnails.getChildren().add(iv);
        }
    }

    private static WritableImage image(int[] argb, int size) {
        WritableImage img = new WritableImage(size, size);
        img.getPixelWriter().setPixels(0, 0, size, size, PixelFormat.getIntArgbInstance(), argb, 0, size);
        return img;
    }

    /** Up to 16 samples as a 4 x 4 grid filling the canvas; with several seeds they are the first seed's. */
    private static void drawSamples(Canvas canvas, Label label, TrainViewModel.Run run, TrainCharts.SampleGrid grid,
            List<Long> seeds) {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        g.setFill(Color.web("#0b0c0f"));
        g.fillRect(0, 0, w, canvas.getHeight());
        if (grid == null) {
            label.setText(run + ": no samples yet");
            return;
        }
        label.setText(run + (seeds.size() > 1 ? " · seed " + seeds.get(0) + " (first)" : "") + " · step " + grid.step());
        int cols = 4;
        double cell = w / cols;
        g.setImageSmoothing(false);
        List<int[]> imgs = grid.argb();
        for (int i = 0; i < Math.min(cols * cols, imgs.size()); i++) {
            g.drawImage(image(imgs.get(i), grid.size()), (i % cols) * cell + 1, (i / cols) * cell + 1, cell - 2, cell - 2);
        }
    }

    private void drawDemo(AssignmentDemo.Mapping m) {
        vanillaDemoLabel.setText(String.format(Locale.ROOT, "Vanilla · total %.1f", m.vanillaCost()));
        immiscibleDemoLabel.setText(String.format(Locale.ROOT, "Immiscible · total %.1f", m.immiscibleCost()));
        drawMapping(vanillaDemo, m, m.vanilla(), VANILLA);
        drawMapping(immiscibleDemo, m, m.immiscible(), IMMISCIBLE);
    }

    /** Points (dots), noises (crosses) and a line from each point to its noise, on a [-3.5, 3.5]^2 view. */
    static void drawMapping(Canvas canvas, AssignmentDemo.Mapping m, int[] noiseFor, Color line) {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(Color.web("#0b0c0f"));
        g.fillRect(0, 0, w, h);
        double span = 7.0;
        Function<Float, Double> sx = x -> (x + span / 2) / span * w;
        Function<Float, Double> sy = y -> (span / 2 - y) / span * h;
        float[] p = m.points();
        float[] n = m.noises();
        int count = p.length / 2;
        g.setStroke(line.deriveColor(0, 1, 1, 0.75));
        g.setLineWidth(1);
        for (int i = 0; i < count; i++) {
            int j = noiseFor[i];
            g.strokeLine(sx.apply(p[2 * i]), sy.apply(p[2 * i + 1]), sx.apply(n[2 * j]), sy.apply(n[2 * j + 1]));
        }
        g.setStroke(Color.web("#9aa3b5"));
        for (int j = 0; j < count; j++) {
            double x = sx.apply(n[2 * j]);
            double y = sy.apply(n[2 * j + 1]);
            g.strokeLine(x - 3, y - 3, x + 3, y + 3);
            g.strokeLine(x - 3, y + 3, x + 3, y - 3);
        }
        g.setFill(Color.web("#e6e8ee"));
        for (int i = 0; i < count; i++) {
            g.fillOval(sx.apply(p[2 * i]) - 3, sy.apply(p[2 * i + 1]) - 3, 6, 6);
        }
    }

    private Window window() {
        return startButton.getScene() == null ? null : startButton.getScene().getWindow();
    }

    @FXML
    private void chooseDataset() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Folder of training images (PNG/JPEG)");
        Path cur = vm.datasetFolderProperty().get();
        if (cur != null && cur.toFile().isDirectory()) {
            dc.setInitialDirectory(cur.toFile());
        }
        File f = dc.showDialog(window());
        if (f != null) {
            vm.chooseDataset(f.toPath());
        }
    }

    @FXML
    private void chooseOutput() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Folder for the run folders and the exported model");
        File f = dc.showDialog(window());
        if (f != null) {
            vm.form().outputFolderProperty().set(f.toPath());
        }
    }

    @FXML
    private void openResults() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Comparison folder (the --out of streamcanvas train --compare …)");
        Path cur = vm.form().outputFolderProperty().get();
        if (cur != null && cur.toFile().isDirectory()) {
            dc.setInitialDirectory(cur.toFile());
        }
        File f = dc.showDialog(window());
        if (f != null) {
            vm.openResults(f.toPath());
        }
    }

    @FXML
    private void start() {
        vm.start();
    }

    @FXML
    private void pause() {
        vm.pause();
    }

    @FXML
    private void resume() {
        vm.resume();
    }

    @FXML
    private void cancel() {
        vm.cancel();
    }

    @FXML
    private void export() {
        vm.export();
    }

    @FXML
    private void useLive() {
        vm.useLive();
    }

    @FXML
    private void newDemo() {
        vm.newDemo();
    }
}
