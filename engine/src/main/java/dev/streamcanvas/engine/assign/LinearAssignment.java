package dev.streamcanvas.engine.assign;

import java.util.Arrays;

/**
 * Exact solver for the dense linear assignment problem (minimise the sum of {@code cost[i][perm[i]]} over
 * permutations), after Jonker and Volgenant (1987): column reduction, reduction transfer, two passes of
 * augmenting row reduction, then shortest augmenting paths (Dijkstra on reduced costs) for the rows still free.
 * Arithmetic is in double on the given float costs. Returns the optimal permutation together with the dual
 * variables (u, v) that certify its optimality: {@code u[i] + v[j] <= cost[i][j]} everywhere, with equality on
 * the assigned pairs.
 *
 * <p>Worst case O(n^3); on random dense costs the initialisation assigns most rows cheaply.
 */
public final class LinearAssignment {
    private LinearAssignment() {
    }

    /** An optimal assignment: {@code rowToCol[i]} is the column given to row i; u and v are the duals. */
    public record Solution(int[] rowToCol, double[] u, double[] v, double cost) {
        /**
         * How far the duals are from certifying {@link #rowToCol} optimal on {@code cost} ([n, n] row-major): the
         * largest of {@code u[i] + v[j] - cost[i][j]} over all pairs (dual feasibility) and of
         * {@code |u[i] + v[j] - cost[i][rowToCol[i]]|} over the assigned pairs (complementary slackness). Zero up
         * to rounding exactly when the certificate holds, which proves the permutation optimal.
         */
        public double certificateViolation(float[] cost) {
            int n = rowToCol.length;
            if (cost.length != (long) n * n) {
                throw new IllegalArgumentException("cost matrix holds " + cost.length + " values, expected n*n = " + n + "*" + n);
            }
            double worst = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    worst = Math.max(worst, u[i] + v[j] - cost[i * n + j]);
                }
                worst = Math.max(worst, Math.abs(u[i] + v[rowToCol[i]] - cost[i * n + rowToCol[i]]));
            }
            return worst;
        }
    }

    /** Solves the n x n problem given as a row-major [n, n] cost matrix (finite values only). */
    public static Solution solve(float[] cost, int n) {
        if (cost.length != (long) n * n) {
            throw new IllegalArgumentException("cost matrix holds " + cost.length + " values, expected n*n = " + n + "*" + n);
        }
        for (float c : cost) {
            if (!Float.isFinite(c)) {
                throw new IllegalArgumentException("cost matrix holds a non-finite value " + c);
            }
        }
        int[] rowsol = new int[n];
        int[] colsol = new int[n];
        double[] v = new double[n];
        Arrays.fill(rowsol, -1);
        Arrays.fill(colsol, -1);
        if (n == 0) {
            return new Solution(rowsol, new double[0], v, 0);
        }
        int[] free = new int[n];
        int numFree = columnReduction(cost, n, rowsol, colsol, v, free);
        for (int pass = 0; pass < 2 && numFree > 0; pass++) {
            numFree = augmentingRowReduction(cost, n, rowsol, colsol, v, free, numFree);
        }
        augment(cost, n, rowsol, colsol, v, free, numFree);

        double[] u = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            int j = rowsol[i];
            u[i] = cost[i * n + j] - v[j];
            total += cost[i * n + j];
        }
        return new Solution(rowsol, u, v, total);
    }

    /** Column reduction and reduction transfer; returns the number of free rows written to {@code free}. */
    private static int columnReduction(float[] c, int n, int[] rowsol, int[] colsol, double[] v, int[] free) {
        int[] matches = new int[n];
        for (int j = n - 1; j >= 0; j--) {
            double min = c[j];
            int imin = 0;
            for (int i = 1; i < n; i++) {
                if (c[i * n + j] < min) {
                    min = c[i * n + j];
                    imin = i;
                }
            }
            v[j] = min;
            if (++matches[imin] == 1) {
                rowsol[imin] = j;
                colsol[j] = imin;
            } else if (v[j] < v[rowsol[imin]]) {
                int j1 = rowsol[imin];
                rowsol[imin] = j;
                colsol[j] = imin;
                colsol[j1] = -1;
            } else {
                colsol[j] = -1;
            }
        }
        int numFree = 0;
        for (int i = 0; i < n; i++) {
            if (matches[i] == 0) {
                free[numFree++] = i;
            } else if (matches[i] == 1) {
                // reduction transfer: lower the assigned column's price as far as row i still prefers it
                int j1 = rowsol[i];
                double min = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (j != j1) {
                        min = Math.min(min, c[i * n + j] - v[j]);
                    }
                }
                if (min != Double.POSITIVE_INFINITY) {
                    v[j1] -= min - (c[i * n + j1] - v[j1]);
                }
            }
        }
        return numFree;
    }

    private static int augmentingRowReduction(float[] c, int n, int[] rowsol, int[] colsol, double[] v, int[] free,
            int prevFree) {
        int k = 0;
        int numFree = 0;
        long guard = 4L * n * n + 16; // float-safe bound on re-queued rows
        while (k < prevFree) {
            int i = free[k++];
            double umin = c[i * n] - v[0];
            int j1 = 0;
            int j2 = -1;
            double usubmin = Double.POSITIVE_INFINITY;
            for (int j = 1; j < n; j++) {
                double h = c[i * n + j] - v[j];
                if (h < usubmin) {
                    if (h >= umin) {
                        usubmin = h;
                        j2 = j;
                    } else {
                        usubmin = umin;
                        umin = h;
                        j2 = j1;
                        j1 = j;
                    }
                }
            }
            int i0 = colsol[j1];
            boolean strict = umin < usubmin;
            if (strict) {
                v[j1] -= usubmin - umin;
            } else if (i0 >= 0 && j2 >= 0) {
                j1 = j2;
                i0 = colsol[j2];
            }
            if (rowsol[i] >= 0) {
                colsol[rowsol[i]] = -1;
            }
            rowsol[i] = j1;
            colsol[j1] = i;
            if (i0 >= 0) {
                rowsol[i0] = -1;
                if (strict && --guard > 0) {
                    free[--k] = i0;
                } else {
                    free[numFree++] = i0;
                }
            }
        }
        return numFree;
    }

    private static void augment(float[] c, int n, int[] rowsol, int[] colsol, double[] v, int[] free, int numFree) {
        double[] d = new double[n];
        int[] pred = new int[n];
        int[] collist = new int[n];
        for (int f = 0; f < numFree; f++) {
            int freeRow = free[f];
            for (int j = 0; j < n; j++) {
                d[j] = c[freeRow * n + j] - v[j];
                pred[j] = freeRow;
                collist[j] = j;
            }
            // collist[0, low): scanned; [low, up): at the current minimum distance, to scan; [up, n): the rest
            int low = 0;
            int up = 0;
            int last = 0;
            int endOfPath = -1;
            double min = 0;
            while (endOfPath < 0) {
                if (up == low) {
                    last = low - 1;
                    min = d[collist[up++]];
                    for (int k = up; k < n; k++) {
                        int j = collist[k];
                        double h = d[j];
                        if (h <= min) {
                            if (h < min) {
                                up = low;
                                min = h;
                            }
                            collist[k] = collist[up];
                            collist[up++] = j;
                        }
                    }
                    for (int k = low; k < up; k++) {
                        if (colsol[collist[k]] < 0) {
                            endOfPath = collist[k];
                            break;
                        }
                    }
                }
                if (endOfPath < 0) {
                    int j1 = collist[low++];
                    int i = colsol[j1];
                    double h = c[i * n + j1] - v[j1] - min;
                    for (int k = up; k < n; k++) {
                        int j = collist[k];
                        double v2 = c[i * n + j] - v[j] - h;
                        if (v2 < d[j]) {
                            pred[j] = i;
                            if (v2 <= min) {
                                v2 = min; // rounding can put it a hair below the current minimum
                                if (colsol[j] < 0) {
                                    d[j] = v2;
                                    endOfPath = j;
                                    break;
                                }
                                collist[k] = collist[up];
                                collist[up++] = j;
                            }
                            d[j] = v2;
                        }
                    }
                }
            }
            // update the prices of the columns scanned before the final minimum
            for (int k = 0; k <= last; k++) {
                int j1 = collist[k];
                v[j1] += d[j1] - min;
            }
            // flip the path
            int i;
            do {
                i = pred[endOfPath];
                colsol[endOfPath] = i;
                int j1 = endOfPath;
                endOfPath = rowsol[i];
                rowsol[i] = j1;
            } while (i != freeRow);
        }
    }
}
