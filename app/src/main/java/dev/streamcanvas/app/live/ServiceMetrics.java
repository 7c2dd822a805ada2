package dev.streamcanvas.app.live;

/**
 * What the generation service reports about its own thread.
 *
 * @param fps       frames generated per second
 * @param latencyMs capture-to-output time of the newest output, milliseconds
 * @param dropped   input frames replaced before the service took them
 * @param skipped   frames skipped by the similarity filter (the last output shown again)
 */
public record ServiceMetrics(double fps, double latencyMs, long dropped, long skipped) {
    public static final ServiceMetrics EMPTY = new ServiceMetrics(0, 0, 0, 0);
}
