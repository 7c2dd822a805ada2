package dev.streamcanvas.engine.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamcanvas.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns and writes a byte-level BPE vocabulary in CLIP's file format; encoding is left to {@link ClipTokenizer}
 * (see {@link #tokenizer(int)}), so a model trained on these ids sees the same ids when run live from the written
 * files. The vocabulary is laid out exactly as CLIP's: the 256 byte symbols (in GPT-2's bytes-to-unicode order),
 * the same 256 with {@code </w>}, one entry per merge in merge order, then {@code <|startoftext|>} and
 * {@code <|endoftext|>} (which also pads, as in CLIP). {@code merges.txt} starts with {@code #version: 0.2}.
 * Words are cut with {@link ClipTokenizer#split(String)}, the same rule the encoder uses. Immutable.
 */
public final class ClipBpe {
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";

    private final List<String[]> merges;
    private final Map<String, Integer> vocab = new LinkedHashMap<>();

    private ClipBpe(List<String[]> merges) {
        this.merges = Collections.unmodifiableList(merges);
        List<String> bytes = ClipTokenizer.byteSymbolsInVocabOrder();
        for (String s : bytes) {
            vocab.put(s, vocab.size());
        }
        for (String s : bytes) {
            vocab.put(s + "</w>", vocab.size());
        }
        for (String[] m : merges) {
            vocab.putIfAbsent(m[0] + m[1], vocab.size());
        }
        vocab.put(BOS, vocab.size());
        vocab.put(EOS, vocab.size());
    }

    /** Learns up to {@code maxMerges} merges (each seen at least twice) from the captions. Deterministic. */
    public static ClipBpe train(List<String> captions, int maxMerges) {
        return train(captions, maxMerges, 2);
    }

    /**
     * Learns up to {@code maxMerges} merges from the texts: each step merges the most frequent adjacent pair (ties
     * broken by the pair's text, smallest first) if it is seen at least {@code minCount} times. Deterministic.
     */
    public static ClipBpe train(List<String> texts, int maxMerges, int minCount) {
        String[] byteSymbols = byteSymbolsByValue();
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        for (String c : texts) {
            for (String w : ClipTokenizer.split(c)) {
                byte[] b = w.getBytes(StandardCharsets.UTF_8);
                List<String> s = new ArrayList<>(b.length);
                for (int i = 0; i < b.length; i++) {
                    String sym = byteSymbols[b[i] & 0xff];
                    s.add(i == b.length - 1 ? sym + "</w>" : sym);
                }
                words.merge(s, 1, Integer::sum);
            }
        }
        List<List<String>> seqs = new ArrayList<>();
        List<Integer> freq = new ArrayList<>();
        for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
            seqs.add(new ArrayList<>(e.getKey()));
            freq.add(e.getValue());
        }
        List<String[]> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<String, Integer> pairs = new HashMap<>();
            for (int w = 0; w < seqs.size(); w++) {
                List<String> s = seqs.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairs.merge(s.get(i) + " " + s.get(i + 1), freq.get(w), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> e : pairs.entrySet()) {
                int c = e.getValue();
                if (c >= minCount && (best == null || c > bestCount || (c == bestCount && e.getKey().compareTo(best) < 0))) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null) {
                break;
            }
            String[] pair = best.split(" ", 2);
            merges.add(pair);
            for (List<String> s : seqs) {
                mergeInPlace(s, pair[0], pair[1]);
            }
        }
        return new ClipBpe(merges);
    }

    /** Reads a CLIP-format {@code merges.txt} (the vocabulary is implied by the merges). */
    public static ClipBpe read(Path mergesFile) throws IOException {
        List<String[]> merges = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(mergesFile, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.startsWith("#version") || line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2) {
                throw new IOException(mergesFile + ":" + lineNo + ": expected two symbols separated by one space, found '" + line + "'");
            }
            merges.add(parts);
        }
        return new ClipBpe(merges);
    }

    /** Writes the tokenizer folder with {@code <|endoftext|>} as padding (CLIP / SD 1.x). */
    public void write(Path dir, int maxLength) throws IOException {
        write(dir, maxLength, EOS);
    }

    /**
     * Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json into {@code dir} (created if
     * missing); {@code padToken} must be in the vocabulary (SD 2.x pads with {@code "!"}).
     */
    public void write(Path dir, int maxLength, String padToken) throws IOException {
        id(padToken);
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.write(dir.resolve("vocab.json"), json.writeValueAsBytes(vocab));
        AtomicFiles.write(dir.resolve("merges.txt"), mergesText().getBytes(StandardCharsets.UTF_8));
        ObjectNode special = json.createObjectNode();
        special.put("bos_token", BOS);
        special.put("eos_token", EOS);
        special.put("pad_token", padToken);
        special.put("unk_token", EOS);
        AtomicFiles.write(dir.resolve("special_tokens_map.json"), json.writeValueAsBytes(special));
        ObjectNode cfg = special.deepCopy();
        cfg.put("model_max_length", maxLength);
        cfg.put("do_lower_case", true);
        cfg.put("tokenizer_class", "CLIPTokenizer");
        cfg.put("add_prefix_space", false);
        AtomicFiles.write(dir.resolve("tokenizer_config.json"), json.writeValueAsBytes(cfg));
    }

    /** The encoder over this vocabulary, as {@link ClipTokenizer#load} builds it from the written files. */
    public ClipTokenizer tokenizer(int maxLength) {
        List<String> pairs = new ArrayList<>(merges.size());
        for (String[] m : merges) {
            pairs.add(m[0] + " " + m[1]);
        }
        int eos = id(EOS);
        return new ClipTokenizer(vocab, pairs, id(BOS), eos, eos, maxLength);
    }

    /** vocab.json content: token to id, in id order. */
    public Map<String, Integer> vocab() {
        return Collections.unmodifiableMap(vocab);
    }

    /** Merge pairs in priority order. */
    public List<String[]> merges() {
        return merges;
    }

    /** merges.txt content. */
    public String mergesText() {
        StringBuilder m = new StringBuilder("#version: 0.2\n");
        for (String[] p : merges) {
            m.append(p[0]).append(' ').append(p[1]).append('\n');
        }
        return m.toString();
    }

    public int vocabSize() {
        return vocab.size();
    }

    public int mergeCount() {
        return merges.size();
    }

    public int id(String token) {
        Integer i = vocab.get(token);
        if (i == null) {
            throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary");
        }
        return i;
    }

    private static String[] byteSymbolsByValue() {
        String[] out = new String[256];
        for (int b = 0; b < 256; b++) {
            out[b] = ClipTokenizer.byteSymbol(b);
        }
        return out;
    }

    private static void mergeInPlace(List<String> s, String a, String b) {
        for (int i = 0; i + 1 < s.size(); i++) {
            if (s.get(i).equals(a) && s.get(i + 1).equals(b)) {
                s.set(i, a + b);
                s.remove(i + 1);
            }
        }
    }
}
