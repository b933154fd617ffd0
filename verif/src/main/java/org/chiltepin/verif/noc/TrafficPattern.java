package org.chiltepin.verif.noc;

import java.util.Locale;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Synthetic traffic patterns on a k × m mesh (node n = y·k + x), after Dally and Towles ch. 9:
 * each maps a source to a destination, randomly for uniform and hotspot.
 */
public enum TrafficPattern {
    /** Destination uniform over all nodes, the source included. */
    UNIFORM,
    /** (x, y) → (y, x) (coordinates taken modulo the other dimension when k ≠ m). */
    TRANSPOSE,
    /** (x, y) → (k−1−x, m−1−y). */
    BIT_COMPLEMENT,
    /** With probability {@link #HOTSPOT_FRACTION} the centre node (k/2, m/2), else uniform. */
    HOTSPOT,
    /** Every node sends to node 0. */
    ALL_TO_ONE;

    public static final double HOTSPOT_FRACTION = 0.25;

    public int destination(int src, int k, int m, RandomGenerator rng) {
        int x = src % k;
        int y = src / k;
        return switch (this) {
            case UNIFORM -> rng.nextInt(k * m);
            case TRANSPOSE -> (x % m) * k + (y % k);
            case BIT_COMPLEMENT -> (m - 1 - y) * k + (k - 1 - x);
            case HOTSPOT -> rng.nextDouble() < HOTSPOT_FRACTION ? (m / 2) * k + k / 2 : rng.nextInt(k * m);
            case ALL_TO_ONE -> 0;
        };
    }

    /** The traffic matrix: {@code rate[s][d]}, the fraction of node s's packets sent to d. */
    public double[][] matrix(int k, int m) {
        int n = k * m;
        double[][] rate = new double[n][n];
        for (int s = 0; s < n; s++) {
            int x = s % k;
            int y = s / k;
            switch (this) {
                case UNIFORM -> java.util.Arrays.fill(rate[s], 1.0 / n);
                case HOTSPOT -> {
                    java.util.Arrays.fill(rate[s], (1 - HOTSPOT_FRACTION) / n);
                    rate[s][(m / 2) * k + k / 2] += HOTSPOT_FRACTION;
                }
                case TRANSPOSE -> rate[s][(x % m) * k + (y % k)] = 1;
                case BIT_COMPLEMENT -> rate[s][(m - 1 - y) * k + (k - 1 - x)] = 1;
                case ALL_TO_ONE -> rate[s][0] = 1;
            }
        }
        return rate;
    }

    /** Command-line name: {@code uniform}, {@code transpose}, {@code bit-complement}, {@code hotspot}, {@code all-to-one}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static TrafficPattern parse(String s) {
        for (TrafficPattern t : values()) {
            if (t.cliName().equals(s) || t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("traffic must be one of uniform, transpose, bit-complement, hotspot, all-to-one; got " + s);
    }
}
