package org.chiltepin.verif.gemm;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.gemm.GemmEngine;
import org.chiltepin.verif.golden.GemmReference;
import org.chiltepin.verif.golden.GemmReference.Beat;
import org.chiltepin.verif.golden.GemmReference.Params;
import org.chiltepin.verif.golden.GemmReference.Response;

/**
 * Co-simulates the emitted {@link GemmEngine} against {@link GemmReference}: drivers feed the
 * command and data streams, monitors take result beats and responses, each stream with its own
 * random stalls. Every result beat is compared in order, every response by tag (units finish
 * out of order), and a stalled output must hold its beat unchanged. A watchdog fails a run in
 * which nothing moves for too long.
 */
public final class GemmHarness {
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
            List<String> mismatches, Map<Integer, Long> counterReadings) {
        public boolean passed() {
            return failures == 0;
        }
    }

    private final GemmConfig config;
    private final Simulation<GemmEngine> sim;

    private GemmHarness(GemmConfig config, Simulation<GemmEngine> sim) {
        this.config = config;
        this.sim = sim;
    }

    public static GemmHarness compile(GemmConfig config, Path workspace, Simulation.Options options) {
        return new GemmHarness(config, Simulation.compile(() -> new GemmEngine(config), workspace, options));
    }

    /** The golden model's view of a configuration. */
    public static Params params(GemmConfig c) {
        return new Params(c.rows(), c.cols(), c.aDepth(), c.bDepth(), c.accDepth(), c.scaleDepth(), c.weightStationary());
    }

    public GemmConfig config() {
        return config;
    }

    public Report run(GemmProgram program, int seed, Stalls stalls) {
        GemmReference golden = new GemmReference(program.params());
        golden.run(program.commands(), program.data());
        Run run = new Run(program, golden, seed, stalls);
        sim.run("gemm_seed" + seed, seed, run::drive);
        return new Report(program.commands().size(), run.beatsCompared, run.cycles, run.lastResponseCycle, run.failures,
                List.copyOf(run.messages), Map.copyOf(run.counterReadings));
    }

    private static BigInteger little(byte[] bytes) {
        byte[] big = new byte[bytes.length + 1];
        for (int i = 0; i < bytes.length; i++) {
            big[big.length - 1 - i] = bytes[i];
        }
        return new BigInteger(big);
    }

    private final class Run {
        private final GemmProgram program;
        private final RandomGenerator rng;
        private final Stalls stalls;
        private final List<Beat> expectedBeats;
        private final Map<Integer, Deque<Response>> expectedResponses = new HashMap<>();
        private final Map<Integer, Long> counterReadings = new HashMap<>();
        private final List<String> messages = new ArrayList<>();
        private int responsesLeft;
        private long beatsCompared;
        private long cycles;
        private long lastResponseCycle;
        private long failures;

        Run(GemmProgram program, GemmReference golden, int seed, Stalls stalls) {
            this.program = program;
            this.rng = new MersenneTwister(seed);
            this.stalls = stalls;
            this.expectedBeats = golden.beats();
            for (Response r : golden.responses()) {
                expectedResponses.computeIfAbsent(r.tag(), t -> new ArrayDeque<>()).add(r);
            }
            responsesLeft = golden.responses().size();
        }

        private void fail(String m) {
            failures++;
            if (messages.size() < MAX_REPORTED) {
                messages.add(m);
            }
        }

        void drive(Simulation.Cycle<GemmEngine> c) {
            GemmEngine dut = c.dut();
            int cols = config.cols();
            List<GemmReference.Command> commands = program.commands();
            List<byte[]> data = program.data();
            int cmdIndex = 0;
            int dataIndex = 0;
            int beatIndex = 0;
            boolean cmdOffer = false;
            boolean dataOffer = false;
            long[] heldBeat = null;
            long[] heldResp = null;
            long idle = 0;
            // A long COMPUTE moves nothing on the streams while it runs: allow for the longest.
            long longest = 0;
            for (GemmReference.Command cmd : commands) {
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
            long watchdog = 2000 + 20L * (config.rows() + config.cols()) + 2 * longest;
            int tail = 50;
            while (true) {
                if (!cmdOffer && cmdIndex < commands.size() && rng.nextDouble() >= stalls.cmd()) {
                    cmdOffer = true;
                    c.set(dut.sAxisCmd.payload(), commands.get(cmdIndex).word());
                }
                if (!dataOffer && dataIndex < data.size() && rng.nextDouble() >= stalls.data()) {
                    dataOffer = true;
                    c.set(dut.sAxisData.payload(), little(data.get(dataIndex)));
                }
                c.set(dut.sAxisCmd.valid(), cmdOffer);
                c.set(dut.sAxisData.valid(), dataOffer);
                boolean outReady = rng.nextDouble() >= stalls.out();
                boolean respReady = rng.nextDouble() >= stalls.resp();
                c.set(dut.mAxisData.ready(), outReady);
                c.set(dut.mAxisResp.ready(), respReady);
                c.tick();
                cycles++;
                idle++;

                if (cmdOffer && c.get(dut.sAxisCmd.ready())) {
                    cmdOffer = false;
                    cmdIndex++;
                    idle = 0;
                }
                if (dataOffer && c.get(dut.sAxisData.ready())) {
                    dataOffer = false;
                    dataIndex++;
                    idle = 0;
                }
                // Result beats.
                long[] beat = null;
                if (c.get(dut.mAxisData.valid())) {
                    beat = new long[cols + 1];
                    for (int j = 0; j < cols; j++) {
                        beat[j] = c.get(dut.mAxisData.payload().c[j]);
                    }
                    beat[cols] = c.get(dut.mAxisData.payload().last) ? 1 : 0;
                }
                if (heldBeat != null && !Arrays.equals(heldBeat, beat)) {
                    fail("protocol: m_axis_data beat changed or dropped while stalled, cycle " + cycles);
                }
                heldBeat = null;
                if (beat != null && outReady) {
                    idle = 0;
                    if (beatIndex >= expectedBeats.size()) {
                        fail("unexpected result beat " + Arrays.toString(beat) + " at cycle " + cycles);
                    } else {
                        Beat e = expectedBeats.get(beatIndex);
                        Beat got = new Beat(Arrays.copyOf(beat, cols), beat[cols] == 1);
                        if (!e.equals(got)) {
                            fail("result beat " + beatIndex + ": expected " + e + ", got " + got);
                        }
                        beatsCompared++;
                    }
                    beatIndex++;
                } else if (beat != null) {
                    heldBeat = beat;
                }
                // Responses.
                long[] resp = null;
                if (c.get(dut.mAxisResp.valid())) {
                    var p = dut.mAxisResp.payload();
                    resp = new long[] {c.get(p.tag), c.get(p.opcode), c.get(p.status), c.get(p.value)};
                }
                if (heldResp != null && !Arrays.equals(heldResp, resp)) {
                    fail("protocol: m_axis_resp changed or dropped while stalled, cycle " + cycles);
                }
                heldResp = null;
                if (resp != null && respReady) {
                    idle = 0;
                    lastResponseCycle = cycles;
                    checkResponse(resp);
                } else if (resp != null) {
                    heldResp = resp;
                }

                boolean done = cmdIndex == commands.size() && dataIndex == data.size() && responsesLeft == 0
                        && beatIndex >= expectedBeats.size();
                if (done) {
                    if (--tail == 0) {
                        break;
                    }
                } else if (idle > watchdog) {
                    fail("watchdog: nothing moved for " + idle + " cycles at cycle " + cycles + " (commands sent "
                            + cmdIndex + "/" + commands.size() + ", data " + dataIndex + "/" + data.size()
                            + ", responses outstanding " + responsesLeft + ", beats " + beatIndex + "/"
                            + expectedBeats.size() + ")");
                    break;
                }
                if (failures > 200) {
                    break;
                }
            }
        }

        private void checkResponse(long[] resp) {
            int tag = (int) resp[0];
            Deque<Response> q = expectedResponses.get(tag);
            Response e = q == null ? null : q.poll();
            if (e == null) {
                fail("unexpected response tag " + tag + " opcode " + resp[1] + " status " + resp[2]);
                return;
            }
            responsesLeft--;
            if (e.opcode() != resp[1] || e.status() != resp[2]) {
                fail("response tag " + tag + ": expected opcode " + e.opcode() + " status " + e.status() + ", got opcode "
                        + resp[1] + " status " + resp[2]);
            }
            if (e.opcode() == GemmReference.READ_COUNTER && e.status() == GemmReference.OK) {
                counterReadings.put(tag, resp[3]);
            } else if (resp[3] != e.value()) {
                fail("response tag " + tag + ": expected value " + e.value() + ", got " + resp[3]);
            }
        }
    }
}
