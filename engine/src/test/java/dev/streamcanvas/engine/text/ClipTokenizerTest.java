package dev.streamcanvas.engine.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-made CLIP-format vocabulary: ids 0..255 are the byte symbols in CLIP order ('!' = 0, 'a' = 64, ...),
 * 256..511 the same with {@code </w>}, then one id per merge, then BOS and EOS. Expected ids are worked out by
 * hand from that layout.
 */
class ClipTokenizerTest {
    private static final String[] MERGES = {"h e", "l o</w>", "he l", "hel lo</w>", "d o", "' t</w>", "do n</w>"};
    private static final int HELLO = 512 + 3;
    private static final int DON = 512 + 6;
    private static final int APOS_T = 512 + 5;
    private static final int BOS = 512 + MERGES.length;
    private static final int EOS = BOS + 1;

    @TempDir
    Path dir;

    /** id of an ASCII printable character as a byte symbol (CLIP order starts at '!'). */
    private static int ascii(char c) {
        return c - '!';
    }

    private static int asciiEnd(char c) {
        return ascii(c) + 256;
    }

    @BeforeEach
    void writeVocabulary() throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<String> symbols = ClipTokenizer.byteSymbolsInVocabOrder();
        for (String s : symbols) {
            vocab.put(s, vocab.size());
        }
        for (String s : symbols) {
            vocab.put(s + "</w>", vocab.size());
        }
        for (String m : MERGES) {
            vocab.put(m.replace(" ", ""), vocab.size());
        }
        vocab.put("<|startoftext|>", vocab.size());
        vocab.put("<|endoftext|>", vocab.size());
        new ObjectMapper().writeValue(dir.resolve("vocab.json").toFile(), vocab);
        List<String> lines = new ArrayList<>();
        lines.add("#version: 0.2");
        lines.addAll(Arrays.asList(MERGES));
        Files.write(dir.resolve("merges.txt"), lines, StandardCharsets.UTF_8);
        writeConfig("<|endoftext|>", 8);
    }

    private void writeConfig(String pad, int maxLength) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"model_max_length\": " + maxLength + ", \"pad_token\": {\"content\": \"" + pad.replace("\"", "\\\"")
                        + "\"}}");
    }

    private ClipTokenizer tokenizer() throws IOException {
        return ClipTokenizer.load(dir, 0);
    }

    @Test
    void byteSymbolOrderMatchesClip() {
        List<String> s = ClipTokenizer.byteSymbolsInVocabOrder();
        assertThat(s.get(0)).isEqualTo("!");
        assertThat(s.get(64)).isEqualTo("a");
        assertThat(s.get(93)).isEqualTo("~");
        assertThat(s.get(94)).isEqualTo("\u00a1");
        assertThat(s.get(188)).isEqualTo("\u0100"); // byte 0 is remapped to U+0100
        assertThat(s).doesNotHaveDuplicates().hasSize(256);
    }

    @Test
    void mergesAWordByRankAndPadsWithEndOfText() throws IOException {
        ClipTokenizer.Encoding e = tokenizer().encode("Hello");
        assertThat(e.ids()).containsExactly(BOS, HELLO, EOS, EOS, EOS, EOS, EOS, EOS);
        assertThat(e.length()).isEqualTo(3);
        assertThat(e.truncated()).isFalse();
    }

    @Test
    void collapsesWhitespaceAndLowercases() throws IOException {
        assertThat(tokenizer().encode("  HELLO \n\t hello ").unpadded()).containsExactly(BOS, HELLO, HELLO, EOS);
    }

    /** HF's whitespace_clean / the fast normalizer use Python/Oniguruma {@code \s}, which is Unicode-aware. */
    @Test
    void unicodeSpacesSeparateWordsLikeAsciiSpaces() throws IOException {
        assertThat(ClipTokenizer.split("a\u00a0b\u3000c\u2003d\u202fe")).containsExactly("a", "b", "c", "d", "e");
        assertThat(tokenizer().encode("HELLO\u00a0hello\u3000hello").unpadded())
                .containsExactly(BOS, HELLO, HELLO, HELLO, EOS);
    }

    /** A pair that occurs twice is merged at both places in one pass; (h, e</w>) is a different pair. */
    @Test
    void mergesEveryOccurrenceOfTheBestPairLeftToRight() throws IOException {
        int he = 512; // merge 0 "h e"
        assertThat(tokenizer().encode("hehehe").unpadded())
                .containsExactly(BOS, he, he, ascii('h'), asciiEnd('e'), EOS);
    }

    @Test
    void splitsDigitsOneByOne() throws IOException {
        assertThat(tokenizer().encode("2024").unpadded())
                .containsExactly(BOS, asciiEnd('2'), asciiEnd('0'), asciiEnd('2'), asciiEnd('4'), EOS);
    }

    @Test
    void keepsPunctuationRunsTogetherApartFromLetters() throws IOException {
        assertThat(ClipTokenizer.split("hi!! ok.")).containsExactly("hi", "!!", "ok", ".");
        assertThat(tokenizer().encode("hi!!").unpadded())
                .containsExactly(BOS, ascii('h'), asciiEnd('i'), ascii('!'), asciiEnd('!'), EOS);
    }

    @Test
    void splitsContractions() throws IOException {
        assertThat(ClipTokenizer.split("don't we'll it's")).containsExactly("don", "'t", "we", "'ll", "it", "'s");
        assertThat(tokenizer().encode("Don't").unpadded()).containsExactly(BOS, DON, APOS_T, EOS);
    }

    @Test
    void normalisesUnicodeToNfcBeforeByteEncoding() throws IOException {
        // é = C3 A9 in UTF-8: 0xC3 is printable, index 106 + (0xC3 - 0xAE) = 127; 0xA9 -> 94 + 8 = 102, +256 with </w>
        int[] composed = tokenizer().encode("\u00e9").unpadded();
        int[] decomposed = tokenizer().encode("e\u0301").unpadded();
        assertThat(composed).containsExactly(BOS, 127, 102 + 256, EOS);
        assertThat(decomposed).containsExactly(composed);
    }

    @Test
    void mapsNonPrintableBytesToTheRemappedSymbols() throws IOException {
        // € = E2 82 AC: 0xE2 -> 106 + 52 = 158; 0x82 is remapped: 188 + 33 + (0x82 - 0x7F) = 224; 0xAC -> 94 + 11 (+256)
        assertThat(tokenizer().encode("\u20ac").unpadded()).containsExactly(BOS, 158, 224, 105 + 256, EOS);
    }

    @Test
    void emptyPromptIsJustBeginAndEnd() throws IOException {
        ClipTokenizer.Encoding e = tokenizer().encode("");
        assertThat(e.unpadded()).containsExactly(BOS, EOS);
        assertThat(e.ids()).hasSize(8);
        assertThat(tokenizer().encode("   \t").unpadded()).containsExactly(BOS, EOS);
    }

    @Test
    void overLongPromptKeepsEndOfTextLastAndSaysItTruncated() throws IOException {
        ClipTokenizer.Encoding e = tokenizer().encode("a b c d e f g h");
        assertThat(e.ids()).containsExactly(BOS, asciiEnd('a'), asciiEnd('b'), asciiEnd('c'), asciiEnd('d'),
                asciiEnd('e'), asciiEnd('f'), EOS);
        assertThat(e.truncated()).isTrue();
        assertThat(tokenizer().encode("a b c d e f").truncated()).isFalse();
    }

    @Test
    void padsWithExclamationMarkForSd2StyleConfig() throws IOException {
        writeConfig("!", 6);
        ClipTokenizer t = tokenizer();
        assertThat(t.padId()).isZero();
        assertThat(t.encode("hello").ids()).containsExactly(BOS, HELLO, EOS, 0, 0, 0);
    }

    @Test
    void maxLengthOverrideWinsOverConfig() throws IOException {
        assertThat(ClipTokenizer.load(dir, 5).encode("").ids()).hasSize(5);
    }

    @Test
    void specialTokensInTheTextMapToTheirIds() throws IOException {
        assertThat(tokenizer().encode("hello<|endoftext|>").unpadded()).containsExactly(BOS, HELLO, EOS, EOS);
    }

    @Test
    void missingMergesFileIsNamed() throws IOException {
        Files.delete(dir.resolve("merges.txt"));
        assertThatThrownBy(this::tokenizer).isInstanceOf(IOException.class).hasMessageContaining("merges.txt");
    }

    @Test
    void malformedVocabularyIsNamed() throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "[1, 2");
        assertThatThrownBy(this::tokenizer).isInstanceOf(IOException.class).hasMessageContaining("vocab.json");
    }
}
