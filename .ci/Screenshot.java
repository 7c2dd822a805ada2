import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * Saves a PNG of the whole X screen named by $DISPLAY (used by .ci/package-test; the JDK is all it needs).
 * Prints the share of pixels that differ from the top-left pixel, so a blank screen is visible in the log.
 * Usage: java .ci/Screenshot.java OUT.png
 */
public final class Screenshot {
    private Screenshot() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java .ci/Screenshot.java OUT.png");
        }
        Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
        BufferedImage shot = new Robot().createScreenCapture(screen);
        File out = new File(args[0]);
        if (!ImageIO.write(shot, "png", out)) {
            throw new IllegalStateException("no PNG writer");
        }
        int background = shot.getRGB(0, 0);
        long differing = 0;
        for (int y = 0; y < shot.getHeight(); y++) {
            for (int x = 0; x < shot.getWidth(); x++) {
                if (shot.getRGB(x, y) != background) {
                    differing++;
                }
            }
        }
        double share = differing / (double) ((long) shot.getWidth() * shot.getHeight());
        System.out.printf("screenshot %s: %dx%d, %.1f%% of pixels differ from the background%n",
                out, shot.getWidth(), shot.getHeight(), 100 * share);
    }
}
