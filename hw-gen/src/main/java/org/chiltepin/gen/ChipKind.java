package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hw.chip.Chip;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.hw.chip.MemoryTile;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.chip.ChipHarness.Report;
import org.chiltepin.verif.chip.ChipHarness.Stalls;
import org.chiltepin.verif.chip.ChipPrograms;
import org.chiltepin.verif.chip.ChipPrograms.Program;
import picocli.CommandLine.Command;

/** The chip: tiles on the mesh with DMA (docs/chip.md): generate, verify, bench. */
final class ChipKind extends BlockKind.Base<ChipConfig> {
    static final ChipKind INSTANCE = new ChipKind();

    private ChipKind() {
        super("chip", ChipConfig.class, ChipConfig.presets(), "chip", Chip::new);
        verifyWith(Verify::new);
        benchWith(ChipBench::new);
    }

    @Override
    public String describe(ChipConfig c) {
        return c.k() + "×" + c.m() + " mesh, " + c.gemmNodes().size() + " GEMM tiles (" + c.gemm().rows() + "×"
                + c.gemm().cols() + ")" + (c.hasKv() ? ", KV cache (" + c.kv().numPages() + " pages × " + c.kv().pageTokens()
                + " tokens, " + c.kv().maxSeqs() + " sequences)" : "") + (c.hasVector() ? ", vector unit (" + c.vector().lanes()
                + " lanes, " + c.vector().words() + " words)" : "") + ", control, memory (AXI4, " + c.memWords() * 8L / 1024
                + " KiB), 64-bit flits";
    }

    @Override
    public ObjectNode timing(ChipConfig c, ObjectNode t) {
        t.put("commandLatency", "control tile -> tile: NocConfig zero-load latency (hops + 1) + 3 + 2 cycles; "
                + "DONE back likewise (hops + 1) + 2 + 2");
        t.put("memoryReadsInFlight", MemoryTile.OUTSTANDING);
        t.put("linkBytesPerCycle", ChipConfig.FLIT_WIDTH / 8);
        t.put("peakMacsPerCycle", c.gemmNodes().size() * c.gemm().macsPerCycle());
        ArrayNode tiles = t.putArray("tiles");
        for (int n = 0; n < c.nodes(); n++) {
            tiles.addObject().put("node", n).put("x", n % c.k()).put("y", n / c.k()).put("kind", c.tiles().get(n).toString());
        }
        ObjectNode map = t.putObject("addressMap");
        map.put("tiles", "node n = y * k + x (s_axis_cmd_payload_node)");
        map.put("memory", "word w (8 bytes) at AXI byte address 8 * w, w < " + c.memWords());
        map.put("memWords", c.memWords());
        if (c.hasKv()) {
            map.put("kvLoad", "a GEMM LOAD whose mem_addr has bit 31 set reads KV rows: bit 30 = V, bits 29..24 = sequence, "
                    + "bits 23..0 = first token (docs/chip.md §3)");
        }
        return t;
    }

    /** A random program with illegal commands under random stalls, then a saturation run. */
    @Command(description = {"Generate the chip, build it with Verilator and run random chip programs against the chip",
            "golden model (ChipReference): GEMMs through memory, single loads, computes, stores and READ_ACCs on every",
            "GEMM tile, with illegal commands mixed in (wrong tile, DMA past memory, unknown opcodes, reserved bits,",
            "zero sizes, bad ranges), --stall host/response/memory back-pressure and a random memory latency;",
            "every response (by node and tag) and every external-memory word is compared. Then a saturation run:",
            "back-to-back legal work, a slow memory (3 bytes/cycle, 20..40 cycles latency), with a watchdog.",
            "--cases is the number of random commands. Exit 0 only on PASS."})
    static final class Verify implements Verifier<ChipConfig, ChipHarness> {
        /** Names of the response statuses (docs/chip.md §2, §3). */
        private static final String[] STATUS = {"OK", "BAD_OPCODE", "BAD_SIZE", "BAD_RANGE", "BAD_TILE", "BAD_MEM", "BAD_KV",
            "7", "8", "KV_NO_PAGES", "KV_BAD_SEQ", "KV_RANGE", "KV_TABLE_FULL", "KV_SEQ_FULL", "14", "15"};

        @Override
        public int defaultCases() {
            return 2000;
        }

        @Override
        public ChipHarness compile(BlockRun<ChipConfig> run) {
            return ChipHarness.compile(run.config(), run.work(), run.simulation());
        }

        @Override
        public Outcome run(ChipHarness h, BlockRun<ChipConfig> run) {
            PrintWriter o = run.out();
            List<String> failures = new ArrayList<>();
            int per = 200;
            int phases = Math.max(1, (run.cases() + per - 1) / per);
            double s = run.stall();
            Program prog = ChipPrograms.random(ChipHarness.params(h.config()), run.seed(), phases, per, true);
            Report r = h.run(prog.phases(), prog.memory(), run.seed(), new Stalls(s, s, s, 1, 12, 0));
            print(o, "random", prog, r, failures);
            Program sat = ChipPrograms.random(ChipHarness.params(h.config()), run.seed() + 1, 2, 256, false);
            Report q = h.run(sat.phases(), sat.memory(), run.seed() + 1, new Stalls(0, s, 0.3, 20, 40, 3));
            print(o, "saturation", sat, q, failures);
            long cycles = r.cycles() + q.cycles();
            return new Outcome(failures.isEmpty(), r.failures() + q.failures(), failures, cycles, null);
        }

        private static void print(PrintWriter o, String name, Program prog, Report r, List<String> failures) {
            StringBuilder st = new StringBuilder();
            for (int i = 0; i < STATUS.length; i++) {
                if (r.statusCounts()[i] > 0) {
                    st.append(st.length() == 0 ? "" : " ").append(STATUS[i]).append('=').append(r.statusCounts()[i]);
                }
            }
            o.printf("  %-10s %d commands in %d phases: %d responses compared (node, tag, opcode, status, value), "
                    + "%d memory words compared; statuses %s; "
                    + "memory read %d B, written %d B; %d cycles%s%n", name, prog.commands(), prog.phases().size(),
                    r.responses(), r.wordsCompared(), st, r.bytesRead(),
                    r.bytesWritten(), r.cycles(), r.passed() && r.responses() == prog.commands() ? "" : "  <-- FAIL");
            if (!r.passed()) {
                failures.add(name + ": " + String.join("; ", r.mismatches()));
            } else if (r.responses() != prog.commands()) {
                failures.add(name + ": " + r.responses() + " responses for " + prog.commands() + " commands");
            }
            o.flush();
        }
    }

}
