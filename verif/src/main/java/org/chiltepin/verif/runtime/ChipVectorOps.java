package org.chiltepin.verif.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.LlamaVectorOps;
import org.chiltepin.verif.golden.LlamaVectorProgram;
import org.chiltepin.verif.golden.VectorMachine;
import org.chiltepin.verif.golden.VectorMachine.Command;
import org.chiltepin.verif.golden.VectorReference;

/**
 * The integer model's non-matmul operations on the chip's vector tile: every call is one chip
 * program — LOAD the operands from external memory by DMA, the vector unit's commands (the
 * sequences of {@link LlamaVectorProgram}, docs/llm.md §4.4), STORE the result to memory by DMA —
 * sent through the control tile; scalars (QUANT's scale word, MAX's argmax) come back in the DONE.
 * Every result is compared with {@link LlamaVectorProgram} on the same operands, mismatches
 * counted; the chip's result is returned.
 *
 * <p>{@code rescale} (the per-channel scaling after a GEMM, and the alignment of scores and head
 * outputs to one exponent) has a shift per element where the vector unit has one per command: it
 * runs as one MUL per distinct shift, the multiplier vector zero outside that shift's elements,
 * the partial results summed by ADD (each element is non-zero in exactly one, so the sum is exact).
 * A negative shift (a left shift) goes into the multiplier.
 *
 * <p>What stays host-side: the chip's int8 results (QUANT) are stored as int32 words (two a memory
 * word); the host reads them back and repacks them as the next GEMV's operand (bit planes for
 * {@link ChipMatVec}) — counted as {@link Stats#repackBytes}.
 */
public final class ChipVectorOps implements LlamaVectorOps {
    /** The external-memory window the vector programs' operands and results use (reused by every program). */
    public static final int MEM_BASE = 0;
    public static final int MEM_WORDS = 4096;
    private final ChipRunner chip;
    private final LlamaVectorProgram ref;
    private final ChipReference.Params p;
    private final int node;
    private final int lanes;
    private final int words;
    private final Stats total = new Stats();
    private Stats token = new Stats();

    /** Figures of a span of calls: programs, commands per operation, chip cycles, bytes, checks. */
    public static final class Stats {
        public long programs;
        public long commands;
        public long cycles;
        public long bytesRead;
        public long bytesWritten;
        public long mismatches;
        /** int8 results the host read back as int32 words and repacked into GEMV operands. */
        public long repackBytes;
        /** Vector commands per model operation (rmsnorm, rope, …). */
        public final Map<String, Long> commandsPerOp = new TreeMap<>();

        void add(Stats s) {
            programs += s.programs;
            commands += s.commands;
            cycles += s.cycles;
            bytesRead += s.bytesRead;
            bytesWritten += s.bytesWritten;
            mismatches += s.mismatches;
            repackBytes += s.repackBytes;
            s.commandsPerOp.forEach((k, v) -> commandsPerOp.merge(k, v, Long::sum));
        }
    }

    /** The operations on {@code chip}'s vector tile, checked against {@code ref} (the model's RoPE table). */
    public ChipVectorOps(ChipRunner chip, LlamaVectorProgram ref) {
        this.chip = chip;
        this.ref = ref;
        p = chip.params();
        if (p.vector() == null) {
            throw new IllegalArgumentException("chip: the vector operations need a chip with a vector tile");
        }
        node = p.vectorNode();
        lanes = p.vector().lanes();
        words = p.vector().words();
    }

    /** Figures since the last {@link #nextToken()}. */
    public Stats token() {
        return token;
    }

    public Stats total() {
        return total;
    }

    public void nextToken() {
        token = new Stats();
    }

    /** One chip program under construction: its memory image, scratchpad and memory allocation, commands. */
    private final class Program {
        final String op;
        final Map<Integer, Long> writes = new HashMap<>();
        final List<HostCommand> commands = new ArrayList<>();
        int scratch;
        int mem;
        ChipRunner.Result result;

        Program(String op) {
            this.op = op;
        }

        /** Scratchpad room for {@code len} elements, from a row start. */
        int alloc(int len) {
            int at = scratch;
            scratch += (len + lanes - 1) / lanes * lanes;
            if (scratch > words) {
                throw new IllegalStateException(op + ": needs more than the vector unit's " + words + " scratchpad words");
            }
            return at;
        }

        private int memAlloc(int len) {
            int at = mem;
            mem += (int) p.vector().moveWords(len);
            if (mem > MEM_WORDS) {
                throw new IllegalStateException(op + ": needs more than the " + MEM_WORDS + " memory words of its window");
            }
            return MEM_BASE + at;
        }

        /** Index of the command in the program (its response's index too). */
        int cmd(int op, int dst, int srcA, int srcB, int len, int mult, int shift) {
            commands.add(new HostCommand(node, 0, new Command(op, 0, commands.size() & 0xFF, dst, srcA, srcB, len, mult, shift)));
            return commands.size() - 1;
        }

        /** Writes {@code v} (int32, saturated) into memory and LOADs it into {@code dst}. */
        void loadTo(int dst, long[] v) {
            int a = memAlloc(v.length);
            for (int i = 0; i < v.length; i++) {
                long e = LlamaVectorOps.sat32(v[i]) & 0xFFFFFFFFL;
                writes.merge(a + i / 2, e << (32 * (i % 2)), (x, y) -> x | y);
            }
            commands.add(new HostCommand(node, a, new Command(VectorMachine.LOAD, 0, commands.size() & 0xFF, dst, 0, 0,
                    v.length, 0, 0)));
        }

        int load(long[] v) {
            int at = alloc(v.length);
            loadTo(at, v);
            return at;
        }

        /** STOREs {@code len} elements from {@code src}; returns the memory word they go to. */
        int store(int src, int len) {
            int a = memAlloc(len);
            commands.add(new HostCommand(node, a, new Command(VectorMachine.STORE, 0, commands.size() & 0xFF, 0, src, 0,
                    len, 0, 0)));
            return a;
        }

        void run() {
            result = chip.run(writes, List.of(commands));
            for (int i = 0; i < commands.size(); i++) {
                ChipReference.Response r = result.responses().get(i);
                if (r.status() != VectorMachine.OK) {
                    throw new IllegalStateException(op + ": vector command " + i + " (opcode " + r.opcode()
                            + ") answered status " + r.status());
                }
            }
            Stats s = new Stats();
            s.programs = 1;
            s.commands = commands.size();
            s.cycles = result.cycles();
            s.bytesRead = result.bytesRead();
            s.bytesWritten = result.bytesWritten();
            s.commandsPerOp.put(op, (long) commands.size());
            token.add(s);
            total.add(s);
        }

        long[] read(int memAddr, int len) {
            long[] v = new long[len];
            for (int i = 0; i < len; i++) {
                v[i] = (int) (result.memory()[memAddr + i / 2] >>> (32 * (i % 2)));
            }
            return v;
        }

        /** The s32 value of command {@code i}'s DONE. */
        long value(int i) {
            return (int) result.responses().get(i).value();
        }

        /** The 16-bit index of command {@code i}'s DONE. */
        int index(int i) {
            return (int) (result.responses().get(i).value() >>> 32 & 0xFFFF);
        }
    }

    private void check(boolean equal) {
        if (!equal) {
            token.mismatches++;
            total.mismatches++;
        }
    }

    private static long[] int32(int[] v) {
        long[] a = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = v[i];
        }
        return a;
    }

    /** QUANT of the vector at {@code src}, then STORE; the chip's int8 values with its scale word. */
    private QVec quant(Program prog, int src, int len, int exp) {
        int dst = prog.alloc(len);
        int scale = prog.alloc(1);
        int t = prog.cmd(VectorMachine.QUANT, dst, src, scale, len, 0, 0);
        int out = prog.store(dst, len);
        prog.run();
        long[] q = prog.read(out, len);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) q[i];
        }
        long word = prog.value(t); // d·2^16 + mant
        token.repackBytes += len;
        total.repackBytes += len;
        return new QVec(b, (int) Math.floorMod(word, 65536L), exp + (int) Math.floorDiv(word, 65536L));
    }

    private void check(QVec chipQ, QVec want) {
        check(Arrays.equals(chipQ.q(), want.q()) && chipQ.mant() == want.mant() && chipQ.exp() == want.exp());
    }

    @Override
    public QVec quantize(Wide v) {
        Program prog = new Program("quantize");
        int a = prog.load(v.v());
        QVec got = quant(prog, a, v.v().length, v.exp());
        check(got, ref.quantize(v));
        return got;
    }

    @Override
    public long[] rescale(long[] v, short[] mult, int[] shift) {
        int n = v.length;
        // one MUL per distinct effective shift; a negative shift goes into the multiplier
        TreeMap<Integer, long[]> groups = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            int s = Math.min(63, Math.max(0, shift[i]));
            long m = shift[i] >= 0 ? mult[i] : (long) mult[i] << Math.min(32, -shift[i]);
            if (m != LlamaVectorOps.sat32(m)) {
                throw new IllegalArgumentException("shift: a left shift of " + -shift[i] + " takes multiplier " + mult[i]
                        + " past int32");
            }
            groups.computeIfAbsent(s, x -> new long[n])[i] = m;
        }
        Program prog = new Program("rescale");
        int chunk = Math.max(lanes, Math.min(n, words / (groups.size() > 1 ? 4 : 2) / lanes * lanes));
        List<int[]> outs = new ArrayList<>();
        for (int c0 = 0; c0 < n; c0 += chunk) {
            int len = Math.min(chunk, n - c0);
            prog.scratch = 0;
            int a = prog.load(Arrays.copyOfRange(v, c0, c0 + len));
            int b = prog.alloc(len);
            int acc = groups.size() > 1 ? prog.alloc(len) : a;
            int tmp = groups.size() > 1 ? prog.alloc(len) : a;
            boolean first = true;
            for (Map.Entry<Integer, long[]> g : groups.entrySet()) {
                prog.loadTo(b, Arrays.copyOfRange(g.getValue(), c0, c0 + len));
                prog.cmd(VectorMachine.MUL, first ? acc : tmp, a, b, len, 0, g.getKey());
                if (!first) {
                    prog.cmd(VectorMachine.ADD, acc, acc, tmp, len, 1, 0);
                }
                first = false;
            }
            outs.add(new int[] {prog.store(acc, len), c0, len});
        }
        prog.run();
        long[] got = new long[n];
        for (int[] o : outs) {
            System.arraycopy(prog.read(o[0], o[2]), 0, got, o[1], o[2]);
        }
        check(Arrays.equals(got, ref.rescale(v, mult, shift)));
        return got;
    }

    @Override
    public QVec rmsnorm(int[] x, int fx, short[] gain, int gainFrac) {
        int n = x.length;
        int j = LlamaVectorProgram.rootBits(n);
        int mult = (int) Math.round(Math.pow(2, 16 + 2 * j) / n);
        int rootFrac = fx - LlamaVectorProgram.SQUARE_SHIFT / 2 + 8 + j;
        long eps = Math.min(Integer.MAX_VALUE, Math.round(LlamaVectorProgram.EPSILON * Math.pow(2, 2 * rootFrac)));
        int normShift = fx + VectorReference.RECIP_BITS - rootFrac - LlamaVectorProgram.NORMED_FRAC;
        int gainShift = Math.max(0, LlamaVectorProgram.NORMED_FRAC + gainFrac - LlamaVectorProgram.GAINED_FRAC);
        long[] g = new long[n];
        for (int i = 0; i < n; i++) {
            g[i] = gain[i];
        }
        Program prog = new Program("rmsnorm");
        int xa = prog.load(int32(x));
        int e = prog.load(new long[] {eps});
        int ga = prog.load(g);
        int rho = prog.alloc(2);
        int y = prog.alloc(n);
        prog.cmd(VectorMachine.RMS, rho, xa, e, n, mult, LlamaVectorProgram.SQUARE_SHIFT);
        prog.cmd(VectorMachine.NORM, y, xa, rho, n, 0, normShift);
        prog.cmd(VectorMachine.MUL, y, y, ga, n, 0, gainShift);
        QVec got = quant(prog, y, n, gainShift - LlamaVectorProgram.NORMED_FRAC - gainFrac);
        check(got, ref.rmsnorm(x, fx, gain, gainFrac));
        return got;
    }

    @Override
    public void rope(long[] v, int from, int len, int headSize, int pos) {
        long[] want = v.clone();
        ref.rope(want, from, len, headSize, pos);
        Program prog = new Program("rope");
        int a = prog.load(Arrays.copyOfRange(v, from, from + len));
        int b = prog.load(ref.ropeRow(pos, len));
        prog.cmd(VectorMachine.ROPE, a, a, b, len, 0, LlamaVectorProgram.ROPE_FRAC);
        int out = prog.store(a, len);
        prog.run();
        System.arraycopy(prog.read(out, len), 0, v, from, len);
        check(Arrays.equals(v, want));
    }

    @Override
    public long[] softmax(long[] s, int n, int exp) {
        long[] want = ref.softmax(s, n, exp); // also checks the exponent's range
        int shift = -(exp + 2);
        Program prog = new Program("softmax");
        int a = prog.load(Arrays.copyOf(s, n));
        int max = prog.alloc(2);
        int sum = prog.alloc(2);
        prog.cmd(VectorMachine.MAX, max, a, 0, n, 0, 0);
        prog.cmd(VectorMachine.EXP, a, a, max, n, VectorReference.LOG2E_Q14, shift);
        prog.cmd(VectorMachine.SUM, sum, a, 0, n, 0, 0);
        prog.cmd(VectorMachine.NORM, a, a, sum, n, 0, 31);
        int out = prog.store(a, n);
        prog.run();
        long[] got = prog.read(out, n);
        check(Arrays.equals(got, want));
        return got;
    }

    @Override
    public QVec siluMul(Wide a, Wide b) {
        QVec want = ref.siluMul(a, b); // also checks a's fraction bits
        int frac = -a.exp();
        int shift = Math.min(63, Math.max(0, frac - b.exp() - LlamaVectorProgram.HIDDEN_FRAC));
        int n = a.v().length;
        Program prog = new Program("siluMul");
        int aa = prog.load(a.v());
        int ba = prog.load(b.v());
        prog.cmd(VectorMachine.SILU, aa, aa, 0, n, 0, frac);
        prog.cmd(VectorMachine.MUL, aa, aa, ba, n, 0, shift);
        QVec got = quant(prog, aa, n, a.exp() + b.exp() + shift);
        check(got, want);
        return got;
    }

    @Override
    public void addResidual(int[] x, int fx, Wide y) {
        int[] want = x.clone();
        ref.addResidual(want, fx, y); // also checks y's exponent
        int s = -(y.exp() + fx);
        int n = x.length;
        Program prog = new Program("addResidual");
        int xa = prog.load(int32(x));
        int ya = prog.load(y.v());
        prog.cmd(VectorMachine.SCALE, ya, ya, 0, n, s >= 0 ? 1 : 1 << -s, Math.max(0, s));
        prog.cmd(VectorMachine.ADD, xa, xa, ya, n, 1, 0);
        int out = prog.store(xa, n);
        prog.run();
        long[] got = prog.read(out, n);
        for (int i = 0; i < n; i++) {
            x[i] = (int) got[i];
        }
        check(Arrays.equals(x, want));
    }

    @Override
    public int argmax(long[] v) {
        Program prog = new Program("argmax");
        int a = prog.load(v);
        int t = prog.cmd(VectorMachine.MAX, prog.alloc(2), a, 0, v.length, 0, 0);
        prog.run();
        int got = prog.index(t);
        check(got == ref.argmax(v) && prog.value(t) == LlamaVectorOps.sat32(v[got]));
        return got;
    }
}
