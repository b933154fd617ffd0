package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.noc.Mesh;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.verif.golden.NocReference;
import org.chiltepin.verif.noc.MeshHarness;
import org.chiltepin.verif.noc.MeshHarness.Report;
import org.chiltepin.verif.noc.MeshHarness.Traffic;
import org.chiltepin.verif.noc.TrafficPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The 2D-mesh network on chip: generate, verify, bench. */
final class NocKind extends BlockKind.Base<NocConfig> {
    static final NocKind INSTANCE = new NocKind();

    private NocKind() {
        super("noc", NocConfig.class, NocConfig.presets(), "noc_mesh", Mesh::new);
        verifyWith(Verify::new);
        benchWith(NocBench::new);
        goldenWith(NocGolden::new);
        regressWith(List.of("cosim", "cocotb"), List.of("tiny"), List.of("tiny", "default"), 200, 1000);
    }

    @Override
    public String describe(NocConfig c) {
        return c.k() + "×" + c.m() + " mesh, " + c.routing().toUpperCase() + " wormhole, " + c.flitWidth() + "-bit flits, "
                + c.bufferDepth() + "-flit buffers, request + response networks";
    }

    @Override
    public ObjectNode timing(NocConfig c, ObjectNode t) {
        t.put("routerDelayCycles", NocConfig.ROUTER_DELAY);
        t.put("interfaceOverheadCycles", NocConfig.NI_OVERHEAD);
        t.put("zeroLoadLatency", "(hops + 1) * " + NocConfig.ROUTER_DELAY + " + (1 + length) + " + NocConfig.NI_OVERHEAD
                + " cycles from s_axis handshake to m_axis handshake");
        t.put("linkFlitsPerCycle", 1);
        t.put("description", "XY dimension-order wormhole routing, credit flow control, round-robin arbitration; "
                + "separate request and response networks; messages per (source, destination) delivered in order");
        return t;
    }

    /**
     * Zero-load latency against the analytic model, illegal messages, every traffic pattern with
     * request/response and back-pressure, and a saturation run; each section prints its line.
     */
    @Command(description = {"Generate the mesh, build it with Verilator and check it against the golden model:",
            "zero-load latency of isolated packets equals the analytic model; illegal messages are dropped with a flag;",
            "every traffic pattern (request/response, random ejection back-pressure) delivers every packet exactly",
            "once, intact and in order; and a saturation run (uniform traffic at twice the throughput bound) of",
            "--cycles cycles neither loses, duplicates nor corrupts a packet, nor deadlocks. --stall is the",
            "probability that a sink refuses a message in a cycle. Exit 0 only on PASS."})
    static final class Verify implements Verifier<NocConfig, MeshHarness> {
        @Option(names = "--cycles", paramLabel = "N", defaultValue = "100000",
                description = "Cycles of the saturation run, in [1000, 10000000] (default: ${DEFAULT-VALUE}).")
        int cycles;

        @Option(names = "--pattern-cycles", paramLabel = "N", defaultValue = "4000",
                description = "Cycles of each traffic-pattern run, in [100, 10000000] (default: ${DEFAULT-VALUE}).")
        int patternCycles;

        @Override
        public int defaultCases() {
            return 0;
        }

        @Override
        public void check(NocConfig config) {
            ConfigException.requireRange("--cycles", cycles, 1000, 10_000_000);
            ConfigException.requireRange("--pattern-cycles", patternCycles, 100, 10_000_000);
        }

        @Override
        public MeshHarness compile(BlockRun<NocConfig> run) {
            return MeshHarness.compile(run.config(), run.work(), run.simulation());
        }

        @Override
        public Outcome run(MeshHarness h, BlockRun<NocConfig> run) {
            NocConfig cfg = run.config();
            PrintWriter o = run.out();
            int seed = run.seed();
            List<String> failures = new ArrayList<>();

            zeroLoad(o, h, seed, failures);

            List<String> illegal = h.illegalInput(seed);
            o.printf("  illegal     destination outside the mesh / length above %d: %s%n", cfg.maxPayloadFlits(),
                    illegal.isEmpty() ? "dropped with the flag, never delivered" : illegal + "  <-- FAIL");
            failures.addAll(illegal);
            o.flush();

            double bound = NocReference.uniformThroughputBound(cfg.k(), cfg.m());
            for (TrafficPattern p : TrafficPattern.values()) {
                double load = p == TrafficPattern.ALL_TO_ONE ? 0.8 / cfg.nodes() : 0.4 * bound;
                Traffic t = Traffic.of(p, load, -1).withStall(run.stall()).withRequestResponse(true)
                        .withCycles(200, patternCycles);
                section(o, String.format("  %-15s ", p.cliName()), p.cliName(), h.run(t, seed), failures);
            }

            Traffic sat = new Traffic(TrafficPattern.UNIFORM, 2 * bound, -1, run.stall(), true, 0, cycles, 200_000, 16, 4, 2000);
            o.printf("  saturation  uniform at %.2f flits/node/cycle offered (2× the bound %.2f), request/response, stall %.2f:%n",
                    2 * bound, bound, run.stall());
            section(o, "              ", "saturation", h.run(sat, seed), failures);
            return new Outcome(failures.isEmpty(), failures.size(), failures, -1, null);
        }

        /** Isolated packets: latency equal to the model, and each delivered intact (a fault is a failure, not a crash). */
        private static void zeroLoad(PrintWriter o, MeshHarness h, int seed, List<String> failures) {
            List<MeshHarness.Isolated> iso;
            try {
                iso = h.isolated(200, seed);
            } catch (AssertionError e) {
                o.printf("  zero-load   %s  <-- FAIL%n", e.getMessage());
                failures.add("zero-load: " + e.getMessage());
                o.flush();
                return;
            }
            List<MeshHarness.Isolated> off = iso.stream().filter(i -> i.latency() != Math.round(i.model())).toList();
            o.printf("  zero-load   %d isolated packets: %d differ from (hops+1)·%d + flits + %d cycles%s%n", iso.size(),
                    off.size(), NocConfig.ROUTER_DELAY, NocConfig.NI_OVERHEAD, off.isEmpty() ? "" : "  <-- FAIL");
            if (!off.isEmpty()) {
                MeshHarness.Isolated f = off.get(0);
                failures.add(String.format("zero-load latency differs from the model for %d packets; the first: %d -> %d,"
                        + " %d hops, %d payload flits: expected %d cycles, got %d", off.size(), f.src(), f.dst(), f.hops(),
                        f.payload(), Math.round(f.model()), f.latency()));
            }
            o.flush();
        }

        private static void section(PrintWriter o, String prefix, String name, Report r, List<String> failures) {
            o.printf("%s%s%s%n", prefix, r.summary(), r.passed() ? "" : "  <-- FAIL");
            if (!r.passed()) {
                failures.add(name + ": " + r.faults());
            }
            o.flush();
        }

        @Override
        public List<String> regressOptions() {
            return List.of("--cycles", "10000");
        }

        @Override
        public String reproduceOptions() {
            return " --cycles " + cycles + " --pattern-cycles " + patternCycles;
        }
    }
}
