package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldOutSplitTest {

    private static List<String> emojiNames(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(Integer.toHexString(0x1f300 + 7 * i) + ".png");
        }
        return names;
    }

    private static ImageFolder folder(List<String> names) {
        List<float[]> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (String n : names) {
            images.add(new float[3]);
            captions.add(n);
        }
        return ImageFolder.of(1, images, captions, names);
    }

    private static Set<String> heldNames(ImageFolder f, int count) {
        Set<String> out = new HashSet<>();
        for (int i : Trainer.heldOutSplit(f, count)) {
            out.add(f.name(i));
        }
        return out;
    }

    /** The first 8 bytes of SHA-256 as a non-negative BigInteger: a second formulation of the unsigned order. */
    private static BigInteger hashKey(String s) throws Exception {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        return new BigInteger(1, Arrays.copyOf(h, 8));
    }

    @Test
    void heldOutImagesAreThoseWithTheSmallestFileNameHashes() throws Exception {
        List<String> names = emojiNames(200);
        List<String> byHash = new ArrayList<>(names);
        Comparator<String> order = Comparator.comparing(n -> {
            try {
                return hashKey(n);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        byHash.sort(order);

        assertThat(heldNames(folder(names), 20)).containsExactlyInAnyOrderElementsOf(byHash.subList(0, 20));
    }

    @Test
    void variantsOfOneEmojiFromAnotherSetAreHeldOutTogetherWithIt() {
        List<String> base = emojiNames(200);
        List<String> mixed = new ArrayList<>(base);
        for (String n : base) {
            mixed.add("tw--" + n);
        }
        Set<String> heldBase = heldNames(folder(base), 20);
        Set<String> heldMixed = heldNames(folder(mixed), 40);

        Set<String> expected = new HashSet<>(heldBase);
        for (String n : heldBase) {
            expected.add("tw--" + n);
        }
        // the base set's split is unchanged by adding the second set at twice the count, and no emoji is held out
        // in one style while trained in the other
        assertThat(heldMixed).isEqualTo(expected);
    }

    @Test
    void namesWithoutAVariantPrefixAreSplitByTheWholeName() {
        assertThat(Trainer.splitKey("1f436.png")).isEqualTo("1f436.png");
        assertThat(Trainer.splitKey("tw--1f436.png")).isEqualTo("1f436.png");
        assertThat(Trainer.splitKey("a--b--1f436.png")).isEqualTo("1f436.png");
        assertThat(Trainer.splitKey("odd--")).isEqualTo("odd--");
        assertThat(Trainer.splitKey("1f468-200d-1f469.png")).isEqualTo("1f468-200d-1f469.png");
    }
}
