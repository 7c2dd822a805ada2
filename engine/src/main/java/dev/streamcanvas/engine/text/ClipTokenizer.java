package dev.streamcanvas.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLIP byte-level BPE tokenizer, read from a diffusers {@code tokenizer/} folder ({@code vocab.json},
 * {@code merges.txt}, optionally {@code tokenizer_config.json} / {@code special_tokens_map.json}).
 *
 * <p>Text is NFC-normalised, whitespace-collapsed (Unicode spaces included) and lower-cased, split by the CLIP rule (the contractions
 * 's 't 're 've 'm 'll 'd, runs of letters, single digits, runs of other non-space characters), each piece
 * mapped to GPT-2 byte-level symbols with {@code </w>} on its last symbol and merged by rank. The result is
 * {@code [BOS, tokens..., EOS, pad...]} of the model length; an over-long prompt is cut keeping EOS last.
 *
 * <p>Agrees with HF {@code CLIPTokenizerFast} (normalizer NFC, {@code \s+} -> space, lowercase; the CLIP split
 * regex; byte-level BPE with {@code </w>}; unknown symbols -> {@code <|endoftext|>}) and with the slow
 * {@code CLIPTokenizer} when ftfy is installed, for ordinary text. Known differences from the slow tokenizer:
 * it runs {@code ftfy.fix_text} and {@code html.unescape} ({@code "&amp;"} becomes {@code "&"} there, stays here);
 * without ftfy it instead deletes control characters and puts spaces around CJK ideographs (splitting a CJK run
 * into one piece per character). The slow tokenizer also reads merges.txt from its second line whatever the first
 * says; here only a {@code #version} header line is skipped.
 *
 * <p>Not thread-safe (it caches the BPE of each word).
 */
public final class ClipTokenizer {
    /** CLIP's ids, used when the vocabulary lacks the special tokens. */
    public static final int DEFAULT_BOS = 49406;
    public static final int DEFAULT_EOS = 49407;
    private static final String BOS_TOKEN = "<|startoftext|>";
    private static final String EOS_TOKEN = "<|endoftext|>";
    private static final Pattern SPLIT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    /**
     * Whitespace as Python's {@code re} {@code \s} sees it in HF's {@code whitespace_clean} (str.isspace: Unicode
     * White_Space plus the separators U+001C..U+001F); Java's plain {@code \s} is ASCII only.
     */
    private static final Pattern SPACES = Pattern.compile("[\\p{IsWhite_Space}\\x{1c}-\\x{1f}]+");
    private static final String[] BYTE_SYMBOLS = byteSymbols();
    private static final int CACHE_LIMIT = 10_000;

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks; // "a b" -> priority (0 = first)
    private final int bos;
    private final int eos;
    private final int pad;
    private final int maxLength;
    private final Map<String, int[]> cache = new HashMap<>();

    /** One encoded prompt. */
    public record Encoding(int[] ids, int length, boolean truncated) {
        /** The ids before padding (BOS ... EOS). */
        public int[] unpadded() {
            return Arrays.copyOf(ids, length);
        }
    }

    /** The token with the largest id (ties: any of them), or null for an empty vocabulary. */
    public Map.Entry<String, Integer> largestId() {
        Map.Entry<String, Integer> best = null;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (best == null || e.getValue() > best.getValue()) {
                best = e;
            }
        }
        return best;
    }

    public ClipTokenizer(Map<String, Integer> vocab, List<String> merges, int bos, int eos, int pad, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("model max length must be >= 2 (BOS + EOS), got " + maxLength);
        }
        this.vocab = Map.copyOf(vocab);
        this.mergeRanks = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            mergeRanks.putIfAbsent(merges.get(i), i);
        }
        this.bos = bos;
        this.eos = eos;
        this.pad = pad;
        this.maxLength = maxLength;
    }

    /**
     * Loads a tokenizer folder. {@code maxLengthOverride} (e.g. the text encoder's static sequence length) wins over
     * {@code model_max_length} when positive.
     *
     * @throws IOException naming the file that is missing or malformed
     */
    public static ClipTokenizer load(Path dir, int maxLengthOverride) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path vocabFile = dir.resolve("vocab.json");
        Path mergesFile = dir.resolve("merges.txt");
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode v = readJson(json, vocabFile, true);
        if (!v.isObject()) {
            throw new IOException(vocabFile + ": expected a JSON object mapping token to id");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt()) {
                throw new IOException(vocabFile + ": id of token '" + e.getKey() + "' is not an integer");
            }
            if (e.getValue().intValue() < 0) {
                throw new IOException(vocabFile + ": id of token '" + e.getKey() + "' is negative ("
                        + e.getValue().intValue() + ")");
            }
            vocab.put(e.getKey(), e.getValue().intValue());
        }
        if (!Files.isRegularFile(mergesFile)) {
            throw new IOException(mergesFile + ": missing (expected the BPE merges, one 'a b' pair per line)");
        }
        List<String> merges = new ArrayList<>();
        int lineNo = 0;
        List<String> lines;
        try {
            lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(mergesFile + ": not UTF-8 text (expected the BPE merges, one 'a b' pair per line)", e);
        }
        for (String line : lines) {
            lineNo++;
            if (line.startsWith("#version") || line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            if (parts.length != 2) {
                throw new IOException(mergesFile + ":" + lineNo + ": expected 'a b', found '" + line + "'");
            }
            merges.add(parts[0] + " " + parts[1]);
        }
        JsonNode config = readJson(json, dir.resolve("tokenizer_config.json"), false);
        JsonNode special = readJson(json, dir.resolve("special_tokens_map.json"), false);
        int bos = tokenId(vocab, config, special, "bos_token", BOS_TOKEN, DEFAULT_BOS);
        int eos = tokenId(vocab, config, special, "eos_token", EOS_TOKEN, DEFAULT_EOS);
        int pad = tokenId(vocab, config, special, "pad_token", null, eos);
        int maxLength = maxLengthOverride > 0 ? maxLengthOverride : config.path("model_max_length").asInt(77);
        if (maxLength > 100_000) { // transformers writes a huge sentinel when no length is set
            maxLength = 77;
        }
        return new ClipTokenizer(vocab, merges, bos, eos, pad, maxLength);
    }

    private static JsonNode readJson(ObjectMapper json, Path file, boolean required) throws IOException {
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new IOException(file + ": missing (expected the CLIP vocabulary, token -> id)");
            }
            return json.createObjectNode();
        }
        try {
            return json.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    private static int tokenId(Map<String, Integer> vocab, JsonNode config, JsonNode special, String key,
            String fallbackToken, int fallbackId) {
        String token = tokenText(config.get(key));
        if (token == null) {
            token = tokenText(special.get(key));
        }
        if (token == null) {
            token = fallbackToken;
        }
        Integer id = token == null ? null : vocab.get(token);
        if (id == null && token != null && token.length() == 1) {
            id = vocab.get(token + "</w>");
        }
        return id != null ? id : fallbackId;
    }

    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }

    public int maxLength() {
        return maxLength;
    }

    public int bosId() {
        return bos;
    }

    public int eosId() {
        return eos;
    }

    public int padId() {
        return pad;
    }

    /** Encodes a prompt to exactly {@link #maxLength()} ids. */
    public Encoding encode(String prompt) {
        List<Integer> tokens = new ArrayList<>();
        for (String piece : split(prompt)) {
            if (piece.equals(BOS_TOKEN)) {
                tokens.add(bos);
            } else if (piece.equals(EOS_TOKEN)) {
                tokens.add(eos);
            } else {
                for (int id : bpe(piece)) {
                    tokens.add(id);
                }
            }
        }
        int[] ids = new int[maxLength];
        Arrays.fill(ids, pad);
        ids[0] = bos;
        int room = maxLength - 2;
        boolean truncated = tokens.size() > room;
        int n = Math.min(room, tokens.size());
        for (int i = 0; i < n; i++) {
            ids[1 + i] = tokens.get(i);
        }
        ids[1 + n] = eos;
        return new Encoding(ids, n + 2, truncated);
    }

    /** The cleaned, lower-cased pieces of the CLIP pre-split rule (before BPE). */
    public static List<String> split(String prompt) {
        String text = Normalizer.normalize(prompt == null ? "" : prompt, Normalizer.Form.NFC);
        text = SPACES.matcher(text).replaceAll(" ").trim().toLowerCase(Locale.ROOT);
        List<String> pieces = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }

    private int[] bpe(String word) {
        int[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        List<String> symbols = new ArrayList<>(utf8.length);
        for (byte b : utf8) {
            symbols.add(BYTE_SYMBOLS[b & 0xff]);
        }
        int last = symbols.size() - 1;
        symbols.set(last, symbols.get(last) + "</w>");
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestLeft = null;
            String bestRight = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    bestLeft = symbols.get(i);
                    bestRight = symbols.get(i + 1);
                }
            }
            if (bestLeft == null) {
                break;
            }
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(bestLeft) && symbols.get(i + 1).equals(bestRight)) {
                    merged.add(bestLeft + bestRight);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(symbols.get(i));
            ids[i] = id != null ? id : eos; // CLIP's unknown token is <|endoftext|>
        }
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(word, ids);
        return ids;
    }

    /** GPT-2's reversible byte -> printable unicode symbol table. */
    private static String[] byteSymbols() {
        String[] table = new String[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            table[b] = printable[b] ? String.valueOf((char) b) : String.valueOf((char) (256 + n++));
        }
        return table;
    }

    /** GPT-2's printable symbol for one byte value (0..255). */
    public static String byteSymbol(int b) {
        return BYTE_SYMBOLS[b];
    }

    /** The byte-level symbols in CLIP's vocabulary order (printable ranges first, then the remapped bytes). */
    public static List<String> byteSymbolsInVocabOrder() {
        List<String> order = new ArrayList<>(256);
        LinkedHashMap<Integer, String> printableFirst = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            if (printable) {
                printableFirst.put(b, BYTE_SYMBOLS[b]);
            }
        }
        order.addAll(printableFirst.values());
        for (int b = 0; b < 256; b++) {
            if (!printableFirst.containsKey(b)) {
                order.add(BYTE_SYMBOLS[b]);
            }
        }
        return order;
    }
}
