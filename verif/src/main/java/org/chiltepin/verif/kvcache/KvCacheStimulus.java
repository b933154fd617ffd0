package org.chiltepin.verif.kvcache;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.golden.KvCacheReference.Command;

/**
 * Command streams for the KV-cache co-simulation: a seeded random mix over many sequences that
 * looks at the golden model's state to stay mostly legal (append bursts that cross pages and drain
 * the pool, gathers of random ranges, forks followed by appends into shared pages, truncates,
 * frees) with a steady share of illegal commands (ids never allocated or already freed, gathers
 * past the end, truncates beyond the length, forks and allocs with the table full).
 */
public final class KvCacheStimulus {
    /** Commands per phase: short enough that a 400-command smoke run reaches a filling phase. */
    static final int PHASE = 200;

    private KvCacheStimulus() {
    }

    /** A random source of {@code count} commands. */
    public static KvCacheHarness.Source random(long seed, int count, int seqIdLimit) {
        return new RandomSource(seed, count, seqIdLimit);
    }

    /** A row whose every value is {@code tag}: makes a row's origin recognisable. */
    public static byte[] tagged(int lanes, int tag) {
        byte[] b = new byte[lanes];
        java.util.Arrays.fill(b, (byte) tag);
        return b;
    }

    private static final class RandomSource implements KvCacheHarness.Source {
        private final RandomGenerator rng;
        private final int seqIdLimit;
        private int left;
        private int issued;
        private int burstSeq = -1;
        private int burstLeft;

        RandomSource(long seed, int count, int seqIdLimit) {
            this.rng = new MersenneTwister(seed);
            this.left = count;
            this.seqIdLimit = seqIdLimit;
        }

        private byte[] row(int lanes) {
            byte[] b = new byte[lanes];
            rng.nextBytes(b);
            return b;
        }

        @Override
        public Command next(KvCacheReference m) {
            if (left-- <= 0) {
                return null;
            }
            // Alternate phases of PHASE commands: a mixed one, and a filling one without frees or
            // truncates that drives the pool to exhaustion.
            boolean filling = (issued++ / PHASE) % 2 == 1;
            int lanes = m.lanes();
            if (burstLeft > 0 && m.live(burstSeq)) {
                burstLeft--;
                int l = m.length(burstSeq);
                if (l == m.maxTokens() || l % m.pageTokens() == 0 && m.freePages() == 0) {
                    burstLeft = 0; // this append fails; the burst ends with it
                }
                return Command.append(burstSeq, row(lanes), row(lanes));
            }
            burstLeft = 0;
            List<Integer> live = m.liveSeqs();
            if (live.isEmpty()) {
                return Command.alloc();
            }
            int s = live.get(rng.nextInt(live.size()));
            int len = m.length(s);
            int maxField = 2 * m.maxTokens() - 1;
            double r = rng.nextDouble();
            if (m.freePages() == 0 && rng.nextDouble() < 0.3) {
                return Command.free(s);
            }
            if (filling && r >= 0.56 && r < 0.70) {
                burstSeq = s;
                burstLeft = rng.nextInt(m.maxTokens());
                return Command.append(s, row(lanes), row(lanes));
            }
            if (r < 0.06) {
                return Command.alloc();
            } else if (r < 0.20) {
                burstSeq = s;
                // Mostly short bursts across a page or two; now and then a long one that fills the
                // sequence or drains the pool.
                burstLeft = rng.nextDouble() < 0.2 ? rng.nextInt(m.maxTokens()) : rng.nextInt(2 * m.pageTokens() + 1);
                return Command.append(s, row(lanes), row(lanes));
            } else if (r < 0.56) {
                boolean v = rng.nextBoolean();
                double g = rng.nextDouble();
                if (g < 0.1) {
                    int first = rng.nextInt(len + 1);
                    int count = Math.min(maxField, len - first + 1 + rng.nextInt(3));
                    return Command.gather(s, v, first, count);
                } else if (g < 0.3) {
                    return Command.gather(s, v, 0, len);
                }
                int first = rng.nextInt(len + 1);
                return Command.gather(s, v, first, rng.nextInt(len - first + 1));
            } else if (r < 0.63) {
                int to = rng.nextDouble() < 0.1 ? Math.min(maxField, len + 1 + rng.nextInt(2)) : rng.nextInt(len + 1);
                return Command.truncate(s, to);
            } else if (r < 0.70) {
                return Command.free(s);
            } else if (r < 0.80) {
                // Half the time, write into the parent right after: copy-on-write when its last page
                // is partly filled.
                if (rng.nextBoolean()) {
                    burstSeq = s;
                    burstLeft = 1 + rng.nextInt(m.pageTokens());
                }
                return Command.fork(s);
            } else if (r < 0.87) {
                return Command.query(s);
            } else if (r < 0.90) {
                return Command.stats();
            }
            // An id that is not live: never allocated, freed (use after free) or out of range.
            List<Integer> dead = new ArrayList<>();
            for (int id = 0; id < seqIdLimit; id++) {
                if (!m.live(id)) {
                    dead.add(id);
                }
            }
            if (dead.isEmpty()) {
                return Command.alloc();
            }
            int d = dead.get(rng.nextInt(dead.size()));
            return switch (rng.nextInt(6)) {
                case 0 -> Command.append(d, row(lanes), row(lanes));
                case 1 -> Command.gather(d, rng.nextBoolean(), 0, rng.nextInt(3));
                case 2 -> Command.truncate(d, 0);
                case 3 -> Command.free(d);
                case 4 -> Command.fork(d);
                default -> Command.query(d);
            };
        }
    }
}
