package dev.streamcanvas.app.live;

import dev.streamcanvas.app.settings.AppPaths;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the model the app starts with: a model shipped in {@code models/} (next to the launcher, given by the
 * system property {@code streamcanvas.home}, else the working folder), else a placeholder fixture model that
 * is generated once into the user's data folder (untrained, so the UI says so in a banner).
 */
public final class DefaultModels {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultModels.class);
    /** Size of the generated placeholder model (its VAE runs at this size only). */
    public static final int PLACEHOLDER_SIZE = 256;
    /** Token length of the placeholder's text encoder: CLIP's 77, so the app's own default prompts are never cut. */
    static final int PLACEHOLDER_TOKENS = 77;

    private final Path home;
    private final Path placeholder;

    public DefaultModels(AppPaths paths) {
        this(Path.of(System.getProperty("streamcanvas.home", ".")), paths.dataDir().resolve("placeholder-model"));
    }

    public DefaultModels(Path home, Path placeholder) {
        this.home = home;
        this.placeholder = placeholder;
    }

    public Path placeholderFolder() {
        return placeholder;
    }

    public boolean isPlaceholder(Path folder) {
        return folder != null && folder.toAbsolutePath().normalize().equals(placeholder.toAbsolutePath().normalize());
    }

    /** A model folder shipped in {@code <home>/models}, if any (the first by name that has model_index.json). */
    public Optional<Path> shipped() {
        Path models = home.resolve("models");
        if (!Files.isDirectory(models)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(models)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("model_index.json"))).min(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", models, e.toString());
            return Optional.empty();
        }
    }

    /** The shipped model, else the placeholder (generated on first use). Slow the first time: call in the background. */
    public Path locate() throws IOException {
        Optional<Path> s = shipped();
        if (s.isPresent()) {
            return s.get();
        }
        if (!Files.isRegularFile(placeholder.resolve("model_index.json"))) {
            generatePlaceholder();
        }
        return placeholder;
    }

    /** Writes the fixture into a temporary sibling folder and renames it, so a crash leaves no half model. */
    private void generatePlaceholder() throws IOException {
        Path parent = placeholder.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".placeholder-model-");
        try {
            FixtureGenerator.write(tmp, FixtureSpec.defaults().withSize(PLACEHOLDER_SIZE, PLACEHOLDER_SIZE)
                    .withText(FixtureSpec.defaults().textDim(), PLACEHOLDER_TOKENS));
            deleteTree(placeholder);
            try {
                Files.move(tmp, placeholder, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, placeholder);
            }
            LOG.info("generated the placeholder model in {}", placeholder);
        } finally {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
