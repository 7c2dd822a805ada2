package dev.streamcanvas.app.ui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/** The JavaFX application. Placeholder window until the live view lands (issue: the live app). */
public final class DesktopApp extends Application {

    /** Launches the toolkit and blocks until the last window closes. */
    public static void launchAndWait() {
        Application.launch(DesktopApp.class);
    }

    @Override
    public void start(Stage stage) {
        Label label = new Label("StreamCanvas — the live view arrives with the live app.");
        StackPane root = new StackPane(label);
        stage.setTitle("StreamCanvas");
        stage.setScene(new Scene(root, 960, 540));
        stage.show();
    }
}
