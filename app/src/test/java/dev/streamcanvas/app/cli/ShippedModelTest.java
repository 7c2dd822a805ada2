package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.live.DefaultModels;
import dev.streamcanvas.engine.model.Device;
import dev.streamcanvas.engine.model.DiffusionModel;
import dev.streamcanvas.engine.model.ModelFolder;
import dev.streamcanvas.engine.model.RecommendedSettings;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.engine.stream.StreamSettings;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The default model shipped in models/ (the one a new user sees first) loads through the same loader as user
 * models and renders frames: native size, finite latents, a picture that is not constant and that the prompt
 * changes.
 */
class ShippedModelTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theShippedDefaultModelLoadsLikeAUserModelAndRendersAPictureThePromptChanges() throws Exception {
        Optional<Path> shipped = new DefaultModels(HOME, HOME.resolve("target/no-placeholder")).shipped();
        assertThat(shipped).as("a model folder with model_index.json in %s/models", HOME).isPresent();
        Path folder = shipped.get();
        ModelFolder.Report report = ModelFolder.check(folder);
        assertThat(report.ok()).as(report.message()).isTrue();
        RecommendedSettings rec = RecommendedSettings.read(folder).orElseThrow();

        DiffusionModel model = DiffusionModel.load(folder, Device.CPU, false);
        int[] size = model.fixedSize();
        assertThat(size).as("native size").isNotNull();
        assertThat(size[0]).isGreaterThanOrEqualTo(64);
        StreamSettings base = StreamSettings.builder().size(size[0], size[1]).slots(rec.steps())
                .guidance(GuidanceMode.valueOf(rec.guidance().toUpperCase(java.util.Locale.ROOT))).denoisingBatch(false)
                .directStep(model.singleStep()).seed(2).build();
        try (SyncStream stream = new SyncStream(base, true)) {
            stream.setModel(model);
            stream.apply(base.toBuilder().prompt("red heart").strength(1.0).build());
            SyncStream.Output heart = stream.run(null, 0, 0);
            stream.apply(base.toBuilder().prompt("dog face").strength(1.0).build());
            SyncStream.Output dog = stream.run(null, 0, 0);

            assertThat(heart.width()).isEqualTo(size[0]);
            assertThat(heart.height()).isEqualTo(size[1]);
            for (float v : heart.latents()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            assertThat(distinctColours(heart.argb())).as("distinct colours of one frame").isGreaterThan(50);
            int differing = 0;
            for (int i = 0; i < heart.argb().length; i++) {
                if (channelDistance(heart.argb()[i], dog.argb()[i]) > 48) {
                    differing++;
                }
            }
            assertThat(differing).as("pixels that differ clearly between 'red heart' and 'dog face'")
                    .isGreaterThan(heart.argb().length / 10);
        }
    }

    private static int distinctColours(int[] argb) {
        Set<Integer> s = new HashSet<>();
        for (int p : argb) {
            s.add(p & 0xffffff);
        }
        return s.size();
    }

    private static int channelDistance(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            d = Math.max(d, Math.abs(((a >> shift) & 255) - ((b >> shift) & 255)));
        }
        return d;
    }
}
