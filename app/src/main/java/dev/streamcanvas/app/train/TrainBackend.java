package dev.streamcanvas.app.train;

import dev.streamcanvas.engine.model.ModelFolder;
import dev.streamcanvas.engine.train.ImageFolder;
import dev.streamcanvas.engine.train.OnnxExport;
import dev.streamcanvas.engine.train.PngDecoder;
import dev.streamcanvas.engine.train.TrainConfig;
import dev.streamcanvas.engine.train.TrainListener;
import dev.streamcanvas.engine.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What the Train tab needs from the engine; called on background threads only. */
public interface TrainBackend {

    /** Loads a PNG/JPEG folder at {@code imageSize}; {@code progress} may stop it (CancellationException). */
    ImageFolder loadDataset(Path dir, int imageSize, ImageFolder.LoadProgress progress) throws IOException;

    Trainer newTrainer(TrainConfig config, ImageFolder data, TrainListener listener) throws IOException;

    /** Writes the trained model as an ONNX model folder and checks it against the model contract. */
    void export(Trainer trainer, Path dir) throws IOException;

    /** The real engine. */
    static TrainBackend engine() {
        return new TrainBackend() {
            @Override
            public ImageFolder loadDataset(Path dir, int imageSize, ImageFolder.LoadProgress progress) throws IOException {
                return ImageFolder.load(dir, imageSize, List.of(new PngDecoder(), new ImageIoDecoder()), progress);
            }

            @Override
            public Trainer newTrainer(TrainConfig config, ImageFolder data, TrainListener listener) throws IOException {
                return new Trainer(config, data, listener);
            }

            @Override
            public void export(Trainer trainer, Path dir) throws IOException {
                OnnxExport.export(trainer, dir);
                ModelFolder.Report report = ModelFolder.check(dir);
                if (!report.ok()) {
                    throw new IOException(report.message());
                }
            }
        };
    }
}
