package org.chiltepin.verif.runtime;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaIntReference;
import org.chiltepin.verif.golden.LlamaVectorProgram;
import org.chiltepin.verif.llm.LlamaConfig;
import org.chiltepin.verif.llm.LlamaEngine;

/**
 * The integer model on the co-simulated chip: its weight GEMMs (Q, K, V, output, W1, W3, W2,
 * classifier) on the GEMM tiles ({@link ChipMatVec}); its vector operations — RMSNorm, RoPE,
 * quantization, softmax, SiLU·b, residuals, the per-channel rescales, argmax — on the vector tile
 * ({@link ChipVectorOps}, each result checked against {@link LlamaVectorProgram}); the K and V
 * rows in the KV tile, the attention scores q·Kᵀ (B = the gathered K rows, loaded transposed) and the
 * weighted values p·V (B = the V rows from the KV tile) on a GEMM tile ({@link ChipKvRows}). The integer golden model runs
 * alongside, so every token's id is compared with the golden model's.
 */
public final class ChipLlama implements LlamaEngine {
    /** Bytes the external-memory model moves per cycle (one 8-byte beat, unlimited bandwidth setting). */
    public static final int PORT_BYTES_PER_CYCLE = 8;

    private final LlamaIntReference chip;
    private final LlamaIntReference golden;
    private final ChipMatVec gemv;
    private final ChipVectorOps vector;
    private final ChipKvRows kv;
    private final String chipName;
    private final List<Token> tokens = new ArrayList<>();
    /** Host wall clock (ns) of the weight-GEMV programs, the session's programs, the golden model, whole steps. */
    private long gemvNanos;
    private long sessionNanos;
    private long goldenNanos;
    private long stepNanos;
    private long cpuNanos;

    /** One position's figures. */
    public record Token(int pos, int chipId, int goldenId, ChipMatVec.Stats stats, ChipVectorOps.Stats vector,
            ChipKvRows.Figures kv) {
        public boolean matches() {
            return chipId == goldenId && stats.mismatches == 0 && vector.mismatches == 0 && kv.mismatches() == 0;
        }
    }

    /**
     * The model on {@code config}'s chip ({@code compile} builds its simulation on the first GEMV);
     * a {@link org.chiltepin.hw.ConfigException} naming {@code --chip} when a weight matrix does
     * not fit its external memory.
     */
    public ChipLlama(LlamaInt8Weights weights, ChipConfig config, Supplier<ChipHarness> compile, String chipName) {
        LlamaConfig c = weights.config;
        Supplier<ChipHarness> shared = ChipRunner.once(compile);
        gemv = new ChipMatVec(config, shared);
        golden = new LlamaIntReference(weights, new LlamaVectorProgram(c.seqLen(), c.headSize()));
        this.chipName = chipName;
        for (int l = 0; l < c.nLayers(); l++) {
            for (LlamaInt8Weights.QMatrix m : List.of(weights.wq[l], weights.wk[l], weights.wv[l], weights.wo[l],
                    weights.w1[l], weights.w2[l], weights.w3[l])) {
                gemv.requireFits(m, chipName);
            }
            gemv.group(weights.wq[l], weights.wk[l], weights.wv[l]);
            gemv.group(weights.w1[l], weights.w3[l]);
        }
        gemv.requireFits(weights.classifier, chipName);
        if (!config.hasVector()) {
            throw new ConfigException("--chip", "must have a vector tile (the model's vector operations run there)",
                    chipName);
        }
        ChipRunner session = timed(ChipRunner.sim(config, shared));
        // -Dchiltepin.vector.chain=false: one vector program per single operation (the figures before chaining)
        vector = new ChipVectorOps(session, new LlamaVectorProgram(c.seqLen(), c.headSize()),
                Boolean.parseBoolean(System.getProperty("chiltepin.vector.chain", "true")));
        kv = new ChipKvRows(session, c, chipName);
        chip = new LlamaIntReference(weights, vector, (m, x) -> {
            long t0 = System.nanoTime();
            long[] y = gemv.multiply(m, x);
            gemvNanos += System.nanoTime() - t0;
            return y;
        }, kv);
    }

    /** {@code runner} with the wall clock of its programs counted in {@link #sessionNanos}. */
    private ChipRunner timed(ChipRunner runner) {
        return new ChipRunner() {
            @Override
            public ChipReference.Params params() {
                return runner.params();
            }

            @Override
            public Result run(java.util.Map<Integer, Long> writes, List<List<ChipReference.HostCommand>> phases) {
                long t0 = System.nanoTime();
                try {
                    return runner.run(writes, phases);
                } finally {
                    sessionNanos += System.nanoTime() - t0;
                }
            }
        };
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public LlamaConfig config() {
        return chip.config();
    }

    @Override
    public int step(int token, int pos) {
        gemv.nextToken();
        vector.nextToken();
        ChipKvRows.Figures before = kv.figures();
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        int id = chip.step(token, pos);
        long t1 = System.nanoTime();
        int want = golden.step(token, pos);
        long t2 = System.nanoTime();
        goldenNanos += t2 - t1;
        stepNanos += t2 - t0;
        cpuNanos += processCpuNanos() - cpu0;
        tokens.add(new Token(pos, id, want, gemv.token(), vector.token(), kv.figures().minus(before)));
        return id;
    }

    /**
     * Checks that the chip's KV tile holds {@code positions} positions of the model; a
     * {@link ConfigException} naming {@code --steps} otherwise (before anything is built).
     */
    public void requirePositions(int positions) {
        if (positions > kv.capacity()) {
            throw new ConfigException("--steps", "must be at most " + kv.capacity() + ": chip '" + chipName
                    + "' holds the K/V rows of that many positions of this model in its KV tile (docs/llm.md §6.4)",
                    positions);
        }
    }

    public List<Token> tokens() {
        return tokens;
    }

    /**
     * True when every position's id, every GEMV's int32 result, every vector-tile result, every
     * gathered K row and every p·V sum equal the golden model's.
     */
    public boolean matches() {
        return tokens.stream().allMatch(Token::matches);
    }

    @Override
    public void report(PrintWriter o) {
        o.printf("  chip        %s, %d GEMM tiles; weight GEMVs on the GEMM tiles (co-simulated RTL)%n", chipName,
                ChipHarness.params(gemv.config()).gemmNodes().size());
        vectorReport(o);
        o.println("  pos  id(chip) id(golden)  GEMM cycles  port bytes  weight bytes  roofline cycles  attained"
                + "  weight roofline  attained  MAC util");
        for (Token t : tokens) {
            ChipMatVec.Stats s = t.stats;
            long bytes = s.bytesRead + s.bytesWritten;
            long roof = roofline(bytes);
            long weightRoof = roofline(s.weightBytes);
            o.printf("  %3d  %8d %10d  %11d  %10d  %12d  %15d  %7.1f%%  %15d  %7.1f%%  %7.2f%%%n", t.pos, t.chipId,
                    t.goldenId, s.cycles, bytes, s.weightBytes, roof, 100.0 * roof / Math.max(1, s.cycles), weightRoof,
                    100.0 * weightRoof / Math.max(1, s.cycles), 100.0 * utilization(s));
        }
        ChipMatVec.Stats all = gemv.total();
        long bytes = all.bytesRead + all.bytesWritten;
        int n = Math.max(1, tokens.size());
        o.printf("  per token   %.0f GEMM cycles in %.0f chip programs, %.0f memory-port bytes (%.2f× the %d int8"
                + " weight bytes: + activations per tile, int32 results)%n", (double) all.cycles / n,
                (double) all.programs / n, (double) bytes / n, (double) bytes / Math.max(1, all.weightBytes),
                all.weightBytes / n);
        o.printf("  roofline    %.0f cycles/token for the port bytes at %d B/cycle, attained %.1f%%; %.0f for the weight"
                + " bytes alone, attained %.1f%%; MAC utilization %.2f%% (arrays busy %.2f%%)%n",
                (double) bytes / n / PORT_BYTES_PER_CYCLE, PORT_BYTES_PER_CYCLE,
                100.0 * bytes / PORT_BYTES_PER_CYCLE / Math.max(1, all.cycles),
                (double) all.weightBytes / n / PORT_BYTES_PER_CYCLE,
                100.0 * all.weightBytes / PORT_BYTES_PER_CYCLE / Math.max(1, all.cycles), 100.0 * utilization(all),
                100.0 * all.arrayMacs / Math.max(1, peak(all.cycles)));
        o.printf("  ids match the integer golden model: %s%n", matches() ? "yes" : "no");
        wallReport(o);
    }

    /** Where the host's wall clock of a token went (the simulation's cost, not the chip's cycles). */
    private void wallReport(PrintWriter o) {
        double n = Math.max(1, tokens.size()) * 1e9;
        o.printf("  wall clock  %.2f s/token of co-simulation (%.2f s CPU): weight-GEMV programs %.2f s, vector/KV/attention"
                + " programs %.2f s, golden model alongside %.3f s, the rest %.2f s%n", stepNanos / n, cpuNanos / n,
                gemvNanos / n, sessionNanos / n, goldenNanos / n,
                (stepNanos - gemvNanos - sessionNanos - goldenNanos) / n);
    }

    /** CPU time of this process (every thread), or 0 where the JVM does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    /** Which operations ran on the vector tile, its figures per token, and what stayed host-side. */
    private void vectorReport(PrintWriter o) {
        ChipVectorOps.Stats v = vector.total();
        int n = Math.max(1, tokens.size());
        o.printf("  vector ops  on the vector tile (node %d): %s — %.0f programs, %.0f commands, %.0f cycles per token;"
                + " results equal to LlamaVectorProgram: %s (%d mismatches)%n", ChipHarness.params(gemv.config()).vectorNode(),
                String.join(", ", v.commandsPerOp.keySet()), (double) v.programs / n, (double) v.commands / n,
                (double) v.cycles / n, v.mismatches == 0 ? "yes" : "no", v.mismatches);
        o.printf("              %s%n", v.breakdown(n));
        ChipReference.Params p = ChipHarness.params(gemv.config());
        ChipKvRows.Figures k = kv.figures();
        o.printf("  KV tile     node %d: one sequence per layer, %d APPENDs and %d GATHERs (K rows) per token, %.0f cycles"
                + " per token; holds %d positions of this model%n", p.kvNode(), config().nLayers() * config().nKvHeads(),
                config().nLayers(), (double) k.cycles() / n, kv.capacity());
        int node = p.gemmNodes().stream().sorted().findFirst().orElseThrow();
        o.printf("  attention   weighted values p·V on GEMM tile node %d, B = the V rows loaded from the KV tile, READ_ACC"
                + " (%d GEMMs, %.0f cycles per token); K rows, scores and p·V sums equal to the golden model's: %s"
                + " (%d mismatches)%n", node, config().nLayers(), (double) k.gemmCycles() / n,
                k.mismatches() == 0 ? "yes" : "no", k.mismatches());
        o.printf("  scores      q·Kᵀ on GEMM tile node %d, B = the gathered K rows by a transposing LOAD_B, READ_ACC"
                + " (%d GEMMs, %.0f cycles per token, %.0f useful MACs per token)%n", node, config().nLayers(),
                (double) k.scoreCycles() / n, (double) k.scoreMacs() / n);
        o.printf("  host-side   the rows' scales; %.0f int8 bytes/token stored by packing STOREs in their"
                + " consumer's layout (GEMV A words, K/V rows) and copied as words; %.0f int8 bytes/token repacked by the"
                + " host (the probabilities into the p·V GEMM's A words), %d bytes/token of queries written as the scores"
                + " GEMM's A words%n", (double) v.operandBytes / n, (double) v.repackBytes / n,
                (long) config().nLayers() * config().nHeads() * config().headSize());
    }

    /** Cycles the memory port needs for {@code bytes}. */
    private static long roofline(long bytes) {
        return (bytes + PORT_BYTES_PER_CYCLE - 1) / PORT_BYTES_PER_CYCLE;
    }

    private long peak(long cycles) {
        return cycles * gemv.macsPerCycle();
    }

    private double utilization(ChipMatVec.Stats s) {
        return (double) s.usefulMacs / Math.max(1, peak(s.cycles));
    }
}
