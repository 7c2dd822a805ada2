package dev.streamcanvas.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * The shorter forms of a caption written as comma-separated parts, most specific first ("dog face, animal mammal,
 * animals &amp; nature"): its proper prefixes by parts ("dog face", "dog face, animal mammal"). People type the
 * first part ("dog face"); a model trained only on whole captions has never seen a prompt that stops there, so the
 * trainer and the distiller show these forms for a share of the rows.
 */
public final class CaptionForms {
    private CaptionForms() {
    }

    /**
     * The proper prefixes of {@code caption} by comma-separated parts, shortest first, each part trimmed and the
     * parts joined by ", "; empty for a caption of one part. Empty parts (",,") are dropped.
     */
    public static List<String> shorter(String caption) {
        List<String> parts = new ArrayList<>();
        for (String p : caption.split(",")) {
            String s = p.strip();
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        List<String> out = new ArrayList<>(Math.max(0, parts.size() - 1));
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < parts.size() - 1; k++) {
            if (k > 0) {
                sb.append(", ");
            }
            sb.append(parts.get(k));
            out.add(sb.toString());
        }
        return out;
    }
}
