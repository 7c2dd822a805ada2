package dev.streamcanvas.app.ui;

import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.live.LiveViewModel;
import dev.streamcanvas.app.settings.AppPaths;
import dev.streamcanvas.app.source.SourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.paint.Color;
import javafx.scene.robot.Robot;
import javafx.stage.Stage;
import javax.imageio.ImageIO;

/**
 * The app under a real display (Xvfb), driven like a user: waits for the first output, draws strokes on the
 * canvas with the OS-level robot, checks that the output changes, measures the frame rates, writes a
 * screenshot and a result file, and closes the window. Started in its own JVM by {@code WindowSmokeTest}.
 * Arguments: screenshot folder, result file.
 */
public final class SmokeApp extends Application {
    private static final double STRENGTH = Double.parseDouble(System.getenv().getOrDefault("SMOKE_STRENGTH", "0.5"));
    private static Path screenshots;
    private static Path resultFile;
    private final List<String> results = new ArrayList<>();
    private MainWindow window;

    /** Entry point in a class that is not an Application, so JavaFX starts from a plain class path. */
    public static final class Launcher {
        private Launcher() {
        }

        public static void main(String[] args) {
            screenshots = Path.of(args[0]);
            resultFile = Path.of(args[1]);
            Application.launch(SmokeApp.class);
        }
    }

    @Override
    public void start(Stage stage) throws Exception {
        AppPaths paths = AppPaths.fromEnvironment();
        stage.setX(0);
        stage.setY(0);
        window = DesktopApp.openMain(stage, paths);
        Thread driver = new Thread(this::drive, "smoke-driver");
        driver.setDaemon(true);
        driver.start();
    }

    private void drive() {
        int code = 1;
        try {
            LiveViewModel vm = window.viewModel();
            await(() -> onFx(() -> vm.outputsShown() > 0), 60, "the first output frame");
            await(() -> onFx(() -> vm.input().active() == SourceKind.CANVAS), 20, "the canvas input");
            // the start-up model (shipped, else the generated placeholder) replaces the preview filter
            await(() -> onFx(() -> !vm.generate().modelProperty().get().preview() || vm.generate().modelErrorProperty().get() != null),
                    120, "the start-up model");
            results.add("model=" + onFx(() -> vm.generate().modelProperty().get()));
            results.add("model-error=" + onFx(() -> vm.generate().modelErrorProperty().get()));
            results.add("tools-menu=" + onFx(() -> {
                javafx.scene.control.MenuBar bar = (javafx.scene.control.MenuBar) window.stage().getScene().lookup("#menuBar");
                return bar.getMenus().stream().filter(m -> m.getText().contains("Tools") && m.isVisible())
                        .flatMap(m -> m.getItems().stream()).map(javafx.scene.control.MenuItem::getText)
                        .collect(java.util.stream.Collectors.toList());
            }));

            // measurement with the default settings on the moving test pattern
            onFx(() -> {
                vm.input().select(SourceKind.TEST_PATTERN);
                return null;
            });
            await(() -> onFx(() -> vm.input().active() == SourceKind.TEST_PATTERN), 20, "the test pattern");
            measure(vm, "default settings, test pattern");
            onFx(() -> {
                vm.input().select(SourceKind.CANVAS);
                return null;
            });
            await(() -> onFx(() -> vm.input().active() == SourceKind.CANVAS), 20, "the canvas again");
            // a deterministic stream (one step, no guidance, fixed noise): a still input gives a still output, so any
            // change after the strokes comes from the strokes, even on the untrained placeholder model
            onFx(() -> {
                vm.generate().guidanceProperty().set(dev.streamcanvas.engine.stream.GuidanceMode.NONE);
                vm.generate().stepsProperty().set(1);
                vm.generate().strengthProperty().set(STRENGTH);
                vm.canvas().clear();
                return null;
            });
            Thread.sleep(1500);
            Frame before = onFx(vm::lastOutputCopy);
            Thread.sleep(500);
            Frame still = onFx(vm::lastOutputCopy);
            double jitter = changedFraction(before, still);
            results.add(String.format(Locale.ROOT, "changed-pixels-without-stroke=%.4f", jitter));

            Robot robot = onFx(Robot::new);
            drawStrokes(vm, robot);

            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            double diff = 0;
            while (System.nanoTime() < until) {
                Frame now = onFx(vm::lastOutputCopy);
                diff = changedFraction(before, now);
                if (diff > Math.max(0.01, 5 * jitter)) {
                    break;
                }
                Thread.sleep(50);
            }
            results.add(String.format(Locale.ROOT, "changed-pixels-after-strokes=%.4f", diff));
            boolean changed = diff > Math.max(0.01, 5 * jitter);
            results.add("stroke-changed-output=" + changed);

            measure(vm, "1 step no guidance, canvas");

            // this machine has no camera: asking for the webcam must end on the canvas with a message
            onFx(() -> {
                vm.noticeProperty().set(null);
                vm.input().select(SourceKind.WEBCAM);
                return null;
            });
            await(() -> onFx(() -> vm.input().requestedProperty().get() == SourceKind.CANVAS
                    && vm.input().active() == SourceKind.CANVAS), 30, "the fall-back from the webcam to the canvas");
            Thread.sleep(300);
            results.add("webcam-message=" + onFx(() -> vm.noticeProperty().get() != null ? vm.noticeProperty().get()
                    : vm.input().messageProperty().get()));
            Thread.sleep(1500);

            onFx(() -> {
                vm.noticeProperty().set(null); // the webcam notice above is not part of the picture
                return null;
            });
            Thread.sleep(300);
            Files.createDirectories(screenshots);
            Path shot = screenshots.resolve("live-window.png");
            WritableImage img = onFx(() -> window.stage().getScene().snapshot(null));
            ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", shot.toFile());
            results.add("screenshot=" + shot);
            javafx.scene.control.TabPane tabs = (javafx.scene.control.TabPane) onFx(() -> window.stage().getScene().lookup("#sidePanel"));
            onFx(() -> {
                tabs.getSelectionModel().select(1);
                return null;
            });
            Thread.sleep(500);
            WritableImage trainTab = onFx(() -> window.stage().getScene().snapshot(null));
            ImageIO.write(SwingFXUtils.fromFXImage(trainTab, null), "png", screenshots.resolve("train-tab.png").toFile());
            onFx(() -> {
                vm.outputOnlyProperty().set(true);
                return null;
            });
            Thread.sleep(700);
            WritableImage outputOnly = onFx(() -> window.stage().getScene().snapshot(null));
            ImageIO.write(SwingFXUtils.fromFXImage(outputOnly, null), "png", screenshots.resolve("output-only.png").toFile());
            code = changed ? 0 : 2;
        } catch (Exception | AssertionError e) {
            results.add("error=" + e);
            e.printStackTrace();
        }
        results.add("exit=" + code);
        try {
            Files.write(resultFile, results, StandardCharsets.UTF_8);
        } catch (IOException e) {
            e.printStackTrace();
        }
        int exit = code;
        Platform.runLater(() -> {
            window.setAfterClose(() -> {
                Platform.exit();
                System.exit(exit);
            });
            window.close();
        });
    }

    /** The fraction of pixels whose colour moved by more than 8 levels in some channel (1.0 when the sizes differ). */
    static double changedFraction(Frame a, Frame b) {
        if (a == null || b == null || a.width() != b.width() || a.height() != b.height()) {
            return 1.0;
        }
        int n = a.width() * a.height();
        int changed = 0;
        for (int i = 0; i < n; i++) {
            int p = a.argb()[i];
            int q = b.argb()[i];
            if (Math.abs((p >> 16 & 0xFF) - (q >> 16 & 0xFF)) > 8 || Math.abs((p >> 8 & 0xFF) - (q >> 8 & 0xFF)) > 8
                    || Math.abs((p & 0xFF) - (q & 0xFF)) > 8) {
                changed++;
            }
        }
        return changed / (double) n;
    }

    private void measure(LiveViewModel vm, String label) throws Exception {
        Thread.sleep(4000);
        double[] m = onFx(() -> vm.measurements(System.nanoTime()));
        results.add(String.format(Locale.ROOT, "%s: input-fps=%.1f output-fps=%.1f latency-ms=%.1f", label, m[0], m[1], m[2]));
    }

    /** A few strokes in different colours across the input picture, through real mouse events. */
    private void drawStrokes(LiveViewModel vm, Robot robot) throws Exception {
        Node image = onFx(() -> window.stage().getScene().lookup("#image"));
        Bounds b = onFx(() -> image.localToScreen(image.getBoundsInLocal()));
        results.add(String.format(Locale.ROOT, "input-image-on-screen=%.0fx%.0f", b.getWidth(), b.getHeight()));
        double[][][] strokes = {
            {{0.05, 0.70}, {0.25, 0.55}, {0.45, 0.62}, {0.65, 0.50}, {0.95, 0.60}},   // hills
            {{0.70, 0.18}, {0.78, 0.12}, {0.86, 0.18}, {0.80, 0.27}, {0.71, 0.22}},   // sun
            {{0.10, 0.90}, {0.40, 0.85}, {0.70, 0.92}, {0.95, 0.86}},                 // river
            {{0.30, 0.20}, {0.34, 0.40}, {0.30, 0.55}},                               // tree trunk
        };
        Color[] colors = {Color.web("#2e7d32"), Color.web("#f9a825"), Color.web("#1565c0"), Color.web("#5d4037")};
        double[] sizes = {46, 40, 30, 22};
        for (int s = 0; s < strokes.length; s++) {
            int k = s;
            onFx(() -> {
                vm.canvas().colorProperty().set(colors[k]);
                vm.canvas().brushSizeProperty().set(sizes[k]);
                return null;
            });
            double[][] pts = strokes[s];
            onFx(() -> {
                robot.mouseMove(b.getMinX() + pts[0][0] * b.getWidth(), b.getMinY() + pts[0][1] * b.getHeight());
                robot.mousePress(MouseButton.PRIMARY);
                return null;
            });
            for (int i = 1; i < pts.length; i++) {
                for (int step = 1; step <= 8; step++) {
                    double t = step / 8.0;
                    double x = pts[i - 1][0] + (pts[i][0] - pts[i - 1][0]) * t;
                    double y = pts[i - 1][1] + (pts[i][1] - pts[i - 1][1]) * t;
                    onFx(() -> {
                        robot.mouseMove(b.getMinX() + x * b.getWidth(), b.getMinY() + y * b.getHeight());
                        return null;
                    });
                    Thread.sleep(12);
                }
            }
            onFx(() -> {
                robot.mouseRelease(MouseButton.PRIMARY);
                return null;
            });
            Thread.sleep(100);
        }
    }

    private static <T> T onFx(Callable<T> c) throws Exception {
        FutureTask<T> task = new FutureTask<>(c);
        Platform.runLater(task);
        return task.get(20, TimeUnit.SECONDS);
    }

    private static void await(Callable<Boolean> condition, int seconds, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

}
