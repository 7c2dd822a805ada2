package dev.streamcanvas.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime runs the model the safety check passed, even when the file changes right after the check. */
class OnnxGraphSwapTest {
    @TempDir
    Path tmp;

    @Test
    void aFileSwappedBetweenCheckAndLoadDoesNotReachOnnxRuntime() throws Exception {
        FixtureSpec spec = FixtureSpec.defaults();
        Path file = tmp.resolve("model.onnx");
        OnnxModelFile.write(FixtureGenerator.vaeDecoder(spec), file);
        Path other = tmp.resolve("other.onnx");
        OnnxModelFile.write(FixtureGenerator.vaeEncoder(spec), other);
        try (OnnxGraph g = OnnxGraph.load(file, Device.CPU, 1, f -> {
            try {
                Files.copy(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        })) {
            assertThat(g.input("latent_sample")).as("the checked decoder was loaded, not the swapped-in encoder")
                    .isPresent();
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(other)); // the swap did happen
    }
}
