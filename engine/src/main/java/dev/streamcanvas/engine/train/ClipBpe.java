package dev.streamcanvas.engine.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamcanvas.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE vocabulary in CLIP's file format, trained on captions. The vocabulary is laid out exactly as
 * CLIP's: the 256 byte symbols (in GPT-2's bytes-to-unicode order), the same 256 with {@code </w>}, one entry per
 * merge in merge order, then {@code <|startoftext|>} and {@code <|endoftext|>} (which also pads, as in CLIP).
 * {@code merges.txt} starts with {@code #version: 0.2}. Encoding follows CLIP: lower case, whitespace collapsed,
 * CLIP's pre-tokenising pattern, BPE within each word, BOS + tokens + EOS, padded with EOS to the length.
 */
public final class ClipBpe {
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";
    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE);
    /** byte value -> its printable character */
    private static final String[] BYTE_TO_CHAR = new String[256];
    /** the 256 byte characters in CLIP's vocabulary order */
    private static final String[] VOCAB_ORDER = new String[256];

    static {
        bytesToUnicode();
    }

    private final List<String[]> merges;
    private final Map<String, Integer> ranks = new HashMap<>();
    private final Map<String, Integer> vocab = new LinkedHashMap<>();
    private final Map<String, String[]> cache = new HashMap<>();

    private ClipBpe(List<String[]> merges) {
        this.merges = merges;
        List<String> base = new ArrayList<>(Arrays.asList(VOCAB_ORDER));
        for (String s : VOCAB_ORDER) {
            base.add(s + "</w>");
        }
        for (String s : base) {
            vocab.put(s, vocab.size());
        }
        for (int i = 0; i < merges.size(); i++) {
            String[] m = merges.get(i);
            ranks.put(m[0] + " " + m[1], i);
            vocab.putIfAbsent(m[0] + m[1], vocab.size());
        }
        vocab.put(BOS, vocab.size());
        vocab.put(EOS, vocab.size());
    }

    /** Learns up to {@code maxMerges} merges (each seen at least twice) from the captions. Deterministic. */
    public static ClipBpe train(List<String> captions, int maxMerges) {
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        for (String c : captions) {
            for (String w : preTokenize(c)) {
                words.merge(symbols(w), 1, Integer::sum);
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
            int bestCount = 1;
            for (Map.Entry<String, Integer> e : pairs.entrySet()) {
                int c = e.getValue();
                if (c > bestCount || (c == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
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

    /** Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json into {@code dir}. */
    public void write(Path dir, int maxLength) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode v = json.createObjectNode();
        vocab.forEach(v::put);
        AtomicFiles.write(dir.resolve("vocab.json"), json.writeValueAsBytes(v));
        StringBuilder m = new StringBuilder("#version: 0.2\n");
        for (String[] p : merges) {
            m.append(p[0]).append(' ').append(p[1]).append('\n');
        }
        AtomicFiles.write(dir.resolve("merges.txt"), m.toString().getBytes(StandardCharsets.UTF_8));
        ObjectNode special = json.createObjectNode();
        special.put("bos_token", BOS);
        special.put("eos_token", EOS);
        special.put("unk_token", EOS);
        special.put("pad_token", EOS);
        AtomicFiles.write(dir.resolve("special_tokens_map.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(special));
        ObjectNode cfg = special.deepCopy();
        cfg.put("tokenizer_class", "CLIPTokenizer");
        cfg.put("model_max_length", maxLength);
        cfg.put("do_lower_case", true);
        AtomicFiles.write(dir.resolve("tokenizer_config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg));
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

    /** BOS, the caption's tokens (truncated), EOS, then EOS padding up to {@code length} ids. */
    public long[] encode(String caption, int length) {
        List<Integer> ids = new ArrayList<>();
        for (String w : preTokenize(caption)) {
            for (String s : bpe(w)) {
                ids.add(vocab.get(s));
            }
        }
        long[] out = new long[length];
        int eos = vocab.get(EOS);
        Arrays.fill(out, eos);
        out[0] = vocab.get(BOS);
        int n = Math.min(ids.size(), length - 2);
        for (int i = 0; i < n; i++) {
            out[1 + i] = ids.get(i);
        }
        return out;
    }

    /** The BPE symbols of one pre-tokenised word. */
    String[] bpe(String word) {
        String[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        List<String> s = symbols(word);
        while (s.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < s.size(); i++) {
                Integer r = ranks.get(s.get(i) + " " + s.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            String[] m = merges.get(bestRank);
            mergeInPlace(s, m[0], m[1]);
        }
        String[] out = s.toArray(new String[0]);
        cache.put(word, out);
        return out;
    }

    static List<String> preTokenize(String text) {
        String clean = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
        List<String> out = new ArrayList<>();
        Matcher m = WORDS.matcher(clean);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> symbols(String word) {
        byte[] b = word.getBytes(StandardCharsets.UTF_8);
        List<String> s = new ArrayList<>(b.length);
        for (int i = 0; i < b.length; i++) {
            String c = BYTE_TO_CHAR[b[i] & 0xff];
            s.add(i == b.length - 1 ? c + "</w>" : c);
        }
        return s;
    }

    private static void mergeInPlace(List<String> s, String a, String b) {
        for (int i = 0; i + 1 < s.size(); i++) {
            if (s.get(i).equals(a) && s.get(i + 1).equals(b)) {
                s.set(i, a + b);
                s.remove(i + 1);
            }
        }
    }

    /** GPT-2/CLIP's reversible byte to printable-character map, in CLIP's vocabulary order. */
    private static void bytesToUnicode() {
        List<Integer> bs = new ArrayList<>();
        for (int c = '!'; c <= '~'; c++) {
            bs.add(c);
        }
        for (int c = 0xA1; c <= 0xAC; c++) {
            bs.add(c);
        }
        for (int c = 0xAE; c <= 0xFF; c++) {
            bs.add(c);
        }
        List<Integer> cs = new ArrayList<>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                bs.add(b);
                cs.add(256 + n++);
            }
        }
        for (int i = 0; i < 256; i++) {
            String ch = new String(Character.toChars(cs.get(i)));
            BYTE_TO_CHAR[bs.get(i)] = ch;
            VOCAB_ORDER[i] = ch;
        }
    }
}
