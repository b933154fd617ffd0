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
import org.chiltepin.verif.golden.LlamaVectorOps.Scaled;
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
 * word); the host reads them back and repacks them as the next GEMV's operand ({@link ChipMatVec})
 * or the p·V GEMM's ({@link ChipKvRows}) — counted as {@link Stats#repackBytes}.
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
    /** Chained programs (one per chained operation) or one program per single operation. */
    private final boolean chain;
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
        /** int8 results the host re-lays into another operand's layout (the p·V GEMM's A words). */
        public long repackBytes;
        /** int8 results stored in their consumer's layout (GEMV A words, K/V rows), copied by the host as words. */
        public long operandBytes;
        /** Vector commands per model operation (rmsnorm, rope, …). */
        public final Map<String, Long> commandsPerOp = new TreeMap<>();
        /** Chip cycles per model operation (co-simulated chip only). */
        public final Map<String, Long> cyclesPerOp = new TreeMap<>();
        /**
         * Per command kind (LOAD, STORE, MUL, …): {commands, cycles}, a command's cycles being the
         * time from the previous DONE (the program's start for the first) to its own — the tile
         * serves one command at a time, so this is its service time plus any wait for its CMD.
         */
        public final Map<String, long[]> perKind = new TreeMap<>();

        void add(Stats s) {
            programs += s.programs;
            commands += s.commands;
            cycles += s.cycles;
            bytesRead += s.bytesRead;
            bytesWritten += s.bytesWritten;
            mismatches += s.mismatches;
            repackBytes += s.repackBytes;
            operandBytes += s.operandBytes;
            s.commandsPerOp.forEach((k, v) -> commandsPerOp.merge(k, v, Long::sum));
            s.cyclesPerOp.forEach((k, v) -> cyclesPerOp.merge(k, v, Long::sum));
            s.perKind.forEach((k, v) -> {
                long[] t = perKind.computeIfAbsent(k, x -> new long[2]);
                t[0] += v[0];
                t[1] += v[1];
            });
        }

        /** Where the cycles went, per {@code n} tokens: per operation, then per command kind (commands/cycles). */
        public String breakdown(int n) {
            StringBuilder b = new StringBuilder("cycles per token by operation:");
            cyclesPerOp.forEach((k, v) -> b.append(' ').append(k).append(' ').append(v / n));
            b.append("; by command (commands/cycles):");
            perKind.forEach((k, v) -> b.append(' ').append(k).append(' ').append(v[0] / n).append('/').append(v[1] / n));
            return b.toString();
        }
    }

    /** The operations on {@code chip}'s vector tile, checked against {@code ref} (the model's RoPE table), chained. */
    public ChipVectorOps(ChipRunner chip, LlamaVectorProgram ref) {
        this(chip, ref, true);
    }

    /**
     * As above; with {@code chain} false every chained operation runs as its single operations,
     * one program each (the figures before chaining, docs/llm.md §6.4).
     */
    public ChipVectorOps(ChipRunner chip, LlamaVectorProgram ref, boolean chain) {
        this.chip = chip;
        this.chain = chain;
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

    /**
     * One chip program under construction: its memory image, scratchpad and memory allocation,
     * commands. Operands from the host are <em>staged</em>: laid out together at the bottom of the
     * scratchpad, each from a row start, and moved by one LOAD, the program's first command (a
     * command costs a round trip through the control tile, a LOAD a memory round trip per READ);
     * the commands' own results take room from the top down.
     */
    private final class Program {
        final String op;
        final Map<Integer, Long> writes = new HashMap<>();
        final List<HostCommand> commands = new ArrayList<>();
        /** Staged operands, by scratchpad word. */
        final Map<Integer, long[]> stagedValues = new HashMap<>();
        /** Scratchpad words [0, staged) hold staged operands; [work, words) the commands' results. */
        int staged;
        int work = words;
        int mem;
        /** 1 when the program has no staged LOAD (command i is then response i − 1). */
        int first;
        /** Operands LOADed where they are needed instead of staged (parts of a program reuse the scratchpad). */
        boolean immediate;
        ChipRunner.Result result;

        Program(String op) {
            this.op = op;
            commands.add(null); // the staged LOAD, written by run()
        }

        /** Scratchpad room for {@code len} elements, from a row start. */
        int alloc(int len) {
            work -= rowWords(len, lanes);
            room();
            return work;
        }

        private void room() {
            if (staged > work) {
                throw new NoRoom(op + ": needs more than the vector unit's " + words + " scratchpad words");
            }
        }

        private int memAlloc(int len, int pack) {
            int at = mem;
            mem += (int) p.vector().moveWords(len, pack);
            if (mem > MEM_WORDS) {
                throw new NoRoom(op + ": needs more than the " + MEM_WORDS + " memory words of its window");
            }
            return MEM_BASE + at;
        }

        /** Index of the command in the program. */
        int cmd(int op, int dst, int srcA, int srcB, int len, int mult, int shift) {
            commands.add(new HostCommand(node, 0, new Command(op, 0, commands.size() & 0xFF, dst, srcA, srcB, len, mult, shift)));
            return commands.size() - 1;
        }

        /** Writes {@code v} (int32, saturated) into memory and LOADs it into {@code dst}. */
        void loadTo(int dst, long[] v) {
            int a = memAlloc(v.length, VectorMachine.PACK_INT32);
            for (int i = 0; i < v.length; i++) {
                long e = LlamaVectorOps.sat32(v[i]) & 0xFFFFFFFFL;
                writes.merge(a + i / 2, e << (32 * (i % 2)), (x, y) -> x | y);
            }
            commands.add(new HostCommand(node, a, new Command(VectorMachine.LOAD, 0, commands.size() & 0xFF, dst, 0, 0,
                    v.length, 0, 0)));
        }

        /** Stages {@code v} (int32, saturated) for the program's first LOAD; returns its scratchpad word. */
        int load(long[] v) {
            if (immediate) {
                int at = alloc(v.length);
                loadTo(at, v);
                return at;
            }
            int at = staged;
            staged += rowWords(v.length, lanes);
            room();
            stagedValues.put(at, v);
            return at;
        }

        /** STOREs {@code len} elements from {@code src} as int32 pairs; returns the memory word they go to. */
        int store(int src, int len) {
            return store(src, len, VectorMachine.PACK_INT32);
        }

        /** STOREs {@code len} elements from {@code src} in layout {@code pack} (docs/chip.md §3.3). */
        int store(int src, int len, int pack) {
            int a = memAlloc(len, pack);
            commands.add(new HostCommand(node, a, new Command(VectorMachine.STORE, 0, commands.size() & 0xFF, 0, src, 0,
                    len, 0, 0, pack)));
            return a;
        }

        /**
         * The scaled vector {@code s} in the scratchpad: its values LOADed, then {@link #rescaleAt};
         * returns where the result is.
         */
        int scaled(Scaled s) {
            return scaled(new Scaled[] {s})[0];
        }

        /**
         * Several scaled vectors staged one after the other (each from a row start) and rescaled
         * by the same commands (the gaps' multipliers are zero); returns where each one is.
         */
        int[] scaled(Scaled[] parts) {
            short[][] mult = new short[parts.length][];
            int[][] shift = new int[parts.length][];
            for (int i = 0; i < parts.length; i++) {
                mult[i] = parts[i].mult();
                shift[i] = parts[i].shift();
            }
            Joined j = Joined.of(lanes, mult, shift);
            long[] acc = new long[j.mult().length];
            int[] at = new int[parts.length];
            for (int i = 0, o = 0; i < parts.length; o += j.rows()[i], i++) {
                System.arraycopy(parts[i].acc(), 0, acc, o, parts[i].acc().length);
                at[i] = o;
            }
            int a = rescaleAt(load(acc), acc.length, j.mult(), j.shift());
            for (int i = 0; i < at.length; i++) {
                at[i] += a;
            }
            return at;
        }

        /**
         * The per-element scaling of the {@code n} values at {@code a}: one MUL per distinct shift
         * (the multipliers of the other elements zero), the partial results summed by ADD; returns
         * where the result is ({@code a} itself when there is one shift).
         */
        int rescaleAt(int a, int n, short[] mult, int[] shift) {
            TreeMap<Integer, long[]> groups = groups(mult, shift);
            int acc = groups.size() > 1 ? alloc(n) : a;
            int tmp = groups.size() > 1 ? alloc(n) : a;
            boolean first = true;
            for (Map.Entry<Integer, long[]> g : groups.entrySet()) {
                int b = load(g.getValue());
                cmd(VectorMachine.MUL, first ? acc : tmp, a, b, n, 0, g.getKey());
                if (!first) {
                    cmd(VectorMachine.ADD, acc, acc, tmp, n, 1, 0);
                }
                first = false;
            }
            return acc;
        }

        /** QUANT of the {@code len} values at {@code src} (real exponent {@code exp}), STOREd in layout {@code pack}. */
        Quant quant(int src, int len, int exp, int pack) {
            int dst = alloc(len);
            int scale = alloc(1);
            int t = cmd(VectorMachine.QUANT, dst, src, scale, len, 0, 0);
            return new Quant(this, t, store(dst, len, pack), len, exp, pack);
        }

        /** The int8 values a packing STORE (or an int32 one) put at {@code memAddr}. */
        byte[] readBytes(int memAddr, int len, int pack) {
            byte[] b = new byte[len];
            int per = Math.min(8, lanes);
            for (int i = 0; i < len; i++) {
                b[i] = switch (pack) {
                    case VectorMachine.PACK_A -> (byte) result.memory()[memAddr + i];
                    case VectorMachine.PACK_BYTES -> (byte) (result.memory()[memAddr + i / per] >>> (8 * (i % per)));
                    default -> (byte) (result.memory()[memAddr + i / 2] >>> (32 * (i % 2)));
                };
            }
            return b;
        }

        void run() {
            if (staged > 0) {
                int a = memAlloc(staged, VectorMachine.PACK_INT32);
                for (int w = 0; w < (staged + 1) / 2; w++) {
                    writes.put(a + w, 0L);
                }
                stagedValues.forEach((at, v) -> {
                    for (int i = 0; i < v.length; i++) {
                        long e = LlamaVectorOps.sat32(v[i]) & 0xFFFFFFFFL;
                        writes.merge(a + (at + i) / 2, e << (32 * ((at + i) % 2)), (x, y) -> x | y);
                    }
                });
                commands.set(0, new HostCommand(node, a, new Command(VectorMachine.LOAD, 0, 0, 0, 0, 0, staged, 0, 0)));
            } else {
                commands.remove(0);
                first = 1;
            }
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
            s.cyclesPerOp.put(op, result.cycles());
            long[] at = result.doneAt();
            for (int i = 0; i < commands.size(); i++) {
                long[] k = s.perKind.computeIfAbsent(VectorMachine.name(commands.get(i).vec().op()), x -> new long[2]);
                k[0]++;
                k[1] += i < at.length ? at[i] - (i == 0 ? 0 : at[i - 1]) : 0;
            }
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
            return (int) result.responses().get(i - first).value();
        }

        /** The 16-bit index of command {@code i}'s DONE. */
        int index(int i) {
            return (int) (result.responses().get(i - first).value() >>> 32 & 0xFFFF);
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

    /** A QUANT's result in a program, read after the program ran: its int8 values and scale word. */
    private record Quant(Program prog, int cmd, int mem, int len, int exp, int pack) {
        QVec get() {
            return quantized(prog.readBytes(mem, len, pack), prog.value(cmd), exp);
        }
    }

    /** Scratchpad words of {@code len} elements from a row start: whole rows of {@code lanes}. */
    private static int rowWords(int len, int lanes) {
        return (len + lanes - 1) / lanes * lanes;
    }

    /** A QUANT's int8 values with its DONE value (d·2^16 + mant): scale mant·2^(exp + d). */
    private static QVec quantized(byte[] q, long done, int exp) {
        return new QVec(q, (int) Math.floorMod(done, 65536L), exp + (int) Math.floorDiv(done, 65536L));
    }

    /** Room a chained program needs beyond the scratchpad or its memory window: it runs unchained then. */
    private static final class NoRoom extends IllegalStateException {
        NoRoom(String message) {
            super(message);
        }
    }

    /**
     * The MUL groups of a rescale: one multiplier vector per group of shifts; a negative shift
     * goes into the multiplier. Shifts join the group of a larger shift S when their multipliers
     * times 2^(S − s) stay within int32: round(a·m·2^d / 2^(s+d)) = round(a·m / 2^s) exactly (the
     * int32 × int32 product cannot overflow the unit's 64 bits), so one MUL does them all.
     */
    private static TreeMap<Integer, long[]> groups(short[] mult, int[] shift) {
        int n = mult.length;
        TreeMap<Integer, long[]> byShift = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            int s = Math.min(63, Math.max(0, shift[i]));
            long m = shift[i] >= 0 ? mult[i] : (long) mult[i] << Math.min(32, -shift[i]);
            if (m != LlamaVectorOps.sat32(m)) {
                throw new IllegalArgumentException("shift: a left shift of " + -shift[i] + " takes multiplier " + mult[i]
                        + " past int32");
            }
            byShift.computeIfAbsent(s, x -> new long[n])[i] = m;
        }
        TreeMap<Integer, long[]> groups = new TreeMap<>();
        int top = -1;
        for (Map.Entry<Integer, long[]> e : byShift.descendingMap().entrySet()) {
            long[] g = top < 0 ? null : groups.get(top);
            int d = top - e.getKey();
            boolean fits = g != null && d < 32;
            for (int i = 0; fits && i < n; i++) {
                long m = e.getValue()[i] << d;
                fits = m == LlamaVectorOps.sat32(m);
            }
            if (fits) {
                for (int i = 0; i < n; i++) {
                    g[i] += e.getValue()[i] << d;
                }
            } else {
                top = e.getKey();
                groups.put(top, e.getValue());
            }
        }
        return groups;
    }

    /** Counts int8 bytes the host re-lays into another operand's layout. */
    private void repacked(long bytes) {
        token.repackBytes += bytes;
        total.repackBytes += bytes;
    }

    /** Counts int8 bytes stored in their consumer's operand layout (copied as words, not repacked). */
    private void operand(long bytes) {
        token.operandBytes += bytes;
        total.operandBytes += bytes;
    }

    /** QUANT of the vector at {@code src}, then STORE (eight a word); runs the program. */
    private QVec quant(Program prog, int src, int len, int exp) {
        Quant q = prog.quant(src, len, exp, VectorMachine.PACK_BYTES);
        prog.run();
        return q.get();
    }

    private void check(QVec chipQ, QVec want) {
        check(same(chipQ, want));
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
        TreeMap<Integer, long[]> groups = groups(mult, shift);
        Program prog = new Program("rescale");
        int chunk = Math.max(lanes, Math.min(n, words / (groups.size() > 1 ? 4 : 2) / lanes * lanes));
        List<int[]> outs = new ArrayList<>();
        for (int c0 = 0; c0 < n; c0 += chunk) {
            int len = Math.min(chunk, n - c0);
            prog.work = words; // each chunk reuses the scratchpad, LOADed when its turn comes
            int a = prog.alloc(len);
            prog.loadTo(a, Arrays.copyOfRange(v, c0, c0 + len));
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
        Program prog = new Program("rmsnorm");
        return finish(prog, norm(prog, prog.load(int32(x)), x.length, fx, gain, gainFrac), ref.rmsnorm(x, fx, gain, gainFrac));
    }

    /**
     * RMSNorm's commands on the {@code n} values of x at {@code xa} (x unchanged): RMS, NORM, MUL
     * by the gain (LOADed), QUANT, STORE of the int8 result as a GEMV's A words (pack 1).
     */
    private Quant norm(Program prog, int xa, int n, int fx, short[] gain, int gainFrac) {
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
        int e = prog.load(new long[] {eps});
        int ga = prog.load(g);
        int rho = prog.alloc(2);
        int y = prog.alloc(n);
        prog.cmd(VectorMachine.RMS, rho, xa, e, n, mult, LlamaVectorProgram.SQUARE_SHIFT);
        prog.cmd(VectorMachine.NORM, y, xa, rho, n, 0, normShift);
        prog.cmd(VectorMachine.MUL, y, y, ga, n, 0, gainShift);
        return prog.quant(y, n, gainShift - LlamaVectorProgram.NORMED_FRAC - gainFrac, VectorMachine.PACK_A);
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

    // ---------------- chained programs (docs/llm.md §6.4): one program each, intermediates in the scratchpad

    @Override
    public QVec embedNorm(int[] x, Scaled e, int fx, short[] gain, int gainFrac) {
        if (!chain) {
            return LlamaVectorOps.super.embedNorm(x, e, fx, gain, gainFrac);
        }
        int[] wantX = x.clone();
        QVec want = ref.embedNorm(wantX, e, fx, gain, gainFrac);
        int n = x.length;
        Program prog = new Program("embedNorm");
        int xa = prog.scaled(e);
        return storeAndNorm(prog, xa, x, fx, gain, gainFrac, wantX, want);
    }

    /**
     * The residual add and the RMSNorm of its result as one program: LOAD x and the GEMM's int32
     * sums, their rescale, SCALE into x's format, ADD, STORE x (the host keeps the residual
     * stream), RMSNorm, QUANT, STORE the GEMV operand (A words).
     */
    @Override
    public QVec addNorm(int[] x, int fx, Scaled y, short[] gain, int gainFrac) {
        if (!chain) {
            return LlamaVectorOps.super.addNorm(x, fx, y, gain, gainFrac);
        }
        int[] wantX = x.clone();
        QVec want = ref.addNorm(wantX, fx, y, gain, gainFrac); // also checks y's exponent
        int s = -(y.exp() + fx);
        int n = x.length;
        Program prog = new Program("addNorm");
        int xa = prog.load(int32(x));
        int ya = prog.scaled(y);
        prog.cmd(VectorMachine.SCALE, ya, ya, 0, n, s >= 0 ? 1 : 1 << -s, Math.max(0, s));
        prog.cmd(VectorMachine.ADD, xa, xa, ya, n, 1, 0);
        return storeAndNorm(prog, xa, x, fx, gain, gainFrac, wantX, want);
    }

    /**
     * The end of a program that computed the residual stream x at {@code xa}: STORE x (the host
     * keeps it), RMSNorm to a GEMV operand; runs it, updates {@code x}, checks both results.
     */
    private QVec storeAndNorm(Program prog, int xa, int[] x, int fx, short[] gain, int gainFrac, int[] wantX, QVec want) {
        int xo = prog.store(xa, x.length);
        Quant q = norm(prog, xa, x.length, fx, gain, gainFrac);
        prog.run();
        long[] v = prog.read(xo, x.length);
        for (int i = 0; i < x.length; i++) {
            x[i] = (int) v[i];
        }
        QVec got = q.get();
        operand(x.length);
        check(Arrays.equals(x, wantX) && same(got, want));
        return got;
    }

    /**
     * Q, K and V as one program: LOAD the three GEMMs' int32 sums and rescale them, LOAD the
     * position's cos/sin row, ROPE q and k, QUANT every head, STORE q, k and v eight int8 a word
     * (a K or V head is one KV row). Heads that do not start on a row run unchained.
     */
    @Override
    public QVec[] qkvHeads(Scaled q, Scaled k, Scaled v, int headSize, int pos) {
        int ql = q.acc().length;
        int kl = k.acc().length;
        if (!chain || headSize % lanes != 0) {
            return LlamaVectorOps.super.qkvHeads(q, k, v, headSize, pos);
        }
        QVec[] want = ref.qkvHeads(q, k, v, headSize, pos);
        // q, k and v lie one after the other (heads are whole rows): one rescale, one ROPE of q and k,
        // a QUANT per head into one result vector, one STORE
        Program prog = new Program("qkvHeads");
        int qa = prog.scaled(new Scaled[] {q, k, v})[0];
        int rb = prog.load(ref.ropeRow(pos, ql + kl));
        prog.cmd(VectorMachine.ROPE, qa, qa, rb, ql + kl, 0, LlamaVectorProgram.ROPE_FRAC);
        int nq = ql / headSize;
        int nk = kl / headSize;
        int[] len = {ql, kl, kl};
        int[] exp = {q.exp(), k.exp(), v.exp()};
        int d = prog.alloc(ql + 2 * kl);
        int scale = prog.alloc(1);
        int[] cmds = new int[nq + 2 * nk];
        for (int h = 0; h < cmds.length; h++) {
            cmds[h] = prog.cmd(VectorMachine.QUANT, d + h * headSize, qa + h * headSize, scale, headSize, 0, 0);
        }
        int out = prog.store(d, ql + 2 * kl, VectorMachine.PACK_BYTES);
        prog.run();
        QVec[] got = new QVec[nq + 2 * nk];
        int head = 0;
        int per = Math.min(8, lanes);
        for (int part = 0, from = 0; part < 3; from += len[part], part++) {
            byte[] b = prog.readBytes(out + from / per, len[part], VectorMachine.PACK_BYTES);
            for (int h = 0; h < len[part] / headSize; h++) {
                got[head] = quantized(Arrays.copyOfRange(b, h * headSize, (h + 1) * headSize), prog.value(cmds[head]),
                        exp[part]);
                head++;
            }
        }
        operand(2L * kl); // the K and V rows, in the KV tile's row layout
        boolean equal = true;
        for (int i = 0; i < got.length; i++) {
            equal &= same(got[i], want[i]);
        }
        check(equal);
        return got;
    }

    /**
     * Every head's probabilities as one program: the heads' scores (each from a row start) and
     * their multipliers in the staged LOAD, one rescale for all heads; per head MAX, EXP, SUM,
     * NORM (softmax); one rescale of all heads by the value rows' scales; per head QUANT (over
     * its whole rows: the zeros past its scores change neither its scale nor its values); one
     * STORE eight a word. At long positions the heads go in groups that fit the scratchpad, each
     * with its own LOADs and STORE (half the heads, a quarter, …); unchained when one head does
     * not fit.
     */
    @Override
    public QVec[] attend(Scaled[] scores, short[][] pMult, int[][] pShift) {
        if (!chain) {
            return LlamaVectorOps.super.attend(scores, pMult, pShift);
        }
        QVec[] want = ref.attend(scores, pMult, pShift); // also checks the exponents' range
        for (int group = scores.length; ; group = (group + 1) / 2) {
            try {
                return attend(scores, pMult, pShift, group, want);
            } catch (NoRoom e) {
                if (group == 1) {
                    return LlamaVectorOps.super.attend(scores, pMult, pShift);
                }
            }
        }
    }

    /** {@link #attend} with {@code group} heads at a time in the scratchpad. */
    private QVec[] attend(Scaled[] scores, short[][] pMult, int[][] pShift, int group, QVec[] want) {
        int heads = scores.length;
        Program prog = new Program("attend");
        prog.immediate = group < heads;
        int[] cmds = new int[heads];
        int[] outs = new int[heads];
        int per = Math.min(8, lanes);
        for (int h0 = 0; h0 < heads; h0 += group) {
            int h1 = Math.min(heads, h0 + group);
            prog.work = words; // a group's commands run after the previous group's STORE
            int[] at = prog.scaled(Arrays.copyOfRange(scores, h0, h1));
            int max = prog.alloc(2);
            int sum = prog.alloc(2);
            for (int h = h0; h < h1; h++) {
                int n = scores[h].acc().length;
                int a = at[h - h0];
                prog.cmd(VectorMachine.MAX, max, a, 0, n, 0, 0);
                prog.cmd(VectorMachine.EXP, a, a, max, n, VectorReference.LOG2E_Q14, -(scores[h].exp() + 2));
                prog.cmd(VectorMachine.SUM, sum, a, 0, n, 0, 0);
                prog.cmd(VectorMachine.NORM, a, a, sum, n, 0, 31);
            }
            Joined j = Joined.of(lanes, Arrays.copyOfRange(pMult, h0, h1), Arrays.copyOfRange(pShift, h0, h1));
            int w = prog.rescaleAt(at[0], j.mult().length, j.mult(), j.shift());
            int d = prog.alloc(j.mult().length);
            int scale = prog.alloc(1);
            for (int h = h0; h < h1; h++) {
                int o = at[h - h0] - at[0];
                cmds[h] = prog.cmd(VectorMachine.QUANT, d + o, w + o, scale, j.rows()[h - h0], 0, 0);
            }
            int out = prog.store(d, j.mult().length, VectorMachine.PACK_BYTES);
            for (int h = h0; h < h1; h++) {
                outs[h] = out + (at[h - h0] - at[0]) / per;
            }
        }
        prog.run();
        QVec[] got = new QVec[heads];
        boolean equal = true;
        for (int h = 0; h < heads; h++) {
            got[h] = quantized(prog.readBytes(outs[h], scores[h].acc().length, VectorMachine.PACK_BYTES),
                    prog.value(cmds[h]), -15);
            repacked(got[h].q().length); // into the p·V GEMM's A words (lane h)
            equal &= same(got[h], want[h]);
        }
        check(equal);
        return got;
    }

    /**
     * Per-element multipliers and shifts of vectors laid one after the other, each from a row
     * start: in the gaps multiplier 0 and the vector's last shift (no MUL of its own).
     */
    private record Joined(short[] mult, int[] shift, int[] rows) {
        static Joined of(int lanes, short[][] mult, int[][] shift) {
            int[] rows = new int[mult.length];
            int n = 0;
            for (int i = 0; i < mult.length; i++) {
                rows[i] = rowWords(mult[i].length, lanes);
                n += rows[i];
            }
            short[] m = new short[n];
            int[] s = new int[n];
            int o = 0;
            for (int i = 0; i < mult.length; i++) {
                int len = mult[i].length;
                System.arraycopy(mult[i], 0, m, o, len);
                System.arraycopy(shift[i], 0, s, o, len);
                Arrays.fill(s, o + len, o + rows[i], len > 0 ? shift[i][len - 1] : 0);
                o += rows[i];
            }
            return new Joined(m, s, rows);
        }
    }

    /** The heads' outputs aligned and quantized as one program; the result as the output GEMV's A words. */
    @Override
    public QVec quantize(Scaled v) {
        if (!chain) {
            return LlamaVectorOps.super.quantize(v);
        }
        QVec want = ref.quantize(v);
        Program prog = new Program("quantize");
        Quant q = prog.quant(prog.scaled(v), v.acc().length, v.exp(), VectorMachine.PACK_A);
        return finish(prog, q, want);
    }

    /** W1's and W3's sums rescaled, SILU, MUL, QUANT as one program; the result as W2's A words. */
    @Override
    public QVec siluMul(Scaled a, Scaled b) {
        if (!chain) {
            return LlamaVectorOps.super.siluMul(a, b);
        }
        QVec want = ref.siluMul(a, b); // also checks a's fraction bits
        int frac = -a.exp();
        int shift = Math.min(63, Math.max(0, frac - b.exp() - LlamaVectorProgram.HIDDEN_FRAC));
        int n = a.acc().length;
        Program prog = new Program("siluMul");
        int aa = prog.scaled(a);
        int ba = prog.scaled(b);
        prog.cmd(VectorMachine.SILU, aa, aa, 0, n, 0, frac);
        prog.cmd(VectorMachine.MUL, aa, aa, ba, n, 0, shift);
        Quant q = prog.quant(aa, n, a.exp() + b.exp() + shift, VectorMachine.PACK_A);
        return finish(prog, q, want);
    }

    /** The classifier's rescale and MAX as one program: the argmax comes back in the DONE, no logits stored. */
    @Override
    public int argmax(Scaled v) {
        if (!chain) {
            return LlamaVectorOps.super.argmax(v);
        }
        int want = ref.argmax(v);
        Program prog = new Program("argmax");
        int t;
        try {
            int a = prog.scaled(v);
            // MAX writes its two words over its own source (a reduction reads all before it writes):
            // the vocabulary's 512 logits and their multipliers fill the 1024-word scratchpad
            t = prog.cmd(VectorMachine.MAX, a, a, 0, v.acc().length, 0, 0);
        } catch (NoRoom e) {
            return LlamaVectorOps.super.argmax(v);
        }
        prog.run();
        int got = prog.index(t);
        check(got == want);
        return got;
    }

    /** Runs a program that ends with a GEMV operand's QUANT: its result, counted and checked against {@code want}. */
    private QVec finish(Program prog, Quant q, QVec want) {
        prog.run();
        QVec got = q.get();
        operand(got.q().length);
        check(same(got, want));
        return got;
    }

    private static boolean same(QVec a, QVec b) {
        return Arrays.equals(a.q(), b.q()) && a.mant() == b.mant() && a.exp() == b.exp();
    }
}
