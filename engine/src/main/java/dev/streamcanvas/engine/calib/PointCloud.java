package dev.streamcanvas.engine.calib;

/**
 * LIDAR points in the LIDAR frame (metres) with one class id each: point i is
 * {@code (xyz[3i], xyz[3i+1], xyz[3i+2])}, its class {@code labels[i]} (0 = unlabelled) and its reflectance
 * {@code intensity[i]}.
 */
public record PointCloud(float[] xyz, int[] labels, float[] intensity) {
    public PointCloud {
        if (xyz == null || labels == null || intensity == null) {
            throw new IllegalArgumentException("point cloud arrays must not be null");
        }
        if (xyz.length % 3 != 0) {
            throw new IllegalArgumentException("point coordinates must come in triples, got " + xyz.length + " values");
        }
        int n = xyz.length / 3;
        if (labels.length != n) {
            throw new IllegalArgumentException("point cloud has " + n + " points but " + labels.length + " labels");
        }
        if (intensity.length != n) {
            throw new IllegalArgumentException("point cloud has " + n + " points but " + intensity.length
                    + " intensities");
        }
        for (int i = 0; i < xyz.length; i++) {
            if (!Float.isFinite(xyz[i])) {
                throw new IllegalArgumentException("point " + i / 3 + " has a non-finite coordinate: "
                        + xyz[i - i % 3] + ", " + xyz[i - i % 3 + 1] + ", " + xyz[i - i % 3 + 2]);
            }
        }
    }

    public int size() {
        return labels.length;
    }
}
