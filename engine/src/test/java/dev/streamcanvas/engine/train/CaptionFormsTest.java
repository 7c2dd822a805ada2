package dev.streamcanvas.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptionFormsTest {
    @Test
    void shorterFormsAreTheProperPrefixesByCommaParts() {
        assertThat(CaptionForms.shorter("dog face, animal mammal, animals & nature"))
                .containsExactly("dog face", "dog face, animal mammal");
        assertThat(CaptionForms.shorter("japan flag, jp, flag-jp, country flag, flags"))
                .containsExactly("japan flag", "japan flag, jp", "japan flag, jp, flag-jp", "japan flag, jp, flag-jp, country flag");
    }

    @Test
    void aCaptionOfOnePartHasNoShorterForm() {
        assertThat(CaptionForms.shorter("penguin")).isEmpty();
        assertThat(CaptionForms.shorter("")).isEmpty();
    }

    @Test
    void partsAreTrimmedAndEmptyPartsDropped() {
        assertThat(CaptionForms.shorter("  red heart ,, heart,symbols "))
                .containsExactly("red heart", "red heart, heart");
    }
}
