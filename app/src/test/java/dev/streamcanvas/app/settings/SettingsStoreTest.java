package dev.streamcanvas.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.live.DeviceChoice;
import dev.streamcanvas.app.live.GenerationSettings;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.app.source.SourceKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T01:02:03Z"), ZoneOffset.UTC);

    @Test
    void settingsSurviveASaveAndLoad() throws Exception {
        SettingsStore store = new SettingsStore(dir.resolve("streamcanvas/settings.json"), clock);
        AppSettings s = new AppSettings();
        s.setGeneration(new GenerationSettings("a red fox in snow", "blurry", 0.65, 3, GuidanceMode.FULL, 2.5, 0.4, 12345, false,
                0.95, 384, 512));
        s.modelFolder = "/data/models/sd-turbo";
        s.device = DeviceChoice.CUDA;
        s.source = SourceKind.WEBCAM;
        s.webcam = "USB Camera";
        s.webcamResolution = "1280x720";
        s.mirror = false;
        s.brushSize = 40;
        s.brushColor = "#ff8800";
        s.brushOpacity = 0.5;
        s.outputOnly = true;

        store.save(s);
        SettingsStore.Loaded loaded = new SettingsStore(store.file(), clock).load();

        assertThat(loaded.notice()).isNull();
        AppSettings r = loaded.settings();
        assertThat(r.generation()).isEqualTo(s.generation());
        assertThat(r.modelFolder).isEqualTo("/data/models/sd-turbo");
        assertThat(r.device).isEqualTo(DeviceChoice.CUDA);
        assertThat(r.source).isEqualTo(SourceKind.WEBCAM);
        assertThat(r.webcam).isEqualTo("USB Camera");
        assertThat(r.webcamResolution).isEqualTo("1280x720");
        assertThat(r.mirror).isFalse();
        assertThat(r.brushSize).isEqualTo(40);
        assertThat(r.brushColor).isEqualTo("#ff8800");
        assertThat(r.brushOpacity).isEqualTo(0.5);
        assertThat(r.outputOnly).isTrue();
    }

    @Test
    void corruptFileGivesDefaultsAndIsKeptAsideWithANotice() throws Exception {
        Path file = dir.resolve("settings.json");
        String garbage = "{ \"prompt\": \"half a file";
        Files.writeString(file, garbage, StandardCharsets.UTF_8);

        SettingsStore.Loaded loaded = new SettingsStore(file, clock).load();

        assertThat(loaded.settings().generation()).isEqualTo(GenerationSettings.defaults());
        Path aside = dir.resolve("settings.json.corrupt-20261126-010203");
        assertThat(aside).exists();
        assertThat(Files.readString(aside)).isEqualTo(garbage);
        assertThat(file).doesNotExist();
        assertThat(loaded.notice()).contains("defaults are used").contains("settings.json.corrupt-20261126-010203");
    }

    @Test
    void outOfRangeValueCountsAsCorrupt() throws Exception {
        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"strength\": 7.5}", StandardCharsets.UTF_8);

        SettingsStore.Loaded loaded = new SettingsStore(file, clock).load();

        assertThat(loaded.notice()).contains("strength must be in [0.0, 1.0], got 7.5");
        assertThat(loaded.settings().strength).isEqualTo(GenerationSettings.defaults().strength());
    }

    @Test
    void missingAndUnknownFieldsAreTolerated() throws Exception {
        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"prompt\": \"only a prompt\", \"fromTheFuture\": 42}", StandardCharsets.UTF_8);

        SettingsStore.Loaded loaded = new SettingsStore(file, clock).load();

        assertThat(loaded.notice()).isNull();
        assertThat(loaded.settings().prompt).isEqualTo("only a prompt");
        assertThat(loaded.settings().steps).isEqualTo(GenerationSettings.defaults().steps());
    }

    @Test
    void saveLeavesNoTemporaryFilesBehind() throws Exception {
        SettingsStore store = new SettingsStore(dir.resolve("settings.json"), clock);
        store.save(new AppSettings());
        store.save(new AppSettings());

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("settings.json");
        }
    }
}
