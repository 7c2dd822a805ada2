package dev.streamcanvas.app.calib;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TitledPane;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * A window with the result of a {@code streamcanvas calib solve}: the overlays before and after (LIDAR points
 * coloured by class over the camera image) and the numbers (errors against ground truth when known, time offset
 * and its status, loss, time), read from the result folder's {@code result.json}.
 *
 * <p>Entry point for the app: {@link #show(Window, Path)} on the FX thread.
 */
public final class CalibResultsView {
    static final String THEME = "/dev/streamcanvas/ui/theme.css";

    private CalibResultsView() {
    }

    /**
     * Opens the results of {@code resultDir} (a folder holding result.json and the two overlay PNGs) in a new
     * window owned by {@code owner} (may be null). On a missing or broken folder it shows an error dialog
     * naming the file instead and returns null. Call on the FX thread.
     */
    public static Stage show(Window owner, Path resultDir) {
        Parent root;
        try {
            root = build(resultDir);
        } catch (IOException e) {
            Alert alert = new Alert(Alert.AlertType.ERROR, e.getMessage());
            alert.setHeaderText("Cannot show the calibration result");
            if (owner != null) {
                alert.initOwner(owner);
            }
            alert.show();
            return null;
        }
        Stage stage = new Stage();
        if (owner != null) {
            stage.initOwner(owner);
        }
        stage.setTitle("Camera-LIDAR calibration — " + resultDir.toAbsolutePath());
        Scene scene = new Scene(root, 1080, 820);
        URL theme = CalibResultsView.class.getResource(THEME);
        if (theme != null) {
            scene.getStylesheets().add(theme.toExternalForm());
        }
        stage.setScene(scene);
        stage.show();
        return stage;
    }

    /** The view's content for {@code resultDir}; throws with a message naming the file when it cannot be read. */
    public static Parent build(Path resultDir) throws IOException {
        CalibResultFile.Summary s = CalibResultFile.read(resultDir);
        VBox box = new VBox(8);
        box.setPadding(new Insets(12));
        box.getStyleClass().add("calib-results");
        Label heading = new Label("Data: " + s.data() + (s.overlayFrame().isEmpty() ? "" : "   (overlay frame " + s.overlayFrame() + ")"));
        heading.setId("calib-heading");
        box.getChildren().add(heading);
        box.getChildren().add(new Label("Before (initial guess)"));
        box.getChildren().add(image(resultDir.resolve(CalibResultFile.OVERLAY_BEFORE), "calib-before"));
        box.getChildren().add(new Label("After (estimate)"));
        box.getChildren().add(image(resultDir.resolve(CalibResultFile.OVERLAY_AFTER), "calib-after"));

        TableView<CalibResultFile.Row> table = new TableView<>();
        table.setId("calib-table");
        table.getColumns().add(column("Quantity", CalibResultFile.Row::quantity, 260));
        table.getColumns().add(column("Before", CalibResultFile.Row::before, 300));
        table.getColumns().add(column("After", CalibResultFile.Row::after, 380));
        table.getItems().setAll(s.rows());
        table.setPrefHeight(28 * (s.rows().size() + 1) + 4);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        box.getChildren().add(table);

        TextArea log = new TextArea(String.join("\n", s.stages()));
        log.setEditable(false);
        log.setPrefRowCount(Math.min(8, Math.max(2, s.stages().size())));
        TitledPane stages = new TitledPane("Solver stages", log);
        stages.setExpanded(false);
        box.getChildren().add(stages);

        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        return scroll;
    }

    private static ImageView image(Path file, String id) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + ": file not found");
        }
        Image img;
        try (InputStream in = Files.newInputStream(file)) {
            img = new Image(in);
        }
        if (img.isError()) {
            throw new IOException(file + ": not a readable image");
        }
        ImageView view = new ImageView(img);
        view.setId(id);
        view.setPreserveRatio(true);
        view.setFitWidth(Math.min(1040, img.getWidth()));
        return view;
    }

    private static TableColumn<CalibResultFile.Row, String> column(String title,
            java.util.function.Function<CalibResultFile.Row, String> value, double width) {
        TableColumn<CalibResultFile.Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);
        return c;
    }
}
