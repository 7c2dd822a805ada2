package dev.streamcanvas.engine.calib;

/** Progress of a calibration solve: called on the solving thread after each stage and every few evaluations. */
@FunctionalInterface
public interface CalibProgress {
    /**
     * @param stage        short name of the running stage
     * @param fraction     rough overall progress in [0, 1]
     * @param loss         best loss of the running stage so far
     */
    void update(String stage, double fraction, double loss);

    CalibProgress NONE = (s, f, l) -> {
    };
}
