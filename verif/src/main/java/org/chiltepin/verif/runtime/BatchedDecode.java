package org.chiltepin.verif.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaInt8Weights.QMatrix;
import org.chiltepin.verif.golden.LlamaIntReference;
import org.chiltepin.verif.golden.LlamaVectorProgram;
import org.chiltepin.verif.llm.LlamaConfig;

/**
 * Batched decode with a shared prompt (issue #16, Deliver 7): B sequences continue one prompt.
 * The KV pages are accounted in the paged-KV golden model ({@link KvCacheReference}) twice, fed
 * the same rows: <b>forked</b> — the prompt's rows appended once to sequence 0, then B − 1
 * copy-on-write FORKs — and <b>copied</b> — B sequences that each append the prompt's rows.
 *
 * <p>Continuations: greedy decoding would give B identical sequences, whose shared pages would be
 * split only by the first append into a partly filled shared page (copy-on-write), never
 * differently. So sequence b is teacher-forced to the b-th most likely token (integer golden
 * model's logits, first index on ties) at the prompt's last position, then continues greedily:
 * B different continuations of one prompt. Each sequence runs on its own
 * {@link LlamaIntReference} (the golden model keeps one sequence's K/V), so the prompt is computed
 * B times here (on the golden model's GEMVs); a chip with the fork runs it once. The decode steps
 * can run batched on a chip ({@link LockstepMatVec}).
 *
 * <p>KV layout in the model: one KV row per position holds the K (or V) of every layer and
 * key/value head with its 2-byte scales: {@code nLayers · (kvDim + 2 · nKvHeads)} bytes (200 for
 * stories260K); a page holds {@code pageTokens} positions of K rows and of V rows. Each row is
 * marked with its sequence and position, so {@link #check} can gather every sequence back and
 * see whose rows it reads.
 */
public final class BatchedDecode {
    private BatchedDecode() {
    }

    /** Pages of each KV model and what they hold. */
    public record Pages(int afterPrompt, int atEnd, int highWater) {
    }

    /**
     * The outcome for one B.
     *
     * @param continuations each sequence's generated tokens
     * @param forked        pages with FORK (prompt once, shared by reference, copy-on-write)
     * @param copied        pages with the prompt's rows appended to every sequence
     * @param rowBytes      bytes of one KV row (K or V of one position)
     * @param pageTokens    positions per page
     */
    public record Result(int batch, int promptTokens, List<int[]> continuations, Pages forked, Pages copied, int rowBytes,
            int pageTokens, boolean rowsCheck) {
        /** Sequences whose continuations differ from every other's. */
        public long distinct() {
            return continuations.stream().map(Arrays::toString).distinct().count();
        }

        /** KV bytes held by {@code pages} pages (K and V). */
        public long bytes(int pages) {
            return 2L * pages * pageTokens * rowBytes;
        }
    }

    /** Bytes of a KV row of this model: K (or V) of every layer and head, int8, with int16 scales per head. */
    public static int rowBytes(LlamaConfig c) {
        return c.nLayers() * (c.kvDim() + 2 * c.nKvHeads());
    }

    /**
     * Runs B sequences of {@code steps} generated tokens each after {@code prompt} (its first
     * token BOS), with KV pages of {@code pageTokens} positions; enough pages for B full sequences.
     * The prompt runs on the golden model's GEMVs; the decode steps too when {@code decode} is null,
     * otherwise in lockstep with every weight matrix's B activation rows in one {@code decode}
     * matmul ({@link LockstepMatVec}; bit-exact backends give the same tokens).
     */
    public static Result run(LlamaInt8Weights w, int[] prompt, int batch, int steps, int pageTokens,
            LockstepMatVec.Batch decode) {
        LlamaConfig c = w.config;
        if (batch < 1 || batch > 64 || prompt.length < 1 || steps < 1 || prompt.length + steps > c.seqLen()) {
            throw new IllegalArgumentException("batch must be in [1, 64] and prompt + steps within seq_len " + c.seqLen());
        }
        int maxPages = Integer.highestOneBit(Math.max(2, (c.seqLen() + pageTokens - 1) / pageTokens) * 2 - 1);
        int pages = batch * maxPages;
        KvCacheReference forked = new KvCacheReference(pageTokens, pages, Math.max(2, batch), maxPages, 8);
        KvCacheReference copied = new KvCacheReference(pageTokens, pages, Math.max(2, batch), maxPages, 8);
        LockstepMatVec lockstep = decode == null ? null : new LockstepMatVec(batch, decode);
        LlamaIntReference.MatVec[] backend = new LlamaIntReference.MatVec[batch];
        List<LlamaIntReference> seqs = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            int seq = b;
            backend[b] = QMatrix::multiply;
            seqs.add(new LlamaIntReference(w, new LlamaVectorProgram(c.seqLen(), c.headSize()),
                    (m, x) -> backend[seq].multiply(m, x)));
            require(copied.apply(KvCacheReference.Command.alloc()), "alloc");
        }
        require(forked.apply(KvCacheReference.Command.alloc()), "alloc");
        long[] last = null;
        int p = prompt.length;
        for (int pos = 0; pos < p; pos++) {
            for (int b = 0; b < batch; b++) {
                if (b == 0) {
                    last = seqs.get(0).logits(prompt[pos], pos);
                } else {
                    seqs.get(b).step(prompt[pos], pos);
                }
                require(copied.apply(append(b, pos, prompt[pos])), "append");
            }
            require(forked.apply(append(0, pos, prompt[pos])), "append");
        }
        for (int b = 1; b < batch; b++) {
            require(forked.apply(KvCacheReference.Command.fork(0)), "fork");
        }
        int forkedPrompt = used(forked, pages);
        int copiedPrompt = used(copied, pages);
        if (lockstep != null) {
            for (int b = 0; b < batch; b++) {
                backend[b] = lockstep.backend(b);
            }
        }
        int[] ranked = ranking(last);
        int[] token = Arrays.copyOf(ranked, batch);
        int[][] gen = new int[batch][steps];
        for (int i = 0; i < steps; i++) {
            int pos = p + i;
            for (int b = 0; b < batch; b++) {
                gen[b][i] = token[b];
                require(forked.apply(append(b, pos, token[b])), "append");
                require(copied.apply(append(b, pos, token[b])), "append");
            }
            if (i + 1 < steps) {
                int[] fed = token.clone();
                token = lockstep == null ? step(seqs, fed, pos) : lockstep.each(b -> seqs.get(b).step(fed[b], pos));
            }
        }
        return new Result(batch, p, List.of(gen), new Pages(forkedPrompt, used(forked, pages), forked.highWater()),
                new Pages(copiedPrompt, used(copied, pages), copied.highWater()), rowBytes(c), pageTokens,
                check(forked, batch, p, true) && check(copied, batch, p, false));
    }

    /** {@link #run(LlamaInt8Weights, int[], int, int, int, LockstepMatVec.Batch)} on the golden model's GEMVs. */
    public static Result run(LlamaInt8Weights w, int[] prompt, int batch, int steps, int pageTokens) {
        return run(w, prompt, batch, steps, pageTokens, null);
    }

    private static int[] step(List<LlamaIntReference> seqs, int[] tokens, int pos) {
        int[] out = new int[tokens.length];
        for (int b = 0; b < tokens.length; b++) {
            out[b] = seqs.get(b).step(tokens[b], pos);
        }
        return out;
    }

    /**
     * Gathers every sequence's K rows from {@code kv} and checks position t of sequence b holds
     * the prompt's row for t < prompt (written once by sequence 0 when forked) and its own row after.
     */
    static boolean check(KvCacheReference kv, int batch, int promptTokens, boolean forked) {
        for (int b = 0; b < batch; b++) {
            List<byte[]> rows = kv.apply(KvCacheReference.Command.gather(b, false, 0, kv.length(b))).rows();
            for (int t = 0; t < rows.size(); t++) {
                int owner = t < promptTokens && forked ? 0 : b;
                if (rows.get(t)[0] != owner || rows.get(t)[1] != (byte) t || rows.get(t)[2] != (byte) (t >> 8)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Tokens/s of decode steps of a batch: each step runs one position of all B sequences, the
     * weights read once for the batch (a GEMM with M = B), each sequence's K/V rows read for itself.
     *
     * @param rooflineTokensPerSecond B × bandwidth ÷ (weight bytes + Σ KV bytes) per step
     * @param simTokensPerSecond      modelled from one measured chip token, null without one
     */
    public record Throughput(double rooflineTokensPerSecond, Double simTokensPerSecond) {
    }

    /**
     * The mean over the steps at positions {@code first .. first + steps − 1}. {@code one} (may be
     * null): a measured single-sequence token; its memory-port bytes split into the weight loads
     * (shared by the batch) and the rest (per sequence), the KV bytes added per sequence, all moved
     * at the port bandwidth that token attained, and the array MACs times B at the peak rate: the
     * step takes the longer of the two.
     */
    public static Throughput throughput(LlamaConfig c, int batch, int first, int steps, double clockMhz, int portBytesPerCycle,
            ChipMatVec.Stats one, long peakMacsPerCycle) {
        double idealCycles = 0;
        double simCycles = 0;
        for (int pos = first; pos < first + steps; pos++) {
            long kv = (long) batch * DecodeReport.kvBytes(c, pos);
            idealCycles += (double) (DecodeReport.weightBytes(c) + kv) / portBytesPerCycle;
            if (one != null) {
                long port1 = one.bytesRead + one.bytesWritten;
                double bytesPerCycle = (double) port1 / one.cycles;
                double portCycles = (one.loadBBytes + (double) batch * (port1 - one.loadBBytes) + kv) / bytesPerCycle;
                double arrayCycles = Math.ceil((double) batch * one.arrayMacs / peakMacsPerCycle);
                simCycles += Math.max(portCycles, arrayCycles);
            }
        }
        double hz = clockMhz * 1e6;
        return new Throughput(batch * steps * hz / idealCycles, one == null ? null : batch * steps * hz / simCycles);
    }

    /** A row marked with its writer and position (K) and its token (V). */
    private static KvCacheReference.Command append(int seq, int pos, int token) {
        byte[] k = {(byte) seq, (byte) pos, (byte) (pos >> 8), 0, 0, 0, 0, 0};
        byte[] v = {(byte) token, (byte) (token >> 8), 0, 0, 0, 0, 0, 0};
        return KvCacheReference.Command.append(seq, k, v);
    }

    private static int used(KvCacheReference kv, int numPages) {
        return numPages - kv.freePages();
    }

    private static void require(KvCacheReference.Result r, String what) {
        if (r.response().status() != KvCacheReference.OK) {
            throw new IllegalStateException("KV " + what + ": status " + r.response().status());
        }
    }

    /** Token ids by logit, highest first (first index on ties). */
    static int[] ranking(long[] logits) {
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> logits[a] != logits[b] ? Long.compare(logits[b], logits[a]) : Integer.compare(a, b));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
}
