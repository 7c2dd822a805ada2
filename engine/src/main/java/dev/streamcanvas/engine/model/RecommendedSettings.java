package dev.streamcanvas.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings a model folder recommends for its first use, from the optional {@code streamcanvas.json} next to
 * {@code model_index.json} ({"recommended": {"prompt": ..., "strength": ..., ...}}). The shipped default model
 * carries the values its evaluation chose; the app applies them when it starts with that model and no model was
 * used before. Every field is optional (null when absent).
 *
 * @param prompt         prompt to start with
 * @param negativePrompt negative prompt
 * @param strength       strength in [0, 1]
 * @param steps          stream slots, 1 to 8
 * @param guidance       none, self, initialize or full
 * @param gamma          guidance scale in [0, 20]
 */
public record RecommendedSettings(String prompt, String negativePrompt, Double strength, Integer steps, String guidance,
        Double gamma) {
    public static final String FILE = "streamcanvas.json";

    /** The folder's recommendations; empty when it has no {@value #FILE}. */
    public static Optional<RecommendedSettings> read(Path folder) throws ModelLoadException {
        Path f = folder.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        JsonNode r;
        try {
            r = new ObjectMapper().readTree(f.toFile()).path("recommended");
        } catch (IOException e) {
            throw new ModelLoadException(f + ": not valid JSON (" + e.getMessage() + ")");
        }
        if (!r.isObject()) {
            throw new ModelLoadException(f + ": expected an object field \"recommended\"");
        }
        Double strength = number(r, "strength", 0, 1, f);
        Double steps = number(r, "steps", 1, 8, f);
        Double gamma = number(r, "gamma", 0, 20, f);
        String guidance = text(r, "guidance", f);
        if (guidance != null && !java.util.List.of("none", "self", "initialize", "full")
                .contains(guidance.toLowerCase(Locale.ROOT))) {
            throw new ModelLoadException(f + ": field recommended.guidance must be none, self, initialize or full, got '"
                    + guidance + "'");
        }
        if (steps != null && steps != Math.rint(steps)) {
            throw new ModelLoadException(f + ": field recommended.steps must be a whole number, got " + steps);
        }
        return Optional.of(new RecommendedSettings(text(r, "prompt", f), text(r, "negative_prompt", f), strength,
                steps == null ? null : steps.intValue(), guidance == null ? null : guidance.toLowerCase(Locale.ROOT), gamma));
    }

    private static Double number(JsonNode r, String field, double lo, double hi, Path f) throws ModelLoadException {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !(v.asDouble() >= lo && v.asDouble() <= hi)) {
            throw new ModelLoadException(f + ": field recommended." + field + " must be a number in [" + lo + ", " + hi
                    + "], got " + v);
        }
        return v.asDouble();
    }

    private static String text(JsonNode r, String field, Path f) throws ModelLoadException {
        JsonNode v = r.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ModelLoadException(f + ": field recommended." + field + " must be a string, got " + v);
        }
        return v.asText();
    }
}
