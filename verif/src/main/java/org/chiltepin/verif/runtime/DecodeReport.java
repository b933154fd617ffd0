package org.chiltepin.verif.runtime;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.llm.LlamaConfig;
import org.chiltepin.verif.llm.LlamaEngine;

/**
 * Per-token figures of a decode run (issue #16, Deliver 6): cycles and their categories, bytes on
 * the memory port against the weight and KV bytes a token must move, tokens/s at a stated clock
 * against the bandwidth roofline, MAC utilization, and an {@link EnergyModel energy estimate}.
 *
 * <p>Two kinds of rows:
 * <ul>
 * <li><b>sim</b> ({@link ChipLlama}): cycles, port bytes, MACs, SRAM bytes and flit-hops of the
 *     co-simulated chip programs: weight GEMVs ({@link ChipMatVec.Stats}), vector-tile programs
 *     ({@link ChipVectorOps.Stats}: cycles and port bytes), KV tile and attention (scores q·Kᵀ and p·V) programs
 *     ({@link ChipKvRows.Figures}: cycles, port bytes, MACs); SRAM bytes and flit-hops are counted
 *     for the GEMVs only.</li>
 * <li><b>analytical</b> (any other engine): no cycles; the bytes and MACs a token needs at least
 *     (every weight and every KV byte read once from external memory, useful MACs only) and the
 *     energy floor those imply (MACs and DRAM bytes only).</li>
 * </ul>
 *
 * <p>KV bytes at position p: the int8 K and V rows of positions 0..p of every layer read, plus
 * this position's rows written, each row with a 2-byte scale per key/value head (the layout of
 * {@link LlamaConfig#int8Bytes()}). Weight bytes: the int8 matrices of every GEMV (the classifier
 * included, the embedding lookup not).
 *
 * @param clockMhz     the stated clock for tokens/s (the chip has no ASIC timing: an assumption)
 * @param portBytesPerCycle the memory port's bandwidth, bytes per cycle
 * @param macsPerCycle peak MACs per cycle of the chip's GEMM tiles (0 without a chip)
 */
public record DecodeReport(LlamaConfig model, EnergyModel energy, double clockMhz, int portBytesPerCycle, long macsPerCycle,
        List<Row> rows) {
    /** Assumed clock: 1 GHz, the clock of the 45 nm mesh NoC prototype whose link energy the model uses. */
    public static final double DEFAULT_CLOCK_MHZ = 1000;

    /** The CSV columns, in order. */
    public static final List<String> COLUMNS = List.of("pos", "token", "id", "golden_id", "kind", "cycles", "gemm_cycles",
            "attention_cycles", "vector_cycles", "kv_cycles", "wait_cycles", "port_bytes", "weight_bytes", "kv_bytes",
            "tokens_per_s", "roofline_tokens_per_s", "attained_pct", "mac_util_pct", "macs", "sram_bytes", "link_flit_hops",
            "dram_bytes", "energy_pj", "energy_mac_pj", "energy_sram_pj", "energy_link_pj", "energy_dram_pj");

    /**
     * One position. Cycle figures are null where nothing was simulated (analytical rows) or where
     * that category does not run on the chip.
     */
    public record Row(int pos, int token, int id, int goldenId, String kind, Long cycles, Long gemmCycles, Long attentionCycles,
            Long vectorCycles, Long kvCycles, Long waitCycles, Long portBytes, long weightBytes, long kvBytes,
            Double tokensPerSecond, double rooflineTokensPerSecond, Double attainedPct, Double macUtilPct,
            EnergyModel.Events events, EnergyModel.Energy energy) {
        /** The cells in {@link #COLUMNS} order (null for an empty cell). */
        public List<Object> cells() {
            return Arrays.asList(pos, token, id, goldenId, kind, cycles, gemmCycles, attentionCycles, vectorCycles, kvCycles,
                    waitCycles, portBytes, weightBytes, kvBytes, tokensPerSecond, rooflineTokensPerSecond, attainedPct,
                    macUtilPct, events.macs(), events.sramBytes(), events.linkFlitHops(), events.dramBytes(), energy.totalPj(),
                    EnergyModel.Energy.pj(energy.macAj()), EnergyModel.Energy.pj(energy.sramAj()),
                    EnergyModel.Energy.pj(energy.linkAj()), EnergyModel.Energy.pj(energy.dramAj()));
        }
    }

    /** int8 weight bytes a token streams: every GEMV's matrix, the classifier included. */
    public static long weightBytes(LlamaConfig c) {
        long d = c.dim();
        long perLayer = 2 * d * d + 2 * d * c.kvDim() + 3 * d * c.hiddenDim();
        return c.nLayers() * perLayer + (long) c.vocabSize() * d;
    }

    /** KV bytes at position {@code pos}: pos + 1 K and V rows read per layer, one of each written. */
    public static long kvBytes(LlamaConfig c, int pos) {
        long row = c.kvDim() + 2L * c.nKvHeads();
        return 2L * c.nLayers() * row * (pos + 2L);
    }

    /** Useful MACs at position {@code pos}: the weight GEMVs and attention's scores and weighted values. */
    public static long usefulMacs(LlamaConfig c, int pos) {
        return weightBytes(c) + 2L * c.nLayers() * c.nHeads() * c.headSize() * (pos + 1L);
    }

    /** Wraps an engine to remember what it was fed and what it predicted at every position. */
    public static final class Recorder implements LlamaEngine {
        private final LlamaEngine engine;
        private final List<int[]> steps = new ArrayList<>();

        public Recorder(LlamaEngine engine) {
            this.engine = engine;
        }

        public LlamaEngine engine() {
            return engine;
        }

        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public LlamaConfig config() {
            return engine.config();
        }

        @Override
        public int step(int token, int pos) {
            int id = engine.step(token, pos);
            steps.add(new int[] {pos, token, id});
            return id;
        }

        @Override
        public void report(PrintWriter out) {
            engine.report(out);
        }
    }

    /** The report of a recorded run: sim rows for {@link ChipLlama} on {@code chip}, analytical rows otherwise. */
    public static DecodeReport of(Recorder run, ChipConfig chip, EnergyModel energy, double clockMhz) {
        LlamaConfig c = run.config();
        List<Row> rows = new ArrayList<>();
        boolean sim = run.engine() instanceof ChipLlama;
        long peak = sim ? (long) chip.gemmNodes().size() * chip.gemm().macsPerCycle() : 0;
        int portBytes = ChipLlama.PORT_BYTES_PER_CYCLE;
        for (int i = 0; i < run.steps.size(); i++) {
            int[] s = run.steps.get(i);
            int pos = s[0];
            long weights = weightBytes(c);
            long kv = kvBytes(c, pos);
            double roof = portBytes * clockMhz * 1e6 / (weights + kv);
            if (sim) {
                ChipLlama.Token t = ((ChipLlama) run.engine()).tokens().get(i);
                ChipMatVec.Stats st = t.stats();
                ChipVectorOps.Stats vec = t.vector();
                ChipKvRows.Figures kvf = t.kv();
                long attention = kvf.gemmCycles() + kvf.scoreCycles(); // p·V and the scores q·Kᵀ
                long cycles = st.cycles + vec.cycles + kvf.cycles() + attention;
                long port = st.bytesRead + st.bytesWritten + vec.bytesRead + vec.bytesWritten + kvf.bytes();
                long useful = st.usefulMacs + kvf.gemmMacs() + kvf.scoreMacs();
                EnergyModel.Events ev = new EnergyModel.Events(st.arrayMacs + kvf.gemmMacs() + kvf.scoreMacs(), st.sramBytes,
                        st.linkFlitHops,
                        port);
                long busy = peak == 0 ? 0 : (st.arrayMacs + peak - 1) / peak;
                double tps = cycles == 0 ? 0 : clockMhz * 1e6 / cycles;
                rows.add(new Row(pos, s[1], t.chipId(), t.goldenId(), "sim", cycles, st.cycles, attention, vec.cycles,
                        kvf.cycles(), Math.max(0, st.cycles - busy), port, weights, kv, tps, roof, 100 * tps / roof,
                        cycles == 0 ? 0.0 : 100.0 * useful / ((double) cycles * peak), ev, energy.of(ev)));
            } else {
                EnergyModel.Events ev = new EnergyModel.Events(usefulMacs(c, pos), 0, 0, weights + kv);
                rows.add(new Row(pos, s[1], s[2], s[2], "analytical", null, null, null, null, null, null, null, weights, kv,
                        null, roof, null, null, ev, energy.of(ev)));
            }
        }
        return new DecodeReport(c, energy, clockMhz, portBytes, peak, List.copyOf(rows));
    }

    /** Summary lines: per-token means and the energy breakdown, with what the figures are. */
    public void print(PrintWriter o) {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        EnergyModel.Events ev = rows.stream().map(Row::events).reduce(new EnergyModel.Events(0, 0, 0, 0),
                EnergyModel.Events::plus);
        EnergyModel.Energy e = energy.of(ev);
        boolean sim = rows.get(0).kind().equals("sim");
        double roof = rows.stream().mapToDouble(Row::rooflineTokensPerSecond).average().orElse(0);
        if (sim) {
            double cycles = rows.stream().mapToLong(Row::cycles).average().orElse(0);
            double tps = clockMhz * 1e6 / Math.max(1, cycles);
            o.printf("  at %.0f MHz  %.1f tokens/s (%.0f cycles/token, chip programs only); roofline %.1f tokens/s"
                    + " (%d B/cycle ÷ weight + KV bytes); attained %.1f%%%n", clockMhz, tps, cycles, roof, portBytesPerCycle,
                    100 * tps / roof);
        } else {
            o.printf("  at %.0f MHz  roofline %.1f tokens/s (%d B/cycle ÷ weight + KV bytes per token; no chip simulated:"
                    + " analytical figures)%n", clockMhz, roof, portBytesPerCycle);
        }
        o.printf("  energy      %.2f µJ/token estimated (%s; MAC %.3f, SRAM %.3f, link %.3f, DRAM %.2f µJ)%s%n",
                e.totalPj() / 1e6 / n, sim ? "from the chip's event counts" : "floor: useful MACs + weights and KV read once",
                EnergyModel.Energy.pj(e.macAj()) / 1e6 / n, EnergyModel.Energy.pj(e.sramAj()) / 1e6 / n,
                EnergyModel.Energy.pj(e.linkAj()) / 1e6 / n, EnergyModel.Energy.pj(e.dramAj()) / 1e6 / n,
                sim ? "; host-side work not counted" : "");
        o.printf("  energy per event: %s (docs/llm.md)%n", energy.name());
    }
}
