package dev.streamcanvas.app.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streamcanvas.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes settings.json. Writes are atomic (temp file + rename). A file that cannot be parsed, or
 * holds an invalid value, is moved aside as {@code settings.json.corrupt-<UTC time>} and the defaults are
 * used; {@link Loaded#notice()} then says so for the UI.
 */
public final class SettingsStore {
    private static final Logger LOG = LoggerFactory.getLogger(SettingsStore.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path file;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The settings read, and a notice for the user when the file was bad (else null). */
    public record Loaded(AppSettings settings, String notice) {
    }

    public SettingsStore(Path file) {
        this(file, Clock.systemUTC());
    }

    public SettingsStore(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    public Loaded load() {
        if (!Files.exists(file)) {
            return new Loaded(new AppSettings(), null);
        }
        String problem;
        try {
            AppSettings s = mapper.readValue(file.toFile(), AppSettings.class);
            if (s == null) {
                problem = "the file is empty";
            } else {
                s.generation(); // validates every generation value
                return new Loaded(s, null);
            }
        } catch (JsonProcessingException e) {
            problem = e.getOriginalMessage();
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        } catch (IOException e) {
            problem = e.getMessage();
        }
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("could not move the bad settings file {} aside: {}", file, e.toString());
            aside = file;
        }
        String notice = "Settings file " + file + " could not be read (" + problem + "); defaults are used and the bad file was kept as "
                + aside.getFileName() + ".";
        LOG.warn(notice);
        return new Loaded(new AppSettings(), notice);
    }

    public void save(AppSettings settings) throws IOException {
        byte[] json = mapper.writeValueAsBytes(settings);
        AtomicFiles.write(file, json);
    }
}
