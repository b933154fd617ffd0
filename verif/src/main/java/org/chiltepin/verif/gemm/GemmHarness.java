package org.chiltepin.verif.gemm;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.gemm.GemmEngine;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Beat;
import org.chiltepin.verif.golden.GemmReference.Params;
import org.chiltepin.verif.golden.GemmReference.Response;
import org.chiltepin.verif.sim.Failures;
import org.chiltepin.verif.sim.Harness;
import org.chiltepin.verif.sim.HarnessReport;
import org.chiltepin.verif.sim.StreamDriver;
import org.chiltepin.verif.sim.StreamMonitor;
import org.chiltepin.verif.sim.Testbench;

/**
 * Co-simulates the emitted {@link GemmEngine} against {@link GemmReference}, on the
 * {@link Testbench} core: drivers feed the command and data streams, monitors take result beats
 * and responses, each stream with its own random stalls. Every result beat is compared in order, every response by tag (units finish
 * out of order), and a stalled output must hold its beat unchanged. A watchdog fails a run in
 * which nothing moves for too long.
 */
public final class GemmHarness extends Harness<GemmConfig, GemmEngine> {
    private static final int MAX_REPORTED = 20;

    /** Probability, each cycle, that a driver idles or a monitor refuses. */
    public record Stalls(double cmd, double data, double out, double resp) {
        public static final Stalls NONE = new Stalls(0, 0, 0, 0);
        public static final Stalls RANDOM = new Stalls(0.3, 0.3, 0.3, 0.3);

        public static Stalls all(double p) {
            return new Stalls(p, p, p, p);
        }
    }

    /** Outcome of one program: counts, cycle of the last response, failures, counter readings by tag. */
    public record Report(int commands, long beatsCompared, long cycles, long lastResponseCycle, long failures,
            List<String> mismatches, Map<Integer, Long> counterReadings) implements HarnessReport {
    }

    /** Elaborates and Verilates the engine for {@code config} in {@code workspace}. */
    public static GemmHarness compile(GemmConfig config, Path workspace, Simulation.Options options) {
        return new GemmHarness(config, workspace, options);
    }

    /** The golden model's view of a configuration. */
    public static Params params(GemmConfig c) {
        return new Params(c.rows(), c.cols(), c.aDepth(), c.bDepth(), c.accDepth(), c.scaleDepth(), c.weightStationary(),
                c.transposeLoad());
    }

    public Report run(GemmProgram program, int seed, Stalls stalls) {
        GemmReference golden = new GemmReference(program.params());
        golden.run(program.commands(), program.data());
        Run run = new Run(program, golden, seed, stalls);
        sim.run("gemm_seed" + seed, seed, run::drive);
        return run.report();
    }

    private GemmHarness(GemmConfig config, Path workspace, Simulation.Options options) {
        super(config, GemmEngine::new, workspace, options);
    }

    private final class Run {
        private final GemmProgram program;
        private final int seed;
        private final Stalls stalls;
        private final List<Beat> expectedBeats;
        private final Map<Integer, Deque<Response>> expectedResponses = new HashMap<>();
        private final Map<Integer, Long> counterReadings = new HashMap<>();
        private Testbench<GemmEngine> tb;
        private int responsesLeft;
        private int beatIndex;
        private long beatsCompared;
        private long lastResponseCycle;

        Run(GemmProgram program, GemmReference golden, int seed, Stalls stalls) {
            this.program = program;
            this.seed = seed;
            this.stalls = stalls;
            this.expectedBeats = golden.beats();
            for (Response r : golden.responses()) {
                expectedResponses.computeIfAbsent(r.tag(), t -> new ArrayDeque<>()).add(r);
            }
            responsesLeft = golden.responses().size();
        }

        Report report() {
            return new Report(program.commands().size(), beatsCompared, tb.cycles(), lastResponseCycle,
                    tb.failures().count(), tb.failures().first(), Map.copyOf(counterReadings));
        }

        /** The longest legitimate silence: a long COMPUTE moves nothing on the streams while it runs. */
        private long watchdogLimit() {
            long longest = 0;
            for (GemmReference.Command cmd : program.commands()) {
                if (cmd.opcode() == GemmReference.COMPUTE) {
                    long nBlocks = (cmd.n() + config.cols() - 1) / config.cols();
                    long osPasses = (long) ((cmd.count() + config.rows() - 1) / config.rows()) * nBlocks;
                    long os = osPasses * Math.max(cmd.k(), Math.max(config.rows(), config.cols()));
                    // weight-stationary: a pass per (nb, kb), each at least a weight load and its guard
                    long wsPasses = nBlocks * ((cmd.k() + config.rows() - 1) / config.rows());
                    long ws = wsPasses * Math.max(cmd.count(), 2L * config.rows() + config.cols() + 4);
                    longest = Math.max(longest, config.weightStationary() ? ws : os);
                }
            }
            return 2000 + 20L * (config.rows() + config.cols()) + 2 * longest;
        }

        void drive(Simulation.Cycle<GemmEngine> c) {
            GemmEngine dut = c.dut();
            int cols = config.cols();
            tb = new Testbench<>(c, seed, new Failures(MAX_REPORTED, 200), watchdogLimit());
            Iterator<GemmReference.Command> commands = program.commands().iterator();
            Iterator<byte[]> data = program.data().iterator();
            StreamDriver<GemmReference.Command> cmd = tb.driver(dut.sAxisCmd, stalls.cmd(),
                    x -> c.set(dut.sAxisCmd.payload(), x.word()), null);
            StreamDriver<byte[]> dat = tb.driver(dut.sAxisData, stalls.data(),
                    x -> c.set(dut.sAxisData.payload(), GemmProgram.littleEndian(x)), null);
            StreamMonitor out = tb.monitor("m_axis_data", dut.mAxisData, stalls.out(), () -> {
                long[] beat = new long[cols + 1];
                for (int j = 0; j < cols; j++) {
                    beat[j] = c.get(dut.mAxisData.payload().c[j]);
                }
                beat[cols] = c.get(dut.mAxisData.payload().last) ? 1 : 0;
                return beat;
            });
            var p = dut.mAxisResp.payload();
            StreamMonitor resp = tb.monitor("m_axis_resp", dut.mAxisResp, stalls.resp(),
                    () -> new long[] {c.get(p.tag), c.get(p.opcode), c.get(p.status), c.get(p.value)});
            int tail = 50;
            while (true) {
                cmd.drive(() -> commands.hasNext() ? commands.next() : null);
                dat.drive(() -> data.hasNext() ? data.next() : null);
                out.drive();
                resp.drive();
                tb.tick();
                cmd.sample();
                dat.sample();
                long[] beat = out.sample();
                if (beat != null) {
                    checkBeat(beat, cols);
                }
                long[] r = resp.sample();
                if (r != null) {
                    lastResponseCycle = tb.cycles();
                    checkResponse(r);
                }
                boolean done = !commands.hasNext() && cmd.offered() == null && !data.hasNext() && dat.offered() == null
                        && responsesLeft == 0 && beatIndex >= expectedBeats.size();
                if (done) {
                    if (--tail == 0) {
                        break;
                    }
                } else if (tb.timedOut(() -> "commands sent " + cmd.beats() + "/" + program.commands().size()
                        + ", data " + dat.beats() + "/" + program.data().size() + ", responses outstanding "
                        + responsesLeft + ", beats " + beatIndex + "/" + expectedBeats.size())) {
                    break;
                }
                if (tb.failures().tooMany()) {
                    break;
                }
            }
        }

        private void checkBeat(long[] beat, int cols) {
            if (beatIndex >= expectedBeats.size()) {
                tb.fail("unexpected result beat " + Arrays.toString(beat));
            } else {
                Beat e = expectedBeats.get(beatIndex);
                Beat got = new Beat(Arrays.copyOf(beat, cols), beat[cols] == 1);
                if (!e.equals(got)) {
                    tb.fail("result beat " + beatIndex + ": expected " + e + ", got " + got);
                }
                beatsCompared++;
            }
            beatIndex++;
        }

        private void checkResponse(long[] resp) {
            int tag = (int) resp[0];
            Deque<Response> q = expectedResponses.get(tag);
            Response e = q == null ? null : q.poll();
            if (e == null) {
                tb.fail("unexpected response tag " + tag + " opcode " + resp[1] + " status " + resp[2]);
                return;
            }
            responsesLeft--;
            if (e.opcode() != resp[1] || e.status() != resp[2]) {
                tb.fail("response tag " + tag + ": expected opcode " + e.opcode() + " status " + e.status() + ", got opcode "
                        + resp[1] + " status " + resp[2]);
            }
            if (e.opcode() == GemmReference.READ_COUNTER && e.status() == GemmReference.OK) {
                counterReadings.put(tag, resp[3]);
            } else if (resp[3] != e.value()) {
                tb.fail("response tag " + tag + ": expected value " + e.value() + ", got " + resp[3]);
            }
        }
    }
}
