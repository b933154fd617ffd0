package org.chiltepin.verif.kvcache;

import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.golden.KvCacheReference.Command;

/**
 * Memory-waste workloads for the KV-cache benchmark: long-tailed sequence lengths, stored either
 * in pages (counted by the golden model, which holds exactly the pages the controller holds —
 * co-simulation checks that page counts agree) or in contiguous max-length reservations.
 */
public final class KvCacheWorkloads {
    private KvCacheWorkloads() {
    }

    /** Token slots reserved and used. Waste = unused reserved slots / reserved slots. */
    public record Waste(int sequences, long tokens, long slots) {
        public double fraction() {
            return slots == 0 ? 0 : (double) (slots - tokens) / slots;
        }
    }

    /**
     * {@code n} lengths drawn from a log-normal distribution with the given median and shape
     * {@code sigma} (a long tail: sigma 1 puts the mean at 1.65 × the median), clamped to [1, max].
     */
    public static int[] longTailed(long seed, int n, double median, double sigma, int max) {
        LogNormalDistribution d = new LogNormalDistribution(new MersenneTwister(seed), Math.log(median), sigma,
                LogNormalDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = (int) Math.max(1, Math.min(max, Math.round(d.sample())));
        }
        return l;
    }

    /** Each length cut at a uniform random point: sequences caught in the middle of decoding. */
    public static int[] inFlight(long seed, int[] lengths) {
        MersenneTwister rng = new MersenneTwister(seed);
        int[] l = new int[lengths.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = 1 + rng.nextInt(lengths[i]);
        }
        return l;
    }

    /**
     * Paged storage: every sequence allocated and grown token by token, round robin (as decoding
     * interleaves them), in the golden model; the slots are the pages held × pageTokens.
     */
    public static Waste paged(int[] lengths, int pageTokens, int maxLen) {
        int maxPages = (maxLen + pageTokens - 1) / pageTokens;
        long pagesNeeded = 0;
        for (int l : lengths) {
            pagesNeeded += (l + pageTokens - 1) / pageTokens;
        }
        KvCacheReference m = new KvCacheReference(pageTokens, (int) pagesNeeded, lengths.length, maxPages, 1);
        for (int i = 0; i < lengths.length; i++) {
            m.apply(Command.alloc());
        }
        byte[] row = {0};
        int longest = 0;
        for (int l : lengths) {
            longest = Math.max(longest, l);
        }
        for (int t = 0; t < longest; t++) {
            for (int s = 0; s < lengths.length; s++) {
                if (t < lengths[s] && m.apply(Command.append(s, row, row)).response().status() != KvCacheReference.OK) {
                    throw new IllegalStateException("append failed for sequence " + s);
                }
            }
        }
        long tokens = 0;
        long slots = 0;
        for (int s = 0; s < lengths.length; s++) {
            var q = m.apply(Command.query(s)).response();
            tokens += q.length();
            slots += (long) q.pages() * pageTokens;
        }
        return new Waste(lengths.length, tokens, slots);
    }

    /** Contiguous storage: every sequence reserves {@code maxLen} slots up front. */
    public static Waste contiguous(int[] lengths, int maxLen) {
        long tokens = 0;
        for (int l : lengths) {
            tokens += l;
        }
        return new Waste(lengths.length, tokens, (long) lengths.length * maxLen);
    }
}
