package dev.streamcanvas.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real app in its own JVM on a real X display (the one in DISPLAY, else an Xvfb this test
 * starts), lets {@link SmokeApp} draw on the canvas, and checks the outcome: the output changed after the
 * strokes, a screenshot was written (target/screenshots), and the log says the first output was displayed.
 */
class WindowSmokeTest {
    @TempDir
    Path home;

    private Process xvfb;

    @AfterEach
    void stopXvfb() throws InterruptedException {
        if (xvfb != null) {
            xvfb.destroy();
            xvfb.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private String display() throws IOException, InterruptedException {
        String display = System.getenv("DISPLAY");
        if (display != null && !display.isBlank()) {
            return display;
        }
        try {
            // -displayfd 1: Xvfb picks a free display number and prints it on stdout once it accepts clients
            xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new AssertionError("The windowed smoke test needs an X display: DISPLAY is unset and Xvfb could not be started ("
                    + e.getMessage() + "). Install it: sudo apt-get install xvfb xauth (Debian/Ubuntu).", e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII));
        String number = out.readLine();
        if (number == null || !number.trim().matches("\\d+")) {
            throw new AssertionError("Xvfb did not report a display number (got " + number + "); is it installed correctly (apt-get install xvfb)?");
        }
        return ":" + number.trim();
    }

    @Test
    void appStartsAndAStrokeOnTheCanvasChangesTheLiveOutput() throws Exception {
        String display = display();
        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        Path result = home.resolve("smoke-result.txt");
        Path log = home.resolve("smoke.log");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dprism.order=sw", "-Djava.awt.headless=true",
                "-Dstreamcanvas.config.dir=" + home.resolve("config"), "-Dstreamcanvas.data.dir=" + home.resolve("data"),
                "-Dstreamcanvas.output.dir=" + home.resolve("pictures"),
                "-cp", classPath, SmokeApp.Launcher.class.getName(), screenshots.toString(), result.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DISPLAY", display);
        Process app = pb.start();
        boolean ended = app.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            app.destroyForcibly();
        }
        String logText = Files.readString(log);
        String resultText = Files.exists(result) ? Files.readString(result) : "(no result file)";
        System.out.println(resultText);
        System.out.println(logText);
        assertThat(ended).as("app ended within 180 s; log:%n%s", logText).isTrue();
        assertThat(resultText).as("log:%n%s", logText).contains("stroke-changed-output=true").contains("exit=0")
                .contains("tools-menu=[Camera–LIDAR calibration results…]");
        assertThat(app.exitValue()).as("exit code; log:%n%s", logText).isZero();
        assertThat(logText).contains("first output frame displayed").contains("closed: input, engine and recorder stopped");

        File shot = screenshots.resolve("live-window.png").toFile();
        assertThat(shot).exists();
        BufferedImage img = ImageIO.read(shot);
        assertThat(img.getWidth()).isGreaterThanOrEqualTo(800);
        assertThat(distinctColours(img)).isGreaterThan(100); // a real rendered window, not a blank frame
        Files.copy(result, screenshots.resolve("smoke-result.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
