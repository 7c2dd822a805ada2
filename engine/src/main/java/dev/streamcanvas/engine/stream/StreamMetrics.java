package dev.streamcanvas.engine.stream;

/**
 * A snapshot of the engine's counters and recent timings (what the UI status bar and the {@code bench} command
 * read). Timings are exponential moving averages (alpha 0.1) over processed frames.
 *
 * @param submitted     frames given to {@link StreamEngine#submit}
 * @param inputDropped  inputs replaced by a newer one before the engine took them
 * @param processed     inputs that ran through the model
 * @param skipped       inputs skipped by the similarity filter
 * @param errors        frames that failed (reported to the listener)
 * @param fps           outputs per second (moving average)
 * @param last          timings of the last frame (null before the first)
 * @param average       moving-average timings (null before the first)
 * @param model         active model name, or "" when none
 */
public record StreamMetrics(long submitted, long inputDropped, long processed, long skipped, long errors,
        double fps, FrameTimings last, FrameTimings average, String model) {
}
