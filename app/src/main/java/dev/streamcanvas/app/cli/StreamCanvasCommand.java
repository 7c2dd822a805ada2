package dev.streamcanvas.app.cli;

import dev.streamcanvas.app.ui.DesktopApp;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Root command: with no subcommand it opens the desktop window. */
@Command(
        name = "streamcanvas",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        resourceBundle = SharedOptions.BUNDLE,
        description = "Real-time interactive diffusion: live webcam/canvas restyling, training tools, calibration.",
        subcommands = {
            // one line per headless command
            InspectCommand.class,
            FixtureCommand.class,
            RenderCommand.class,
            BenchCommand.class,
            ConsistencyCommand.class,
            AssignCommand.class,
            TrainCommand.class,
            DistillCommand.class,
            ClassifierCommand.class,
            EvaluateCommand.class,
            CalibCommand.class,
        })
public final class StreamCanvasCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        DesktopApp.launchAndWait();
        return 0;
    }
}
