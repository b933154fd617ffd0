package org.chiltepin.verif.llm;

/**
 * How closely one engine follows another. Teacher forcing feeds both the same tokens at every
 * position and counts the positions where their next-token predictions agree; free running
 * compares the greedy sequences each produces on its own.
 */
public final class Agreement {
    private Agreement() {
    }

    /** Positions where {@code a} and {@code b} predicted the same token, feeding both {@code tokens}. */
    public record Result(int agreed, int positions) {
        public double percent() {
            return 100.0 * agreed / positions;
        }
    }

    public static Result teacherForced(LlamaEngine a, LlamaEngine b, int[] tokens) {
        int agreed = 0;
        for (int pos = 0; pos < tokens.length; pos++) {
            if (a.step(tokens[pos], pos) == b.step(tokens[pos], pos)) {
                agreed++;
            }
        }
        return new Result(agreed, tokens.length);
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
