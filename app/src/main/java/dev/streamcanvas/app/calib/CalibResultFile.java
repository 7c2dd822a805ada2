package dev.streamcanvas.app.calib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamcanvas.engine.calib.Extrinsic;
import dev.streamcanvas.engine.calib.SolveResult;
import dev.streamcanvas.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code result.json} a {@code calib solve} writes next to its overlays, and what the results view reads.
 * Numbers that are unknown (no ground truth) are written as null.
 */
public final class CalibResultFile {
    public static final String FILE_NAME = "result.json";
    public static final String OVERLAY_BEFORE = "overlay_before.png";
    public static final String OVERLAY_AFTER = "overlay_after.png";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CalibResultFile() {
    }

    /** One row of the results table: a quantity and its value before and after (text, already formatted). */
    public record Row(String quantity, String before, String after) {
    }

    /** What the view shows: the data folder, overlay frame, the table rows and the stage log. */
    public record Summary(String data, String overlayFrame, List<Row> rows, List<String> stages) {
    }

    /** Writes result.json for {@code r} into {@code dir}. */
    public static void write(Path dir, Path data, String overlayFrame, SolveResult r) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("data", data.toAbsolutePath().toString());
        root.put("overlayFrame", overlayFrame);
        root.put("overlayBefore", OVERLAY_BEFORE);
        root.put("overlayAfter", OVERLAY_AFTER);
        root.set("initial", pose(r.initial(), r.initialDeltaMs()));
        root.set("estimate", pose(r.estimate(), r.deltaMs()));
        root.put("deltaStatus", r.deltaStatus().name());
        num(root, "deltaSpreadMs", r.deltaSpreadMs());
        num(root, "lossBefore", r.lossBefore());
        num(root, "lossAfter", r.lossAfter());
        num(root, "seconds", r.seconds());
        root.put("evaluations", r.evaluations());
        ArrayNode stopped = root.putArray("stoppedFrames");
        r.stoppedFrames().forEach(stopped::add);
        ArrayNode stages = root.putArray("stages");
        r.stages().forEach(stages::add);
        if (r.truth() != null) {
            root.set("truth", pose(r.truth().extrinsic(), r.truth().timeOffsetMs()));
            ObjectNode err = root.putObject("errors");
            double[] before = r.initialErrors();
            ObjectNode b = err.putObject("before");
            num(b, "rotationDeg", before[0]);
            num(b, "translationCm", before[1]);
            num(b, "timeOffsetMs", before[2]);
            ObjectNode a = err.putObject("after");
            num(a, "rotationDeg", r.rotationErrorDeg());
            num(a, "translationCm", r.translationErrorCm());
            num(a, "timeOffsetMs", r.deltaErrorMs());
            ArrayNode xyz = a.putArray("translationCmCameraXyz");
            for (double v : r.translationErrorCmXyz()) {
                xyz.add(v);
            }
        } else {
            root.putNull("truth");
        }
        AtomicFiles.write(dir.resolve(FILE_NAME), JSON.writeValueAsBytes(root));
    }

    private static ObjectNode pose(Extrinsic e, double deltaMs) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode m = n.putArray("Tr_velo_to_cam");
        for (double v : e.toMatrix3x4()) {
            m.add(v);
        }
        double[] w = Extrinsic.axisAngle(e.r());
        ArrayNode aa = n.putArray("axisAngleDeg");
        for (double v : w) {
            aa.add(Math.toDegrees(v));
        }
        num(n, "timeOffsetMs", deltaMs);
        return n;
    }

    private static void num(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    /** Reads result.json from {@code dir} into what the view shows. */
    public static Summary read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            throw new IOException(file + ": file not found (run `streamcanvas calib solve` first)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.has("estimate") || !root.has("initial")) {
            throw new IOException(file + ": missing 'initial' or 'estimate'");
        }
        List<Row> rows = new ArrayList<>();
        JsonNode init = root.get("initial");
        JsonNode est = root.get("estimate");
        rows.add(new Row("time offset (ms)", fmt(init.get("timeOffsetMs"), "%.2f"), fmt(est.get("timeOffsetMs"), "%.2f")
                + " (" + root.path("deltaStatus").asText("?").toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")"));
        rows.add(new Row("loss", fmt(root.get("lossBefore"), "%.4f"), fmt(root.get("lossAfter"), "%.4f")));
        JsonNode err = root.get("errors");
        if (err != null && !err.isNull()) {
            rows.add(new Row("rotation error (deg)", fmt(err.at("/before/rotationDeg"), "%.3f"),
                    fmt(err.at("/after/rotationDeg"), "%.3f")));
            rows.add(new Row("translation error (cm)", fmt(err.at("/before/translationCm"), "%.2f"),
                    fmt(err.at("/after/translationCm"), "%.2f")));
            rows.add(new Row("time offset error (ms)", fmt(err.at("/before/timeOffsetMs"), "%.2f"),
                    fmt(err.at("/after/timeOffsetMs"), "%.2f")));
        }
        JsonNode aa0 = init.get("axisAngleDeg");
        JsonNode aa1 = est.get("axisAngleDeg");
        rows.add(new Row("rotation, axis-angle (deg)", vec(aa0, "%.3f"), vec(aa1, "%.3f")));
        rows.add(new Row("translation (m)", vec(tcol(init.get("Tr_velo_to_cam")), "%.4f"),
                vec(tcol(est.get("Tr_velo_to_cam")), "%.4f")));
        rows.add(new Row("solve time (s)", "", fmt(root.get("seconds"), "%.1f")));
        List<String> stages = new ArrayList<>();
        root.path("stages").forEach(s -> stages.add(s.asText()));
        return new Summary(root.path("data").asText(""), root.path("overlayFrame").asText(""), rows, stages);
    }

    private static JsonNode tcol(JsonNode m) {
        ArrayNode a = JSON.createArrayNode();
        if (m != null && m.size() == 12) {
            a.add(m.get(3));
            a.add(m.get(7));
            a.add(m.get(11));
        }
        return a;
    }

    private static String fmt(JsonNode n, String f) {
        return n == null || n.isNull() || n.isMissingNode() ? "n/a" : String.format(java.util.Locale.ROOT, f, n.asDouble());
    }

    private static String vec(JsonNode n, String f) {
        if (n == null || !n.isArray() || n.size() == 0) {
            return "n/a";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < n.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(String.format(java.util.Locale.ROOT, f, n.get(i).asDouble()));
        }
        return sb.append(')').toString();
    }
}
