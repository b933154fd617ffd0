package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.chiltepin.hw.vector.VectorCommand;
import org.chiltepin.hw.vector.VectorConfig;
import org.chiltepin.hw.vector.VectorDivider;
import org.chiltepin.hw.vector.VectorLane;
import org.chiltepin.hw.vector.VectorUnit;
import org.chiltepin.verif.golden.VectorMachine;
import org.chiltepin.verif.vector.RandomVectorPrograms;
import org.chiltepin.verif.vector.VectorHarness;
import org.chiltepin.verif.vector.VectorProgram;
import picocli.CommandLine.Command;

/** The vector unit (RMSNorm, softmax, SiLU, residuals, argmax in integers): generate, verify, golden, bench. */
final class VectorKind extends BlockKind.Base<VectorConfig> {
    static final VectorKind INSTANCE = new VectorKind();

    private VectorKind() {
        super("vector", VectorConfig.class, VectorConfig.presets(), "vector_unit", VectorUnit::new);
        verifyWith(Verify::new);
        goldenWith(Golden::new);
        benchWith(VectorBench::new);
        regressWith(List.of("cosim", "cocotb"), List.of("tiny"), List.of("tiny", "default", "large"), 300, 2000);
    }

    @Override
    public String describe(VectorConfig c) {
        return c.lanes() + " lanes × int32, scratchpad " + c.words() + " words (" + c.rows() + " rows); ops LOAD STORE "
                + "ADD MUL SCALE EXP SILU NORM MAX SUM RMS QUANT ROPE";
    }

    @Override
    public ObjectNode timing(VectorConfig c, ObjectNode t) {
        t.put("elementsPerCycle", c.lanes());
        t.put("commandBits", VectorCommand.WIDTH);
        t.put("pipelineStages", VectorLane.STAGES);
        t.put("checkCycles", 1);
        t.put("scalarReadCycles", 2);
        t.put("dividerCycles", VectorDivider.STEPS);
        t.put("sqrtCycles", org.chiltepin.hw.vector.VectorSqrt.STEPS);
        t.put("description", "one command at a time: accepted in IDLE, checked the next cycle (an illegal command is "
                + "answered then and changes nothing), ceil(len/lanes) rows at one per cycle through the lanes, then "
                + "the response; EXP, NORM and RMS read their scalar first, NORM divides, RMS takes a square root after its "
                + "sweep, QUANT sweeps twice around its scale search; see docs/vector.md");
        return t;
    }

    /** The random program of verify and golden for a seed: {@code cases} commands on the configuration. */
    static VectorProgram program(BlockRun<VectorConfig> run) {
        return RandomVectorPrograms.generate(run.config().lanes(), run.config().words(), run.seed(), run.cases());
    }

    @Command(description = {"Generate the vector unit, build it with Verilator and run a random command program: every op",
            "(LOAD STORE ADD MUL SCALE EXP SILU NORM MAX SUM RMS QUANT ROPE) over random data with int8/int32 extremes, all-equal,",
            "one-hot and zero vectors, at every output width, in place and not, with illegal commands mixed in",
            "(bad opcode, sat or shift, length 0 or too long, out of range, misaligned, overlapping); then every",
            "entry of the exponential and sigmoid tables, then the edges of RMS, QUANT, ROPE and softmax; random stalls on all four streams. Every store beat and",
            "response is compared with the golden model, and the whole scratchpad is stored at the end. Exit 0 only on PASS."})
    static final class Verify implements Verifier<VectorConfig, VectorHarness> {
        @Override
        public boolean coverage() {
            return true;
        }

        @Override
        public int defaultCases() {
            return 1000;
        }

        @Override
        public VectorHarness compile(BlockRun<VectorConfig> run) {
            return VectorHarness.compile(run.config(), run.work(), run.simulation());
        }

        @Override
        public Outcome run(VectorHarness harness, BlockRun<VectorConfig> run) {
            VectorConfig c = run.config();
            double p = run.stall();
            VectorHarness.Stalls stalls = new VectorHarness.Stalls(p, p, p, p);
            VectorHarness.Report r = harness.run(program(run), run.seed(), stalls);
            VectorHarness.Report t = harness.run(RandomVectorPrograms.tables(c.lanes(), c.words()), run.seed(), stalls);
            VectorHarness.Report e = c.words() >= 64 * c.lanes()
                    ? harness.run(RandomVectorPrograms.edges(c.lanes(), c.words()), run.seed(), stalls) : null;
            var o = run.out();
            long[] byStatus = new long[4];
            long[] byOp = new long[16];
            for (VectorHarness.Timing x : r.timings()) {
                byStatus[x.status() & 3]++;
                byOp[x.op() & 15]++;
            }
            o.printf("  stimulus    seed %d: %d random commands (+ %d loads and stores of the whole scratchpad), stall "
                    + "probability %.2f; then %d commands over every exp and sigmoid table entry; then %d edge commands "
                    + "(RMS/QUANT/ROPE of zero and ±max, softmax of all-equal and one-hot, saturating ADD)%n", run.seed(), run.cases(),
                    r.commands() - run.cases(), p, t.commands(), e == null ? 0 : e.commands());
            StringBuilder ops = new StringBuilder();
            String[] names = {"?", "load", "store", "add", "mul", "scale", "exp", "silu", "norm", "max", "sum", "rms",
                "quant", "rope"};
            for (int op = 1; op <= VectorMachine.ROPE; op++) {
                ops.append(op == 1 ? "" : ", ").append(names[op]).append(' ').append(byOp[op]);
            }
            o.printf("  operations  %s; other opcodes %d%n", ops, r.commands() - java.util.Arrays.stream(byOp, 1, VectorMachine.ROPE + 1).sum());
            o.printf("  statuses    ok %d, bad_opcode %d, bad_size %d, bad_range %d%n", byStatus[0], byStatus[1], byStatus[2],
                    byStatus[3]);
            long edgeCommands = e == null ? 0 : e.commands();
            long edgeBeats = e == null ? 0 : e.beatsCompared();
            o.printf("  compared    %d responses (every field), %d store beats (%d elements), bit for bit%n",
                    r.commands() + t.commands() + edgeCommands, r.beatsCompared() + t.beatsCompared() + edgeBeats,
                    (r.beatsCompared() + t.beatsCompared() + edgeBeats) * c.lanes());
            List<String> first = new java.util.ArrayList<>(r.mismatches());
            first.addAll(t.mismatches());
            boolean edgesPass = e == null || e.passed();
            if (e != null) {
                first.addAll(e.mismatches());
            }
            return new Outcome(r.passed() && t.passed() && edgesPass, r.failures() + t.failures() + (e == null ? 0 : e.failures()),
                    first, r.cycles() + t.cycles() + (e == null ? 0 : e.cycles()), null);
        }
    }

    /**
     * The random program of {@code verify vector} for a seed: 128-bit command words, LOAD's data
     * beats, and the golden model's store beats and responses.
     */
    @Command(description = {"Write JSON test vectors for the vector unit: command words (hex), LOAD data beats, expected",
            "store beats and responses from the golden model (verif/cocotb/vector reads them)."})
    static final class Golden implements GoldenVectors<VectorConfig> {
        @Override
        public String write(ObjectNode root, BlockRun<VectorConfig> run) {
            VectorProgram p = program(run);
            if (run.config().words() >= 64 * run.config().lanes()) {
                RandomVectorPrograms.appendEdges(p); // the cocotb run sees the RMS/QUANT/ROPE/softmax edges too
            }
            VectorProgram.Expected e = p.expected();
            root.put("lanes", run.config().lanes());
            ArrayNode cmds = root.putArray("commands");
            p.commands().forEach(c -> cmds.add(VectorProgram.word(c).toString(16)));
            ArrayNode data = root.putArray("data");
            e.dataBeats().forEach(b -> lanes(data.addArray(), b, run.config().lanes()));
            ArrayNode beats = root.putArray("beats");
            for (long[] b : e.storeBeats()) {
                ObjectNode n = beats.addObject();
                lanes(n.putArray("lanes"), b, run.config().lanes());
                n.put("last", b[run.config().lanes()] == 1);
            }
            ArrayNode rsps = root.putArray("responses");
            for (VectorMachine.Response r : e.responses()) {
                ObjectNode n = rsps.addObject();
                n.put("tag", r.tag());
                n.put("opcode", r.op() & 0xF);
                n.put("status", r.status());
                n.put("value", r.value());
                n.put("index", r.index());
            }
            return p.commands().size() + " commands, " + e.dataBeats().size() + " data beats, " + e.storeBeats().size()
                    + " store beats";
        }

        private static void lanes(ArrayNode into, long[] beat, int lanes) {
            for (int j = 0; j < lanes; j++) {
                into.add(beat[j]);
            }
        }
    }
}
