package dev.streamcanvas.engine.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipBpeTest {
    @TempDir
    Path dir;

    @Test
    void filesFollowClipsLayout() throws Exception {
        ClipBpe bpe = ClipBpe.train(List.of("red apple", "red car", "green apple", "grinning face", "face"), 50);
        bpe.write(dir, 77);
        JsonNode vocab = new ObjectMapper().readTree(dir.resolve("vocab.json").toFile());
        // CLIP's order: printable ASCII from '!' first, the same 256 with </w>, merges, then the two specials
        assertThat(vocab.get("!").asInt()).isEqualTo(0);
        assertThat(vocab.get("a").asInt()).isEqualTo('a' - '!');
        assertThat(vocab.get("!</w>").asInt()).isEqualTo(256);
        assertThat(vocab.get("\u0120").asInt()).isEqualTo(256 - 68 + 32); // byte 0x20 (space) maps to U+0120
        int n = vocab.size();
        assertThat(vocab.get(ClipBpe.BOS).asInt()).isEqualTo(n - 2);
        assertThat(vocab.get(ClipBpe.EOS).asInt()).isEqualTo(n - 1);
        List<String> merges = Files.readAllLines(dir.resolve("merges.txt"));
        assertThat(merges.get(0)).isEqualTo("#version: 0.2");
        assertThat(n).isEqualTo(512 + bpe.mergeCount() + 2);
        // the first merge is the most frequent adjacent pair; its concatenation has id 512
        String[] first = merges.get(1).split(" ");
        assertThat(vocab.get(first[0] + first[1]).asInt()).isEqualTo(512);
        assertThat(new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile()).get("model_max_length").asInt())
                .isEqualTo(77);
    }

    @Test
    void encodeWrapsInBosEosPadsWithEosAndMergesKnownWords() throws Exception {
        ClipBpe bpe = ClipBpe.train(List.of("red apple", "red apple", "red car"), 100);
        int[] ids = bpe.tokenizer(8).encode("Red  APPLE").ids();
        int bos = bpe.id(ClipBpe.BOS);
        int eos = bpe.id(ClipBpe.EOS);
        assertThat(ids).containsExactly(bos, bpe.id("red</w>"), bpe.id("apple</w>"), eos, eos, eos, eos, eos);
        // an unseen word falls back to byte symbols, and a long caption is cut to leave room for EOS
        int[] unseen = bpe.tokenizer(4).encode("zq").ids();
        assertThat(unseen).containsExactly(bos, bpe.id("z"), bpe.id("q</w>"), eos);
        // reading merges.txt back gives the same encoder
        bpe.write(dir, 8);
        assertThat(ClipBpe.read(dir.resolve("merges.txt")).tokenizer(8).encode("red car apple").ids())
                .containsExactly(bpe.tokenizer(8).encode("red car apple").ids());
    }
}
