package dev.streamcanvas.engine.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model trained on ClipBpe's ids must see the very same ids when its exported tokenizer folder is read live. */
class ClipBpeTrainLiveAgreementTest {
    private static final List<String> CAPTIONS = List.of(
            "A red apple, on 2 tables!", "the cat's toy isn't here", "caf\u00e9\u00a0au lait", "Fran\u00e7ois' 1999 photo",
            "red\u00a0car", "cafe\u0301 noir", "don't stop 42 times", "We'LL see: 3.14 & 'quoted' words...",
            "\u65e5\u672c\u306e \u732b", "emoji \ud83d\ude00 smile", "  tabs\tand\nnewlines  ", "red apple red apple red car");

    @TempDir
    Path dir;

    @Test
    void trainingIdsEqualTheIdsOfTheWrittenFilesReadByTheLiveTokenizer() throws Exception {
        ClipBpe bpe = ClipBpe.train(CAPTIONS, 80);
        assertThat(bpe.mergeCount()).isGreaterThan(10);
        List<String> probes = new ArrayList<>(CAPTIONS);
        probes.addAll(List.of("", "RED APPLE", "an unseen caption \u00a0with\u2003odd spaces", "<|startoftext|> red",
                "red <|endoftext|> car", "a very long caption that certainly does not fit into twelve tokens at all, 1 2 3",
                "cafe\u0301\u00a0au\u00a0lait"));
        for (int length : new int[] {4, 12, 40}) {
            bpe.write(dir, length);
            ClipTokenizer live = ClipTokenizer.load(dir, 0);
            ClipTokenizer training = bpe.tokenizer(length);
            assertThat(live.maxLength()).isEqualTo(length);
            for (String caption : probes) {
                ClipTokenizer.Encoding expected = live.encode(caption);
                ClipTokenizer.Encoding actual = training.encode(caption);
                assertThat(actual.ids()).as("%s at length %d", caption, length).containsExactly(expected.ids());
                assertThat(actual.truncated()).isEqualTo(expected.truncated());
            }
        }
        // padding and truncation as CLIP: BOS first, EOS after the kept tokens, EOS padding after it
        int bos = bpe.id(ClipBpe.BOS);
        int eos = bpe.id(ClipBpe.EOS);
        ClipTokenizer live = ClipTokenizer.load(dir, 4);
        assertThat(live.encode("red").ids()).containsExactly(bos, bpe.id("red</w>"), eos, eos);
        ClipTokenizer.Encoding cut = live.encode("red apple car");
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.ids()).containsExactly(bos, bpe.id("red</w>"), bpe.id("apple</w>"), eos);
    }

    @Test
    void learningSeesTheWordsTheEncoderSees() {
        // a no-break space separates words for the encoder, so the learner must not learn merges across it
        ClipBpe bpe = ClipBpe.train(List.of("ab\u00a0ab", "ab ab"), 10);
        for (String[] m : bpe.merges()) {
            assertThat(m[0] + m[1]).doesNotContain(ClipTokenizer.byteSymbol(0xc2)).doesNotContain(ClipTokenizer.byteSymbol(0xa0));
        }
        // "cafe" + combining acute is NFC-normalised to the same word as the precomposed form
        ClipBpe nfc = ClipBpe.train(List.of("cafe\u0301", "caf\u00e9"), 10);
        assertThat(nfc.vocab()).containsKey("caf\u00c3\u00a9</w>");
    }
}
