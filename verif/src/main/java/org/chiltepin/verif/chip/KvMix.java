package org.chiltepin.verif.chip;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.KvCommand;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.KvCacheReference;

/**
 * The KV part of a random chip program ({@link ChipPrograms}): KV tile commands (appends whose
 * rows come from memory, gathers into memory, alloc, fork, truncate, free, query, stats) and GEMM
 * loads straight from the KV tile, legal and illegal. It tracks the cache with its own
 * {@link KvCacheReference} in program order (the KV tile runs its commands in that order).
 * GEMM tiles load only from sequences that are <em>stable</em> in the phase (live with tokens at
 * its start, never truncated or freed in it) and only tokens they held at its start, so a load
 * and the KV tile's commands of the same phase cannot race.
 */
final class KvMix {
    /** Emits one host command: node, memory address, a GEMM or KV command. */
    interface Out {
        void gemm(int node, long memAddr, int opcode, int a0, int count);

        void kv(long memAddr, KvCommand c);

        long readAddr(int words);

        long writeAddr(int words);

        int tag();
    }

    private final ChipReference.Params p;
    private final RandomGenerator rng;
    private final KvCacheReference model;
    private final List<Integer> gemms;
    private final Map<Integer, Integer> stable = new HashMap<>();

    KvMix(ChipReference.Params p, RandomGenerator rng, List<Integer> gemms) {
        this.p = p;
        this.rng = rng;
        this.gemms = gemms;
        ChipReference.KvParams k = p.kv();
        model = new KvCacheReference(k.pageTokens(), k.numPages(), k.maxSeqs(), k.maxPagesPerSeq(), k.lanes());
    }

    /** A new phase: the sequences GEMM tiles may load from are the live ones with tokens now. */
    void beginPhase() {
        stable.clear();
        for (int s : model.liveSeqs()) {
            if (model.length(s) > 0) {
                stable.put(s, model.length(s));
            }
        }
    }

    private void kv(Out out, long memAddr, int op, int seq, boolean v, int first, int count) {
        KvCommand c = KvCommand.of(op, out.tag(), seq, v, first, count);
        byte[] row = new byte[p.kv().lanes()];
        model.apply(new KvCacheReference.Command(op, seq, v, first, count, row, row));
        out.kv(memAddr, c);
    }

    private int liveOrAny() {
        List<Integer> live = model.liveSeqs();
        return live.isEmpty() || rng.nextInt(10) == 0 ? rng.nextInt(p.kv().maxSeqs()) : live.get(rng.nextInt(live.size()));
    }

    /** A live sequence that no GEMM tile loads from in this phase, or -1. */
    private int mutable() {
        List<Integer> m = new ArrayList<>(model.liveSeqs());
        m.removeAll(stable.keySet());
        return m.isEmpty() ? -1 : m.get(rng.nextInt(m.size()));
    }

    void next(Out out, boolean illegal) {
        int r = rng.nextInt(100);
        ChipReference.KvParams k = p.kv();
        if (r < 30) {
            kv(out, out.readAddr(3) & ~1L, KvCacheReference.OP_APPEND, liveOrAny(), false, 0, 0);
        } else if (r < 40) {
            kv(out, 0, KvCacheReference.OP_ALLOC, 0, false, 0, 0);
        } else if (r < 46) {
            kv(out, 0, KvCacheReference.OP_FORK, liveOrAny(), false, 0, 0);
        } else if (r < 52 && mutable() >= 0) {
            int s = mutable();
            kv(out, 0, KvCacheReference.OP_TRUNCATE, s, false, 0, rng.nextInt(model.length(s) + 2));
        } else if (r < 57 && mutable() >= 0) {
            kv(out, 0, KvCacheReference.OP_FREE, mutable(), false, 0, 0);
        } else if (r < 62) {
            kv(out, 0, rng.nextBoolean() ? KvCacheReference.OP_QUERY : KvCacheReference.OP_STATS, liveOrAny(), false, 0, 0);
        } else if (r < 77) {
            int s = liveOrAny();
            int len = model.length(s);
            int first = rng.nextInt(len + 1);
            int count = rng.nextInt(8) == 0 ? len - first + 1 : rng.nextInt(len - first + 1);
            kv(out, out.writeAddr(Math.max(1, count)), KvCacheReference.OP_GATHER, s, rng.nextBoolean(), first, count);
        } else if (r < 92 && !stable.isEmpty()) {
            List<Integer> seqs = new ArrayList<>(stable.keySet());
            int s = seqs.get(rng.nextInt(seqs.size()));
            int len = stable.get(s);
            int first = rng.nextInt(len);
            int count = 1 + rng.nextInt(len - first);
            loadFromKv(out, s, first, count);
        } else if (illegal) {
            illegal(out, k);
        } else {
            kv(out, 0, KvCacheReference.OP_STATS, 0, false, 0, 0);
        }
    }

    private void loadFromKv(Out out, int seq, int first, int count) {
        GemmReference.Params g = p.gemm();
        boolean a = rng.nextBoolean();
        int depth = a ? g.aDepth() : g.bDepth();
        count = Math.min(count, depth);
        out.gemm(gemms.get(rng.nextInt(gemms.size())), ChipReference.kvAddress(rng.nextBoolean(), seq, first),
                a ? GemmReference.LOAD_A : GemmReference.LOAD_B, rng.nextInt(depth - count + 1), count);
    }

    private void illegal(Out out, ChipReference.KvParams k) {
        switch (rng.nextInt(6)) {
            case 0 -> out.kv(0, KvCommand.of(8 + rng.nextInt(8), out.tag(), 0, false, 0, 0));
            case 1 -> out.kv(0, new KvCommand(KvCacheReference.OP_QUERY, out.tag(), 0, false, 0, 0,
                    BigInteger.ONE.shiftLeft(rng.nextBoolean() ? 64 + rng.nextInt(64) : 12 + rng.nextInt(4))));
            case 2 -> out.kv(0, KvCommand.of(KvCacheReference.OP_QUERY, out.tag(), 1 << k.seqBits(), false, 0, 0));
            case 3 -> out.kv(out.readAddr(3) | 1, KvCommand.of(KvCacheReference.OP_APPEND, out.tag(), 0, false, 0, 0));
            case 4 -> out.kv(p.memWords() - 1, KvCommand.of(KvCacheReference.OP_GATHER, out.tag(), 0, false, 0, 2));
            default -> {
                // a GEMM load of tokens no sequence holds: past maxTokens, or an id past maxSeqs
                boolean pastEnd = rng.nextBoolean();
                loadFromKvRaw(out, pastEnd ? 0 : k.maxSeqs() + rng.nextInt(64 - k.maxSeqs()),
                        pastEnd ? k.maxTokens() - rng.nextInt(2) : 0);
            }
        }
    }

    private void loadFromKvRaw(Out out, int seq, int first) {
        out.gemm(gemms.get(rng.nextInt(gemms.size())), ChipReference.kvAddress(false, seq, first), GemmReference.LOAD_A, 0,
                2);
    }
}
