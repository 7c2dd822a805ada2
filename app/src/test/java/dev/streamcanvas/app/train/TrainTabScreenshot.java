package dev.streamcanvas.app.train;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ScrollPane;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;

/**
 * Not a test: renders the Train tab after a short real run (tiny model, synthetic shapes) and saves a PNG, for
 * the README figures. Run it on a display (Xvfb):
 * {@code xvfb-run -a java -cp <test classpath> dev.streamcanvas.app.train.TrainTabScreenshot OUT.png [WIDTH [SEEDS]]}.
 * With SEEDS above 1 it trains that many seeds (shorter runs, no export) so the charts show each seed and the mean.
 */
public final class TrainTabScreenshot {
    private TrainTabScreenshot() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/train/train-tab.png");
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 660;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String theme = TrainView.resource("theme.css").toExternalForm();
        Path work = Files.createTempDirectory("train-tab");
        Path data = Files.createDirectories(work.resolve("shapes"));
        for (int i = 0; i < 48; i++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            int colour = java.awt.Color.HSBtoRGB((i % 8) / 8f, 0.8f, 0.9f);
            int r = 5 + i % 5 * 2;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean in = i % 2 == 0 ? (x - 16) * (x - 16) + (y - 16) * (y - 16) < r * r
                            : Math.abs(x - 16) < r && Math.abs(y - 16) < r;
                    img.setRGB(x, y, in ? colour : 0xffffff);
                }
            }
            ImageIO.write(img, "png", data.resolve(String.format("%s_%02d.png", i % 2 == 0 ? "disc" : "square", i)).toFile());
        }
        Files.write(data.resolve("broken.png"), new byte[] {1, 2, 3});

        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        dev.streamcanvas.app.concurrent.FxTaskRunner tasks = new dev.streamcanvas.app.concurrent.FxTaskRunner();
        CountDownLatch finished = new CountDownLatch(1);
        Parent[] root = new Parent[1];
        Platform.runLater(() -> {
            TrainViewModel vm = new TrainViewModel(tasks, TrainBackend.engine(),
                    folder -> CompletableFuture.completedFuture(null), work.resolve("runs"));
            vm.form().modelPresetProperty().set(vm.form().modelPresets().get(2));
            vm.form().stepsProperty().set(seeds > 1 ? "8" : "120");
            vm.form().vaeStepsProperty().set(seeds > 1 ? "8" : "60");
            vm.form().batchProperty().set(seeds > 1 ? "4" : "8");
            vm.form().learningRateProperty().set("0.002");
            vm.form().evalEveryProperty().set(seeds > 1 ? "2" : "10");
            vm.form().sampleEveryProperty().set(seeds > 1 ? "8" : "40");
            vm.form().seedsProperty().set(seeds);
            root[0] = TrainView.create(vm);
            Scene scene = new Scene(root[0], width, 900);
            if (theme != null) {
                scene.getStylesheets().add(theme);
            }
            Stage stage = new Stage();
            stage.setTitle("StreamCanvas — Train");
            stage.setScene(scene);
            stage.show();
            vm.stateProperty().addListener((o, a, s) -> {
                if (s == TrainViewModel.State.IDLE && !vm.errorProperty().get().isEmpty()) {
                    System.err.println("the run failed: " + vm.errorProperty().get());
                    finished.countDown();
                } else if (s == TrainViewModel.State.IDLE && a == TrainViewModel.State.TRAINING && seeds > 1) {
                    finished.countDown();
                } else if (s == TrainViewModel.State.IDLE && a == TrainViewModel.State.TRAINING) {
                    vm.export();
                } else if (s == TrainViewModel.State.IDLE && a == TrainViewModel.State.EXPORTING) {
                    finished.countDown();
                } else if (s == TrainViewModel.State.IDLE && a == TrainViewModel.State.LOADING) {
                    vm.start();
                }
            });
            vm.chooseDataset(data);
        });
        if (!finished.await(20, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the run did not finish in 20 minutes");
        }
        CountDownLatch shot = new CountDownLatch(1);
        Platform.runLater(() -> {
            // the whole scrollable content, not just the visible part
            ScrollPane sp = (ScrollPane) root[0];
            WritableImage img = sp.getContent().snapshot(null, null);
            try {
                Files.createDirectories(out.toAbsolutePath().getParent());
                ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", out.toFile());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                shot.countDown();
            }
        });
        shot.await();
        tasks.close();
        Platform.exit();
        System.out.println("wrote " + out);
    }
}
