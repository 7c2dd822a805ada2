package dev.streamcanvas.app.source;

import com.github.sarxos.webcam.WebcamDevice;
import com.github.sarxos.webcam.WebcamDiscoverySupport;
import com.github.sarxos.webcam.WebcamDriver;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Webcam Capture driver with one synthetic camera (no hardware, no display): it delivers 320x240 BGR
 * pictures of a solid colour, and can be unplugged and plugged in again.
 */
public final class SyntheticWebcamDriver implements WebcamDriver, WebcamDiscoverySupport {
    public static final String NAME = "Synthetic Camera 0";
    /** The colour of every picture, as ARGB. */
    public static final int COLOR = 0xFFC86432;

    private volatile boolean plugged = true;
    private volatile Device device = new Device();
    public final AtomicInteger imagesServed = new AtomicInteger();

    public void unplug() {
        plugged = false;
    }

    /** Like a real replug: the driver reports a new device handle; old handles stay dead. */
    public void plugIn() {
        device = new Device();
        plugged = true;
    }

    @Override
    public List<WebcamDevice> getDevices() {
        List<WebcamDevice> out = new ArrayList<>();
        if (plugged) {
            out.add(device);
        }
        return out;
    }

    @Override
    public boolean isThreadSafe() {
        return false;
    }

    @Override
    public long getScanInterval() {
        return 200;
    }

    @Override
    public boolean isScanPossible() {
        return true;
    }

    final class Device implements WebcamDevice {
        private final Dimension size = new Dimension(320, 240);
        private volatile boolean open;
        private final BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR);

        Device() {
            byte[] b = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < b.length; i += 3) {
                b[i] = (byte) (COLOR & 0xFF);
                b[i + 1] = (byte) (COLOR >> 8 & 0xFF);
                b[i + 2] = (byte) (COLOR >> 16 & 0xFF);
            }
        }

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public Dimension[] getResolutions() {
            return new Dimension[] {size};
        }

        @Override
        public Dimension getResolution() {
            return size;
        }

        @Override
        public void setResolution(Dimension d) {
        }

        @Override
        public BufferedImage getImage() {
            if (!plugged || !open || device != this) {
                return null; // what an unplugged camera gives
            }
            imagesServed.incrementAndGet();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return image;
        }

        @Override
        public void open() {
            open = true;
        }

        @Override
        public void close() {
            open = false;
        }

        @Override
        public void dispose() {
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }
}
