package dev.streamcanvas.app.ui;

import dev.streamcanvas.app.frame.Frame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Region;

/**
 * Shows frames in an ImageView through a {@link PixelBuffer}: each frame is copied into the same direct
 * buffer and the image is told which area changed. A new buffer is made only when the frame size changes.
 * The view keeps the aspect ratio and fits its parent region. UI thread only.
 */
public final class FrameView {
    private final ImageView view;
    private PixelBuffer<IntBuffer> buffer;
    private int width;
    private int height;

    private final Region host;

    /** {@code view} must be a child of {@code host}; it is laid out by this class (centred, fitted). */
    public FrameView(ImageView view, Region host) {
        this.view = view;
        this.host = host;
        view.setPreserveRatio(true);
        view.setSmooth(true);
        view.setManaged(false);
        host.setMinSize(0, 0);
        host.widthProperty().addListener((o, a, b) -> relayout());
        host.heightProperty().addListener((o, a, b) -> relayout());
    }

    private void relayout() {
        double hw = host.getWidth();
        double hh = host.getHeight();
        if (width == 0 || hw <= 0 || hh <= 0) {
            return;
        }
        double scale = Math.min(hw / width, hh / height);
        double w = width * scale;
        double h = height * scale;
        view.setFitWidth(w);
        view.setFitHeight(h);
        view.relocate((hw - w) / 2, (hh - h) / 2);
    }

    public ImageView imageView() {
        return view;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Draws {@code frame} (opaque ARGB, so premultiplied equals straight). */
    public void show(Frame frame) {
        int w = frame.width();
        int h = frame.height();
        if (buffer == null || w != width || h != height) {
            IntBuffer ints = ByteBuffer.allocateDirect(w * h * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
            buffer = new PixelBuffer<>(w, h, ints, PixelFormat.getIntArgbPreInstance());
            width = w;
            height = h;
            view.setImage(new WritableImage(buffer));
            relayout();
        }
        buffer.updateBuffer(b -> {
            IntBuffer ints = b.getBuffer();
            ints.clear();
            ints.put(frame.argb(), 0, w * h);
            ints.clear();
            return null; // the whole image changed
        });
    }

    /** Converts a point in the ImageView's local coordinates to frame pixel coordinates. */
    public double[] toFrame(double x, double y) {
        double fw = view.getFitWidth();
        double fh = view.getFitHeight();
        if (width == 0 || fw <= 0 || fh <= 0) {
            return null;
        }
        return new double[] {x * width / fw, y * height / fh};
    }
}
