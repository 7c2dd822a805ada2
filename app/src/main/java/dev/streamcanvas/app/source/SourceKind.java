package dev.streamcanvas.app.source;

/** The kinds of input the live view can stream from. */
public enum SourceKind {
    CANVAS("Canvas"),
    WEBCAM("Webcam"),
    IMAGE("Image file"),
    VIDEO("Video file"),
    TEST_PATTERN("Test pattern");

    private final String label;

    SourceKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
