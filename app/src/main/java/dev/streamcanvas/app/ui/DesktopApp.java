package dev.streamcanvas.app.ui;

import dev.streamcanvas.app.live.GenerationServices;
import dev.streamcanvas.app.settings.AppPaths;
import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application: opens the main window with the default generation service. */
public final class DesktopApp extends Application {

    /** Launches the toolkit and blocks until the window is closed. */
    public static void launchAndWait() {
        Application.launch(DesktopApp.class);
    }

    @Override
    public void start(Stage stage) throws Exception {
        AppPaths paths = AppPaths.fromEnvironment();
        MainWindow.open(stage, paths, runner -> GenerationServices.createDefault(paths));
    }
}
