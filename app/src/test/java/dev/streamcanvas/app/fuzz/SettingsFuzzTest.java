package dev.streamcanvas.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.streamcanvas.app.settings.SettingsStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Jazzer fuzz test of the settings file: whatever {@code settings.json} holds, loading gives valid settings, and
 * a file that cannot be used is moved aside with a notice naming it. Regression over the corpus in {@code mvn
 * verify}; {@code JAZZER_FUZZ=1 nice -n 19 mvn -B -o -pl app -am test -Dtest='SettingsFuzzTest#settingsJson'
 * -Dsurefire.failIfNoSpecifiedTests=false} fuzzes it.
 */
class SettingsFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("sc-settings-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "2h")
    void settingsJson(byte[] data) throws IOException {
        Path file = DIR.resolve("settings.json");
        Files.write(file, data);
        SettingsStore.Loaded loaded = new SettingsStore(file).load();
        assertThat(loaded.settings()).isNotNull();
        loaded.settings().generation(); // the settings in force are always valid
        if (loaded.notice() != null) {
            assertThat(loaded.notice()).contains("settings.json");
        }
        try (Stream<Path> s = Files.list(DIR)) { // keep the folder from filling with moved-aside copies
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(file)) {
                    Files.delete(p);
                }
            }
        }
    }
}
