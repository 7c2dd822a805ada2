package dev.streamcanvas.app.source.webcam;

import com.github.sarxos.webcam.Webcam;
import com.github.sarxos.webcam.WebcamException;
import com.github.sarxos.webcam.WebcamLockException;
import dev.streamcanvas.app.frame.Frame;
import dev.streamcanvas.app.frame.Rasters;
import dev.streamcanvas.app.source.AwtImages;
import dev.streamcanvas.app.source.PollingSource;
import dev.streamcanvas.app.source.SourceException;
import dev.streamcanvas.app.source.SourceKind;
import java.awt.Dimension;
import java.awt.image.BufferedImage;

/**
 * A camera through Webcam Capture, polled on the capture thread. A camera that cannot be opened (busy,
 * gone) or stops delivering pictures for {@value #STALL_MS} ms fails the source with a message.
 */
public final class WebcamSource extends PollingSource {
    static final long STALL_MS = 1500;
    static final long LOCK_WAIT_MS = 6000;

    private final WebcamCatalog catalog;
    private final String name;
    private final String resolution; // "640x480" or null for the camera's default
    private final boolean mirror;
    private Webcam webcam;
    private int[] pixels = new int[0]; // [ch * cw] the camera picture, reused
    private long lastImageNanos;

    public WebcamSource(WebcamCatalog catalog, String name, String resolution, boolean mirror) {
        this.catalog = catalog;
        this.name = name;
        this.resolution = resolution;
        this.mirror = mirror;
    }

    public String name() {
        return name;
    }

    @Override
    public String deviceName() {
        return name;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.WEBCAM;
    }

    @Override
    public String describe() {
        return "Webcam: " + name;
    }

    @Override
    protected long nanosPerFrame() {
        return 1_000_000_000L / 30;
    }

    @Override
    protected void open() throws SourceException {
        Webcam cam = catalog.find(name);
        if (cam == null) {
            throw new SourceException("Camera \"" + name + "\" is not connected.");
        }
        try {
            if (resolution != null && !cam.isOpen()) {
                Dimension d = parse(resolution);
                if (d != null) {
                    cam.setViewSize(d);
                }
            }
            openWithLockRetry(cam);
        } catch (WebcamLockException e) {
            throw new SourceException("Camera \"" + name + "\" is busy: another program is using it.", e);
        } catch (WebcamException | IllegalArgumentException e) {
            throw new SourceException("Camera \"" + name + "\" could not be opened: " + e.getMessage(), e);
        }
        webcam = cam;
        lastImageNanos = System.nanoTime();
    }

    /**
     * Webcam Capture guards each camera with a lock file that its owner refreshes every 2 s; after a camera
     * was unplugged and comes back, the stale lock of the old handle needs a few seconds to expire. A lock
     * still held after {@value #LOCK_WAIT_MS} ms belongs to another program.
     */
    private void openWithLockRetry(Webcam cam) throws SourceException {
        long end = System.nanoTime() + LOCK_WAIT_MS * 1_000_000L;
        while (true) {
            try {
                if (!cam.open()) {
                    throw new SourceException("Camera \"" + name + "\" could not be opened; is another program using it?");
                }
                return;
            } catch (WebcamLockException e) {
                if (System.nanoTime() > end || !isRunning()) {
                    throw e;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static Dimension parse(String res) {
        String[] p = res.toLowerCase(java.util.Locale.ROOT).split("x");
        if (p.length != 2) {
            return null;
        }
        try {
            return new Dimension(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    protected boolean grab(Frame target) throws SourceException {
        BufferedImage img;
        try {
            img = webcam.isOpen() ? webcam.getImage() : null;
        } catch (WebcamException e) {
            throw new SourceException("Camera \"" + name + "\" stopped: " + e.getMessage(), e);
        }
        long now = System.nanoTime();
        if (img == null) {
            if ((now - lastImageNanos) / 1_000_000 > STALL_MS) {
                throw new SourceException("Camera \"" + name + "\" stopped delivering pictures (unplugged?).");
            }
            return false;
        }
        lastImageNanos = now;
        int w = img.getWidth();
        int h = img.getHeight();
        if (pixels.length != w * h) {
            pixels = new int[w * h];
        }
        AwtImages.toArgb(img, pixels);
        Rasters.coverScale(pixels, w, h, target.argb(), target.width(), target.height(), mirror);
        target.setCaptureNanos(now);
        return true;
    }

    @Override
    protected void close() {
        Webcam cam = webcam;
        webcam = null;
        if (cam != null) {
            try {
                cam.close();
            } catch (WebcamException e) {
                // the device may already be gone; the lock below is what is left to release
            }
            // A camera that vanished is disposed by the library's discovery thread without releasing its
            // lock file, which would make the camera look busy when it comes back: release it here.
            try {
                cam.getLock().unlock();
            } catch (RuntimeException e) {
                // nothing locked
            }
        }
    }
}
