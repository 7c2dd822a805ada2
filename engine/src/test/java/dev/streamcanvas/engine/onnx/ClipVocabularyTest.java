package dev.streamcanvas.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipVocabularyTest {
    @TempDir
    Path tmp;

    @Test
    void layoutFollowsClipByteSymbolsThenEndOfWordThenMergesThenSpecials() {
        ClipVocabulary v = ClipVocabulary.learn(50);
        List<String> t = v.tokens();
        assertThat(t.get(0)).isEqualTo("!");                     // byte 0x21 comes first in CLIP's vocab
        assertThat(t.get('a' - '!')).isEqualTo("a");
        assertThat(t.get(256)).isEqualTo("!</w>");
        assertThat(t.get(188)).isEqualTo("\u0100");               // byte 0x00 maps to U+0100, after the 188 printables
        assertThat(t.get(188 + 32)).isEqualTo("\u0120");          // the space byte 0x20 -> 'Ġ'
        assertThat(v.size()).isEqualTo(512 + 50 + 2);
        assertThat(t.get(v.startId())).isEqualTo("<|startoftext|>");
        assertThat(t.get(v.endId())).isEqualTo("<|endoftext|>");
        assertThat(new HashSet<>(t)).hasSize(t.size());           // no duplicate tokens
        // every merge joins two tokens that exist before it, and its result is the token at 512 + index
        Set<String> known = new HashSet<>(t.subList(0, 512));
        for (int i = 0; i < v.merges().size(); i++) {
            String[] m = v.merges().get(i);
            assertThat(known).contains(m[0], m[1]);
            assertThat(t.get(512 + i)).isEqualTo(m[0] + m[1]);
            known.add(m[0] + m[1]);
        }
    }

    @Test
    void theFixtureTokenizerFilesAreInClipFormat() throws Exception {
        FixtureGenerator.write(tmp, FixtureSpec.defaults().withPadding(FixtureSpec.Padding.SD2).withText(32, 20));
        Map<String, Integer> vocab = new ObjectMapper().readValue(tmp.resolve("tokenizer/vocab.json").toFile(),
                new TypeReference<Map<String, Integer>>() { });
        List<String> merges = Files.readAllLines(tmp.resolve("tokenizer/merges.txt"));
        assertThat(merges.get(0)).isEqualTo("#version: 0.2");
        int n = merges.size() - 1;
        assertThat(n).isEqualTo(ClipVocabulary.learn(FixtureGenerator.MERGES).merges().size()).isGreaterThan(100);
        assertThat(vocab).hasSize(512 + n + 2).containsEntry("!", 0).containsEntry("<|endoftext|>", 512 + n + 1)
                .containsEntry("<|startoftext|>", 512 + n).containsKey("portrait</w>");
        String first = merges.get(1);
        assertThat(vocab).containsEntry(first.replace(" ", ""), 512);
        Map<String, Object> cfg = new ObjectMapper().readValue(tmp.resolve("tokenizer/tokenizer_config.json").toFile(),
                new TypeReference<Map<String, Object>>() { });
        assertThat(cfg).containsEntry("model_max_length", 20).containsEntry("pad_token", "!");
        assertThat(tmp.resolve("scheduler/scheduler_config.json")).content().contains("\"LCMScheduler\"")
                .contains("\"scaled_linear\"").contains("0.00085").contains("\"epsilon\"");
        assertThat(tmp.resolve("vae_encoder/config.json")).content().contains("0.18215");
    }
}
