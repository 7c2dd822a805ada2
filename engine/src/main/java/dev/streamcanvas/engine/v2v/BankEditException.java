package dev.streamcanvas.engine.v2v;

/**
 * A UNet graph cannot be given a feature bank (already-fused attention, packed QKV, a token count the edit cannot
 * free, ...). The message is one sentence for the user naming the graph and the node.
 */
public class BankEditException extends Exception {
    public BankEditException(String message) {
        super(message);
    }

    public BankEditException(String message, Throwable cause) {
        super(message, cause);
    }
}
