package dev.streamcanvas.engine.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small byte-level BPE vocabulary in the real CLIP layout: ids 0..255 are the byte symbols (GPT-2's
 * bytes-to-unicode mapping, in its order, so '!' is id 0), ids 256..511 the same symbols with {@code </w>},
 * then one token per merge in merge order, then {@code <|startoftext|>} and {@code <|endoftext|>}. The
 * merges are learned deterministically (most frequent pair, ties broken by the pair's text) from a fixed
 * list of prompt words. Immutable.
 */
public final class ClipVocabulary {
    public static final String START = "<|startoftext|>";
    public static final String END = "<|endoftext|>";
    private static final String[] CORPUS = {
        "a", "photo", "of", "the", "cat", "dog", "portrait", "painting", "oil", "watercolor", "style", "in",
        "and", "with", "city", "night", "sunset", "mountain", "forest", "river", "anime", "sketch", "cyberpunk",
        "studio", "light", "lighting", "detailed", "beautiful", "woman", "man", "face", "sky", "sea", "art",
        "digital", "pencil", "drawing", "colorful", "dark", "bright", "red", "blue", "green", "gold", "stone",
        "wood", "glass", "flower", "flowers", "tree", "trees", "house", "street", "rain", "snow", "winter",
    };

    private final List<String> tokens;
    private final List<String[]> merges;

    private ClipVocabulary(List<String> tokens, List<String[]> merges) {
        this.tokens = Collections.unmodifiableList(tokens);
        this.merges = Collections.unmodifiableList(merges);
    }

    /** The fixture vocabulary with up to {@code maxMerges} learned merges. */
    public static ClipVocabulary learn(int maxMerges) {
        List<String> byteSymbols = byteSymbols();
        List<String> tokens = new ArrayList<>(byteSymbols);
        for (String s : byteSymbols) {
            tokens.add(s + "</w>");
        }
        // words as symbol lists; the last symbol carries </w>
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        for (String w : CORPUS) {
            List<String> symbols = new ArrayList<>();
            for (int i = 0; i < w.length(); i++) {
                symbols.add(i == w.length() - 1 ? w.charAt(i) + "</w>" : String.valueOf(w.charAt(i)));
            }
            words.merge(symbols, 1, Integer::sum);
        }
        List<String[]> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            TreeMap<String, Integer> counts = new TreeMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> s = e.getKey();
                for (int i = 0; i + 1 < s.size(); i++) {
                    counts.merge(s.get(i) + " " + s.get(i + 1), e.getValue(), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best == null) {
                break;
            }
            String[] pair = best.split(" ");
            merges.add(pair);
            tokens.add(pair[0] + pair[1]);
            Map<List<String>, Integer> next = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> s = e.getKey();
                List<String> out = new ArrayList<>();
                for (int i = 0; i < s.size(); i++) {
                    if (i + 1 < s.size() && s.get(i).equals(pair[0]) && s.get(i + 1).equals(pair[1])) {
                        out.add(pair[0] + pair[1]);
                        i++;
                    } else {
                        out.add(s.get(i));
                    }
                }
                next.merge(out, e.getValue(), Integer::sum);
            }
            words = next;
        }
        tokens.add(START);
        tokens.add(END);
        return new ClipVocabulary(tokens, merges);
    }

    /** GPT-2's bytes-to-unicode table in CLIP's vocabulary order: printable bytes first, then the rest. */
    public static List<String> byteSymbols() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        List<Integer> cs = new ArrayList<>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                bs.add(b);
                cs.add(256 + n);
                n++;
            }
        }
        List<String> out = new ArrayList<>();
        for (int c : cs) {
            out.add(new String(Character.toChars(c)));
        }
        return out;
    }

    /** Tokens in id order. */
    public List<String> tokens() {
        return tokens;
    }

    /** Merge pairs in priority order. */
    public List<String[]> merges() {
        return merges;
    }

    public int size() {
        return tokens.size();
    }

    public int startId() {
        return tokens.size() - 2;
    }

    public int endId() {
        return tokens.size() - 1;
    }

    /** vocab.json content: token to id, in id order. */
    public Map<String, Integer> vocab() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            m.put(tokens.get(i), i);
        }
        return m;
    }

    /** merges.txt content. */
    public String mergesText() {
        StringBuilder sb = new StringBuilder("#version: 0.2\n");
        for (String[] m : merges) {
            sb.append(m[0]).append(' ').append(m[1]).append('\n');
        }
        return sb.toString();
    }
}
