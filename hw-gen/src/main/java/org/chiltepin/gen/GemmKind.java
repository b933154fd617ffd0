package org.chiltepin.gen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.gemm.GemmEngine;
import org.chiltepin.verif.gemm.GemmHarness;
import org.chiltepin.verif.gemm.GemmProgram;
import org.chiltepin.verif.gemm.RandomGemmPrograms;
import org.chiltepin.verif.golden.GemmReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The GEMM engine (array core, scratchpads, accumulators, requantization, command stream): every command. */
final class GemmKind extends BlockKind.Base<GemmConfig> {
    static final GemmKind INSTANCE = new GemmKind();

    private GemmKind() {
        super("gemm", GemmConfig.class, presetsWithMicro(), "gemm_engine", GemmEngine::new);
        verifyWith(Verify::new);
        goldenWith(Golden::new);
        benchWith(GemmBench::new);
        regressWith(List.of("cosim", "cocotb"), List.of("tiny-split"), List.of("tiny", "tiny-split", "fpga-small", ICE40), 8, 30);
    }

    /**
     * The smallest legal engine (1×1 array, 16-word memories, FPGA profile), the iCEBreaker's
     * default before {@link #ICE40}: not useful for speed.
     */
    static final String MICRO = "micro";

    /**
     * A 2×2 engine in the FPGA profile with one requantization lane and memories of one or two
     * EBRs each (A / B 256, acc 128 words, 16 channels): the largest that fits the UP5K next to the
     * host protocol (docs/fpga.md, section 7).
     */
    static final String ICE40 = "fpga-ice40";

    /** The engine's presets, {@link #ICE40} and {@link #MICRO}, so every command lists and accepts them. */
    private static java.util.Map<String, GemmConfig> presetsWithMicro() {
        var p = new java.util.LinkedHashMap<>(GemmConfig.presets());
        p.put(ICE40, new GemmConfig(2, 2, 256, 256, 128, 16, 1, GemmConfig.Dataflow.OUTPUT_STATIONARY, true));
        p.put(MICRO, new GemmConfig(1, 1, 16, 16, 16, 16, 1, GemmConfig.Dataflow.OUTPUT_STATIONARY, true));
        return java.util.Collections.unmodifiableMap(p);
    }

    /** A preset by name (micro included), or a one-line error listing them. */
    GemmConfig preset(String name) {
        GemmConfig c = presets().get(name);
        if (c == null) {
            throw new org.chiltepin.hw.ConfigException("--preset", "must be one of " + presets().keySet(), name);
        }
        return c;
    }

    @Override
    public String describe(GemmConfig c) {
        return c.rows() + "×" + c.cols() + " int8 " + c.dataflow() + " array, A " + c.aDepth() + " / B " + c.bDepth() + " / acc " + c.accDepth()
                + " words, " + c.scaleDepth() + " channels" + (c.fpgaProfile() ? ", FPGA profile" : "");
    }

    @Override
    public ObjectNode timing(GemmConfig c, ObjectNode t) {
        t.put("dataflow", c.dataflow().toString());
        t.put("macsPerCycle", c.macsPerCycle());
        t.put("dataBytesPerBeat", c.dataBytes());
        t.put("commandBits", 128);
        GemmEngine.Latencies l = GemmEngine.latencies(c);
        t.put("decodeCycles", l.decodeCycles());
        t.put("immediateResponseCycles", l.immediateResponseCycles());
        t.put("computeDrainCycles", l.computeDrainCycles());
        t.put("storeLatencyCycles", l.storeLatencyCycles());
        t.put("description", "COMPUTE streams ceil(M/rows)*ceil(N/cols) array passes of K beats back to back and "
                + "responds when its last row is in the accumulators; load, compute and output units run concurrently "
                + "on non-overlapping address ranges; see docs/gemm.md for the command encoding");
        return t;
    }

    /** {@code --no-illegal}, and the random program of verify and golden for a seed. */
    static final class Program {
        @Option(names = "--no-illegal", description = "Leave illegal commands out of the program.")
        boolean noIllegal;

        GemmProgram generate(BlockRun<GemmConfig> run) {
            return RandomGemmPrograms.generate(GemmHarness.params(run.config()), run.seed(), run.cases(), !noIllegal);
        }
    }

    @Command(description = {"Generate the GEMM engine, build it with Verilator and run a random command program:",
            "tiled GEMMs of random shapes with random scales and ReLU, accumulator reads, fences, counter reads",
            "and illegal commands, with random stalls on all four streams. Every result beat and response is",
            "compared with the golden model. Exit 0 only on PASS."})
    static final class Verify implements Verifier<GemmConfig, GemmHarness> {
        @Mixin
        Program program = new Program();

        @Override
        public boolean coverage() {
            return true;
        }

        @Override
        public GemmHarness compile(BlockRun<GemmConfig> run) {
            return GemmHarness.compile(run.config(), run.work(), run.simulation());
        }

        @Override
        public Outcome run(GemmHarness harness, BlockRun<GemmConfig> run) {
            GemmProgram p = program.generate(run);
            GemmHarness.Report r = harness.run(p, run.seed(), GemmHarness.Stalls.all(run.stall()));
            var o = run.out();
            o.printf("  stimulus    seed %d: %d GEMMs%s, %d commands, %d data beats, stall probability %.2f%n", run.seed(),
                    run.cases(), program.noIllegal ? "" : " with illegal commands", r.commands(), p.data().size(), run.stall());
            o.printf("  compared    %d responses, %d result beats, bit for bit%n", r.commands(), r.beatsCompared());
            return Outcome.of(r, "gemm_seed" + run.seed());
        }

        @Override
        public String reproduceOptions() {
            return program.noIllegal ? " --no-illegal" : "";
        }
    }

    /**
     * The random command program of {@code verify gemm} for a seed: the 128-bit command words,
     * the data beats, and the golden model's result beats and responses (counter readings, which
     * depend on timing, carry no expected value).
     */
    @Command(description = {"Write JSON test vectors for the GEMM engine: command words and data beats (hex), expected",
            "result beats and responses from the golden model (verif/cocotb/gemm reads them)."})
    static final class Golden implements GoldenVectors<GemmConfig> {
        @Mixin
        Program program = new Program();

        @Override
        public String write(ObjectNode root, BlockRun<GemmConfig> run) {
            GemmProgram p = program.generate(run);
            GemmReference golden = new GemmReference(p.params());
            golden.run(p.commands(), p.data());
            ObjectMapper json = new ObjectMapper();
            ArrayNode cmds = root.putArray("commands");
            p.commands().forEach(c -> cmds.add(c.word().toString(16)));
            ArrayNode data = root.putArray("data");
            p.data().forEach(b -> data.add(GemmProgram.littleEndian(b).toString(16)));
            ArrayNode beats = root.putArray("beats");
            for (GemmReference.Beat b : golden.beats()) {
                ObjectNode n = beats.addObject();
                n.set("lanes", json.valueToTree(b.lanes()));
                n.put("last", b.last());
            }
            ArrayNode resps = root.putArray("responses");
            for (GemmReference.Response r : golden.responses()) {
                ObjectNode n = resps.addObject();
                n.put("tag", r.tag());
                n.put("opcode", r.opcode());
                n.put("status", r.status());
                if (r.opcode() == GemmReference.READ_COUNTER && r.status() == GemmReference.OK) {
                    n.putNull("value");
                } else {
                    n.put("value", r.value());
                }
            }
            return p.commands().size() + " commands, " + p.data().size() + " data beats, " + golden.beats().size()
                    + " result beats";
        }
    }
}
