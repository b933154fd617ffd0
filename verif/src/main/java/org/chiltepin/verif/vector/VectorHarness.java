package org.chiltepin.verif.vector;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.vector.VectorConfig;
import org.chiltepin.hw.vector.VectorUnit;
import org.chiltepin.verif.golden.VectorMachine.Command;
import org.chiltepin.verif.golden.VectorMachine.Response;
import org.chiltepin.verif.sim.Failures;
import org.chiltepin.verif.sim.Harness;
import org.chiltepin.verif.sim.HarnessReport;
import org.chiltepin.verif.sim.StreamDriver;
import org.chiltepin.verif.sim.StreamMonitor;
import org.chiltepin.verif.sim.Testbench;

/**
 * Co-simulates the emitted {@link VectorUnit} against the golden model
 * ({@link org.chiltepin.verif.golden.VectorMachine}) on the {@link Testbench} core: drivers feed
 * commands and LOAD data, monitors take STORE beats and responses, each with its own random
 * stalls. Beats and responses are compared in order (one command runs at a time); a stalled
 * output must hold its beat. Each command's cycles (accepted to answered) are recorded for the
 * benchmark.
 */
public final class VectorHarness extends Harness<VectorConfig, VectorUnit> {
    private static final int MAX_REPORTED = 20;

    /** Probability, each cycle, that a driver idles or a monitor refuses. */
    public record Stalls(double cmd, double data, double out, double rsp) {
        public static final Stalls NONE = new Stalls(0, 0, 0, 0);
        public static final Stalls RANDOM = new Stalls(0.3, 0.3, 0.3, 0.3);
    }

    /** One command's timing: opcode, length, status, cycles from acceptance to response. */
    public record Timing(int op, int len, int status, long cycles) {
    }

    /** Outcome of one program. */
    public record Report(int commands, long beatsCompared, long elements, long cycles, long failures,
            List<String> mismatches, List<Timing> timings) implements HarnessReport {
    }

    public static VectorHarness compile(VectorConfig config, Path workspace, Simulation.Options options) {
        return new VectorHarness(config, workspace, options);
    }

    private VectorHarness(VectorConfig config, Path workspace, Simulation.Options options) {
        super(config, VectorUnit::new, workspace, options);
    }

    public Report run(VectorProgram program, int seed, Stalls stalls) {
        Run run = new Run(program, seed, stalls);
        sim.run("vector_seed" + seed, seed, run::drive);
        return run.report();
    }

    private final class Run {
        private final VectorProgram program;
        private final VectorProgram.Expected expected;
        private final int seed;
        private final Stalls stalls;
        private final List<Timing> timings = new ArrayList<>();
        private Testbench<VectorUnit> tb;
        private int beatIndex;
        private int rspIndex;
        private long beatsCompared;

        Run(VectorProgram program, int seed, Stalls stalls) {
            this.program = program;
            this.expected = program.expected();
            this.seed = seed;
            this.stalls = stalls;
        }

        Report report() {
            return new Report(program.commands().size(), beatsCompared, expected.elements(), tb.cycles(),
                    tb.failures().count(), tb.failures().first(), List.copyOf(timings));
        }

        void drive(Simulation.Cycle<VectorUnit> c) {
            VectorUnit dut = c.dut();
            int lanes = config.lanes();
            long limit = 2000 + 4L * config.rows() + 100;
            tb = new Testbench<>(c, seed, new Failures(MAX_REPORTED, 200), limit);
            List<Command> cmds = program.commands();
            Iterator<Command> commands = cmds.iterator();
            Iterator<long[]> data = expected.dataBeats().iterator();
            StreamDriver<Command> cmd = tb.driver(dut.sAxisCmd, stalls.cmd(),
                    x -> c.set(dut.sAxisCmd.payload(), VectorProgram.word(x)), null);
            StreamDriver<long[]> dat = tb.driver(dut.sAxisData, stalls.data(), x -> {
                for (int j = 0; j < lanes; j++) {
                    c.set(dut.sAxisData.payload().d[j], x[j]);
                }
            }, () -> {
                for (int j = 0; j < lanes; j++) {
                    c.set(dut.sAxisData.payload().d[j], tb.rng().nextInt());
                }
            });
            StreamMonitor out = tb.monitor("m_axis_data", dut.mAxisData, stalls.out(), () -> {
                long[] beat = new long[lanes + 1];
                for (int j = 0; j < lanes; j++) {
                    beat[j] = c.get(dut.mAxisData.payload().d[j]);
                }
                beat[lanes] = c.get(dut.mAxisData.payload().last) ? 1 : 0;
                return beat;
            });
            var p = dut.mAxisRsp.payload();
            StreamMonitor rsp = tb.monitor("m_axis_rsp", dut.mAxisRsp, stalls.rsp(),
                    () -> new long[] {c.get(p.tag), c.get(p.opcode), c.get(p.status), c.get(p.value), c.get(p.index)});
            List<Long> accepted = new ArrayList<>();
            int total = expected.responses().size();
            while (rspIndex < total) {
                cmd.drive(() -> commands.hasNext() ? commands.next() : null);
                dat.drive(() -> data.hasNext() ? data.next() : null);
                out.drive();
                rsp.drive();
                tb.tick();
                if (cmd.sample() != null) {
                    accepted.add(tb.cycles());
                }
                dat.sample();
                long[] beat = out.sample();
                if (beat != null) {
                    checkBeat(beat);
                }
                long[] r = rsp.sample();
                if (r != null) {
                    Command k = cmds.get(rspIndex);
                    timings.add(new Timing(k.op(), k.len(), (int) r[2], tb.cycles() - accepted.get(rspIndex)));
                    checkResponse(r);
                }
                if (tb.timedOut(() -> "commands sent " + cmd.beats() + "/" + cmds.size() + ", data " + dat.beats() + "/"
                        + expected.dataBeats().size() + ", responses " + rspIndex + "/" + total + ", store beats "
                        + beatIndex + "/" + expected.storeBeats().size()) || tb.failures().tooMany()) {
                    break;
                }
            }
            if (beatIndex != expected.storeBeats().size()) {
                tb.fail("store beats: expected " + expected.storeBeats().size() + ", got " + beatIndex);
            }
        }

        private void checkBeat(long[] beat) {
            List<long[]> e = expected.storeBeats();
            if (beatIndex >= e.size()) {
                tb.fail("unexpected store beat " + Arrays.toString(beat));
            } else if (!Arrays.equals(e.get(beatIndex), beat)) {
                tb.fail("store beat " + beatIndex + ": expected " + Arrays.toString(e.get(beatIndex)) + ", got "
                        + Arrays.toString(beat));
            } else {
                beatsCompared++;
            }
            beatIndex++;
        }

        private void checkResponse(long[] r) {
            Response e = expected.responses().get(rspIndex);
            Command k = program.commands().get(rspIndex);
            long[] want = {e.tag(), e.op() & 0xF, e.status(), e.value(), e.index()};
            if (!Arrays.equals(want, r)) {
                tb.fail("response " + rspIndex + " to " + k + ": expected " + Arrays.toString(want) + ", got "
                        + Arrays.toString(r));
            }
            rspIndex++;
        }
    }
}
