package dev.streamcanvas.app.source.webcam;

import com.github.sarxos.webcam.Webcam;
import com.github.sarxos.webcam.WebcamDriver;
import dev.streamcanvas.app.source.SourceException;
import java.awt.Dimension;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lists cameras through Webcam Capture. The library's driver is process-wide; a custom driver (tests, or
 * another platform driver) is installed once by the constructor. Listing may be slow: call it from a
 * background task.
 */
public final class WebcamCatalog {
    private static final long LIST_TIMEOUT_MS = 4000;

    /** Uses Webcam Capture's default driver. */
    public WebcamCatalog() {
    }

    /** Installs {@code driver} as Webcam Capture's driver. */
    public WebcamCatalog(WebcamDriver driver) {
        Webcam.setDriver(driver);
    }

    /** The cameras present now; an empty list when there are none. */
    public List<WebcamInfo> list() throws SourceException {
        List<WebcamInfo> out = new ArrayList<>();
        for (Webcam cam : webcams()) {
            List<String> res = new ArrayList<>();
            Dimension[] sizes = cam.getViewSizes();
            if (sizes != null) {
                for (Dimension d : sizes) {
                    res.add(d.width + "x" + d.height);
                }
            }
            out.add(new WebcamInfo(cam.getName(), res));
        }
        return out;
    }

    /** The camera called {@code name}, or null when it is not (or no longer) present. */
    Webcam find(String name) throws SourceException {
        for (Webcam cam : webcams()) {
            if (cam.getName().equals(name)) {
                return cam;
            }
        }
        return null;
    }

    private static List<Webcam> webcams() throws SourceException {
        try {
            return Webcam.getWebcams(LIST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SourceException("Listing cameras took longer than " + LIST_TIMEOUT_MS / 1000 + " s; the camera driver may be stuck.", e);
        } catch (RuntimeException | LinkageError e) {
            throw new SourceException(explain(e), e);
        }
    }

    /** One sentence on why listing failed, naming the missing system library where that is the cause. */
    static String explain(Throwable e) {
        StringBuilder chain = new StringBuilder();
        boolean linkage = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(' ').append(t);
            linkage |= t instanceof LinkageError;
        }
        String text = chain.toString().toLowerCase(Locale.ROOT);
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        if (linux && (linkage || text.contains("v4l") || text.contains("bridj") || text.contains("openimaj"))) {
            return "Cameras cannot be listed: the webcam driver needs the system library libv4l-0 "
                    + "(Debian/Ubuntu: sudo apt-get install libv4l-0).";
        }
        return "Cameras cannot be listed: " + e;
    }
}
