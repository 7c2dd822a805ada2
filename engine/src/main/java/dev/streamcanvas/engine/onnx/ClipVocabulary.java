package dev.streamcanvas.engine.onnx;

import dev.streamcanvas.engine.text.ClipBpe;
import java.util.Arrays;
import java.util.List;

/**
 * A small byte-level BPE vocabulary in the real CLIP layout: ids 0..255 are the byte symbols (GPT-2's
 * bytes-to-unicode mapping, in its order, so '!' is id 0), ids 256..511 the same symbols with {@code </w>},
 * then one token per merge in merge order, then {@code <|startoftext|>} and {@code <|endoftext|>}. The
 * merges are learned by {@link ClipBpe} (most frequent pair, ties broken by the pair's text) from a fixed
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

    private final ClipBpe bpe;
    private final List<String> tokens;

    private ClipVocabulary(ClipBpe bpe) {
        this.bpe = bpe;
        this.tokens = List.copyOf(bpe.vocab().keySet());
    }

    /** The fixture vocabulary with up to {@code maxMerges} learned merges (a pair seen once may merge). */
    public static ClipVocabulary learn(int maxMerges) {
        return new ClipVocabulary(ClipBpe.train(Arrays.asList(CORPUS), maxMerges, 1));
    }

    /** The learned vocabulary, which also writes the tokenizer files and encodes. */
    public ClipBpe bpe() {
        return bpe;
    }

    /** Tokens in id order. */
    public List<String> tokens() {
        return tokens;
    }

    /** Merge pairs in priority order. */
    public List<String[]> merges() {
        return bpe.merges();
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
}
