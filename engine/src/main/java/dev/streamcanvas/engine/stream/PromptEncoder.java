package dev.streamcanvas.engine.stream;

/** The tokenizer + text encoder as the stream core sees them. Called only from the engine thread. */
public interface PromptEncoder {
    /** Sequence length L of an embedding. */
    int sequenceLength();

    /** Width D of an embedding. */
    int width();

    /** The [L, D] embedding of a prompt; a fresh array the caller may keep. */
    float[] encode(String prompt);
}
