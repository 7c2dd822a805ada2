import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the StreamCanvas icon (a rounded canvas with a flowing stream crossing it) as vector shapes and writes the
 * per-OS icon files: streamcanvas.png (Linux), streamcanvas.ico (Windows, PNG entries) and streamcanvas.icns (macOS,
 * PNG entries). Run from the repository root with {@code java packaging/icons/IconGenerator.java packaging/icons};
 * the generated files are committed, so the build never runs this.
 */
public final class IconGenerator {
    private IconGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "packaging/icons");
        Files.createDirectories(out);
        Files.write(out.resolve("streamcanvas.png"), png(256));
        Files.write(out.resolve("streamcanvas.ico"), ico(new int[] {16, 24, 32, 48, 64, 128, 256}));
        Map<String, Integer> icns = new LinkedHashMap<>();
        icns.put("icp4", 16);
        icns.put("icp5", 32);
        icns.put("icp6", 64);
        icns.put("ic07", 128);
        icns.put("ic08", 256);
        icns.put("ic09", 512);
        icns.put("ic10", 1024);
        icns.put("ic11", 32);
        icns.put("ic12", 64);
        icns.put("ic13", 256);
        icns.put("ic14", 512);
        Files.write(out.resolve("streamcanvas.icns"), icns(icns));
    }

    /** Renders the design at {@code size} x {@code size}; all coordinates are fractions of the size. */
    static BufferedImage draw(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            double s = size;
            double m = s * 0.04;
            // background tile: deep teal to violet
            g.setPaint(new GradientPaint(0, 0, new Color(0x0F, 0x76, 0x6E), (float) s, (float) s, new Color(0x5B, 0x21, 0xB6)));
            g.fill(new RoundRectangle2D.Double(m, m, s - 2 * m, s - 2 * m, s * 0.36, s * 0.36));
            // the canvas: a light rounded frame
            double c = s * 0.22;
            g.setColor(new Color(255, 255, 255, 235));
            g.setStroke(new BasicStroke((float) Math.max(1.0, s * 0.055), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new RoundRectangle2D.Double(c, c, s - 2 * c, s - 2 * c, s * 0.12, s * 0.12));
            // the stream: one sine period flowing through the canvas, warm colour
            Path2D.Double wave = new Path2D.Double();
            int steps = 64;
            for (int i = 0; i <= steps; i++) {
                double t = i / (double) steps;
                double x = s * (0.12 + 0.76 * t);
                double y = s * (0.55 - 0.13 * Math.sin(2 * Math.PI * t));
                if (i == 0) {
                    wave.moveTo(x, y);
                } else {
                    wave.lineTo(x, y);
                }
            }
            g.setColor(new Color(0xFB, 0xBF, 0x24));
            g.setStroke(new BasicStroke((float) Math.max(1.5, s * 0.075), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(wave);
            // a spark: the live frame
            double r = s * 0.06;
            g.setColor(Color.WHITE);
            g.fill(new Ellipse2D.Double(s * 0.66 - r, s * 0.34 - r, 2 * r, 2 * r));
        } finally {
            g.dispose();
        }
        return img;
    }

    static byte[] png(int size) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(draw(size), "png", bytes);
        return bytes.toByteArray();
    }

    /** Windows .ico with PNG-compressed entries (supported since Windows Vista). */
    static byte[] ico(int[] sizes) throws IOException {
        byte[][] images = new byte[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            images[i] = png(sizes[i]);
        }
        int offset = 6 + 16 * sizes.length;
        int total = offset;
        for (byte[] image : images) {
            total += image.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putShort((short) 0).putShort((short) 1).putShort((short) sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            byte dim = (byte) (sizes[i] >= 256 ? 0 : sizes[i]);
            buf.put(dim).put(dim).put((byte) 0).put((byte) 0);
            buf.putShort((short) 1).putShort((short) 32);
            buf.putInt(images[i].length).putInt(offset);
            offset += images[i].length;
        }
        for (byte[] image : images) {
            buf.put(image);
        }
        return buf.array();
    }

    /** macOS .icns: big-endian 'icns' header followed by typed PNG entries. */
    static byte[] icns(Map<String, Integer> entries) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        for (Map.Entry<String, Integer> e : entries.entrySet()) {
            byte[] image = png(e.getValue());
            out.writeBytes(e.getKey());
            out.writeInt(8 + image.length);
            out.write(image);
        }
        out.flush();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(file);
        header.writeBytes("icns");
        header.writeInt(8 + body.size());
        header.write(body.toByteArray());
        header.flush();
        return file.toByteArray();
    }
}
