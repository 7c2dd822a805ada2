package dev.streamcanvas.app.calib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamcanvas.engine.calib.CalibSequence;
import dev.streamcanvas.engine.calib.Calibrator;
import dev.streamcanvas.engine.io.Png;
import dev.streamcanvas.engine.calib.SolveOptions;
import dev.streamcanvas.engine.calib.SolveResult;
import dev.streamcanvas.engine.calib.SynthOptions;
import dev.streamcanvas.engine.calib.SyntheticSequence;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.image.ImageView;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/** The results view on the headless Monocle platform (system properties set by the app's surefire config). */
class CalibResultsViewTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void solveATinySequence() throws Exception {
        FxToolkit.registerPrimaryStage();
        SynthOptions o = new SynthOptions(3, 2, 30, new double[] {0, 10}, SynthOptions.Noise.NONE, 0.2, 16, 1.0, 1, 5);
        CalibSequence seq = SyntheticSequence.generate(o, null);
        SolveResult r = Calibrator.solve(seq, seq.initial(), SolveOptions.defaults(), null, null);
        int w = seq.camera().width();
        int h = seq.camera().height();
        Png.writeRgb(dir.resolve(CalibResultFile.OVERLAY_BEFORE), w, h, new byte[3 * w * h]);
        Png.writeRgb(dir.resolve(CalibResultFile.OVERLAY_AFTER), w, h, new byte[3 * w * h]);
        CalibResultFile.write(dir, dir, "000001", r);
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        FutureTask<T> task = new FutureTask<>(c);
        Platform.runLater(task);
        return task.get();
    }

    @Test
    void showsBothOverlaysAndTheErrorTable() throws Exception {
        Parent root = onFx(() -> (Parent) ((ScrollPane) CalibResultsView.build(dir)).getContent());
        List<String> quantities = onFx(() -> {
            @SuppressWarnings("unchecked")
            TableView<CalibResultFile.Row> table = (TableView<CalibResultFile.Row>) root.lookup("#calib-table");
            return table.getItems().stream().map(CalibResultFile.Row::quantity).toList();
        });
        assertThat(quantities).contains("rotation error (deg)", "translation error (cm)", "time offset error (ms)",
                "time offset (ms)", "loss");
        ImageView after = onFx(() -> (ImageView) root.lookup("#calib-after"));
        assertThat(after.getImage().getWidth()).isEqualTo(248);
        CalibResultFile.Summary s = CalibResultFile.read(dir);
        assertThat(s.rows().get(2).before()).isEqualTo("1.000"); // rotation error before: the 1 degree guess
    }

    @Test
    void aFolderWithoutResultIsNamedInTheError() {
        assertThatThrownBy(() -> CalibResultsView.build(dir.resolve("missing")))
                .hasMessageContaining("result.json").hasMessageContaining("not found");
    }
}
