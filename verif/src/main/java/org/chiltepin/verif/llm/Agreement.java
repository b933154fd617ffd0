package org.chiltepin.verif.llm;

/**
 * How closely one engine follows another. Teacher forcing feeds both the same tokens at every
 * position and counts the positions where their next-token predictions agree; free running
 * compares the greedy sequences each produces on its own.
 */
public final class Agreement {
    private Agreement() {
    }

    /** The two engines' predictions at each position, fed the same tokens. */
    public record Result(int[] a, int[] b) {
        public int positions() {
            return a.length;
        }

        public int agreed() {
            int n = 0;
            for (int i = 0; i < a.length; i++) {
                n += a[i] == b[i] ? 1 : 0;
            }
            return n;
        }

        public double percent() {
            return 100.0 * agreed() / positions();
        }
    }

    /** Feeds {@code tokens} to both engines, position by position, and records their predictions. */
    public static Result teacherForced(LlamaEngine a, LlamaEngine b, int[] tokens) {
        int[] pa = new int[tokens.length];
        int[] pb = new int[tokens.length];
        for (int pos = 0; pos < tokens.length; pos++) {
            pa[pos] = a.step(tokens[pos], pos);
            pb[pos] = b.step(tokens[pos], pos);
        }
        return new Result(pa, pb);
    }

    /** How many leading entries of {@code a} and {@code b} are equal. */
    public static int leadingMatch(int[] a, int[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[n] == b[n]) {
            n++;
        }
        return n;
    }
}
