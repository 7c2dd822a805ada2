package dev.streamcanvas.app.cli;

import java.nio.file.Path;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The options that several commands share, as picocli mixins: one declaration each (name, type, label, parsing),
 * while what the option means to a command — its help text and, where commands differ, its default — lives in the
 * resource bundle {@code SharedOptions.properties} under the command's qualified name ({@code streamcanvas.train.seed},
 * {@code streamcanvas.train.seed.default}). The root command names the bundle; a command that uses {@link Seed} or
 * {@link Frames} names {@link Defaults} as its default-value provider.
 *
 * <p>Options that share only a spelling stay with their command: {@code --noise} is a noise file for
 * {@code assign}, a noise bank for {@code render} and a noise model for {@code calib}; the optional {@code --out}
 * files of {@code assign} and {@code calib solve} are not the required output folder of {@link OutputFolder}.
 */
final class SharedOptions {
    /** The bundle holding the per-command descriptions and defaults (named by the root command). */
    static final String BUNDLE = "dev.streamcanvas.app.cli.SharedOptions";
    /** The root command's name, the first part of every key. */
    static final String ROOT = "streamcanvas";

    private SharedOptions() {
    }

    /** {@code --out DIR}: the folder a command writes (required; created when missing). */
    static final class OutputFolder {
        @Option(names = "--out", required = true, paramLabel = "DIR", descriptionKey = "out")
        Path out;
    }

    /** {@code --seed N}: the seed of everything random in the command (default per command, from the bundle). */
    static final class Seed {
        @Option(names = "--seed", paramLabel = "N", descriptionKey = "seed")
        long seed;
    }

    /** {@code --frames K}: how many frames the command renders or measures (default per command, from the bundle). */
    static final class Frames {
        @Option(names = "--frames", paramLabel = "K", descriptionKey = "frames")
        int frames;
    }

    /** {@code --scale S}: image scale of a synthetic calibration sequence, 1 = KITTI's 1242 x 375. */
    static final class ImageScale {
        @Option(names = "--scale", defaultValue = "1", paramLabel = "S", descriptionKey = "scale")
        double scale;
    }

    /**
     * Defaults of the shared options from the bundle ({@code <qualified command name>.<key>.default}). A shared
     * option whose default the bundle lacks is a programming error and fails with the key it looked for, so that
     * a new command cannot silently get a seed of 0.
     */
    static final class Defaults implements IDefaultValueProvider {
        private static final Set<String> PER_COMMAND = Set.of("seed", "frames");

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec o) || !PER_COMMAND.contains(o.descriptionKey())) {
                return null;
            }
            String path = arg.command().qualifiedName(".");  // "streamcanvas.train", or "train" when run on its own
            String key = (path.startsWith(ROOT + ".") ? path : ROOT + "." + path) + "." + o.descriptionKey() + ".default";
            try {
                return ResourceBundle.getBundle(BUNDLE).getString(key);
            } catch (MissingResourceException e) {
                throw new IllegalStateException("no default for " + o.longestName() + ": " + BUNDLE
                        + ".properties has no key " + key, e);
            }
        }
    }
}
