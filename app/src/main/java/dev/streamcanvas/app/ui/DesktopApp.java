package dev.streamcanvas.app.ui;

import dev.streamcanvas.app.live.GenerationServices;
import dev.streamcanvas.app.settings.AppPaths;
import java.io.IOException;
import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application: opens the main window on the stream engine with the default model. */
public final class DesktopApp extends Application {

    /** Launches the toolkit and blocks until the window is closed. */
    public static void launchAndWait() {
        Application.launch(DesktopApp.class);
    }

    /** Opens the main window as the app does (also used by the windowed smoke test). */
    public static MainWindow openMain(Stage stage, AppPaths paths) throws IOException {
        GenerationServices services = new GenerationServices(paths);
        return MainWindow.open(stage, paths, runner -> services.create(), services.defaultModel());
    }

    @Override
    public void start(Stage stage) throws Exception {
        openMain(stage, AppPaths.fromEnvironment());
    }
}
