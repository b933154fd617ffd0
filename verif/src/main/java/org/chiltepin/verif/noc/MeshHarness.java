package org.chiltepin.verif.noc;

import java.nio.file.Path;
import java.util.List;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.noc.Mesh;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.verif.golden.NocReference;
import org.chiltepin.verif.sim.Harness;
import org.chiltepin.verif.sim.HarnessReport;

/**
 * Co-simulates the emitted {@link Mesh} (Verilator) against {@link NocReference}. Per node and
 * network: a Bernoulli traffic generator fills an (optionally bounded) source queue, a driver offers
 * the queue's head on {@code s_axis} (a message once offered stays valid and unchanged), and a sink
 * takes {@code m_axis} under random back-pressure and hands every delivered message to the
 * scoreboard, which checks exactly-once, intact, in-order delivery. In request/response mode every
 * delivered request makes its destination send a response back on the response network, and a
 * node stops taking requests while it has {@link Traffic#responseLimit} responses waiting to leave:
 * the dependency that deadlocks a single shared network. A watchdog fails the run when no message
 * is accepted or delivered for {@link Traffic#watchdog} cycles while messages are outstanding.
 */
public final class MeshHarness extends Harness<NocConfig, Mesh> {
    /**
     * One run's stimulus.
     *
     * @param pattern         destinations of the requests
     * @param load            offered load, flits per node per cycle (Bernoulli: a packet of
     *                        {@code 1 + payload} flits starts with probability load / flits per cycle)
     * @param payload         payload words per packet, or −1 for uniform in 0..maxPayloadFlits
     * @param ejectStall      probability that a sink refuses a delivered message in a cycle
     * @param requestResponse every delivered request is answered on the response network
     * @param warmup          cycles of traffic before the measurement window
     * @param measure         cycles of the measurement window
     * @param drainLimit      cycles allowed after the window for everything to be delivered
     * @param sourceQueue     most packets waiting at a source; generation pauses while full
     *                        (0 = unbounded)
     * @param responseLimit   responses a node may hold before it stops taking requests
     * @param watchdog        cycles without any handshake, while messages are outstanding, that fail the run
     */
    public record Traffic(TrafficPattern pattern, double load, int payload, double ejectStall, boolean requestResponse,
            int warmup, int measure, int drainLimit, int sourceQueue, int responseLimit, int watchdog) {
        public static Traffic of(TrafficPattern pattern, double load, int payload) {
            return new Traffic(pattern, load, payload, 0.0, false, 500, 2000, 20000, 64, 4, 2000);
        }

        public Traffic withStall(double p) {
            return new Traffic(pattern, load, payload, p, requestResponse, warmup, measure, drainLimit, sourceQueue,
                    responseLimit, watchdog);
        }

        public Traffic withRequestResponse(boolean rr) {
            return new Traffic(pattern, load, payload, ejectStall, rr, warmup, measure, drainLimit, sourceQueue,
                    responseLimit, watchdog);
        }

        public Traffic withCycles(int warmupCycles, int measureCycles) {
            return new Traffic(pattern, load, payload, ejectStall, requestResponse, warmupCycles, measureCycles,
                    drainLimit, sourceQueue, responseLimit, watchdog);
        }
    }

    /**
     * Outcome of a run. Latencies are in cycles and cover the packets generated in the measurement
     * window on the request network: {@code latency} from generation (source queueing included),
     * {@code networkLatency} from the {@code s_axis} handshake to the {@code m_axis} handshake.
     * {@code zeroLoadExcess} is the mean of (network latency − analytic zero-load latency) over those
     * packets. Throughputs are flits per node per cycle over the window ({@code offered}: generated
     * into the source queues, which stop growing at their bound); {@code acceptedMinSource} is
     * that of the least served source (beyond saturation nodes are not served equally).
     */
    public record Report(long cycles, long sent, long delivered, long responses, long errors, List<String> faults,
            long lost, boolean deadlock, double offered, double accepted, double latency, double latencyP99,
            double networkLatency, double networkLatencyP99, double minZeroLoadExcess, double zeroLoadExcess,
            double analyticZeroLoad, long measuredPackets, int maxSourceQueue, double acceptedMinSource)
            implements HarnessReport {
        @Override
        public boolean passed() {
            return errors == 0 && lost == 0 && !deadlock;
        }

        /** Faults counted (scoreboard errors and harness failures); lost packets and a deadlock fail too. */
        @Override
        public long failures() {
            return errors;
        }

        @Override
        public List<String> mismatches() {
            return faults;
        }

        public String summary() {
            return String.format(java.util.Locale.ROOT,
                    "%d cycles, %d packets sent, %d delivered (%d responses), %d faults, %d lost%s; generated %.3f, accepted %.3f "
                            + "flits/node/cycle; latency avg %.1f p99 %.1f, network avg %.1f (zero-load model %.1f)",
                    cycles, sent, delivered, responses, errors, lost, deadlock ? ", DEADLOCK" : "", offered, accepted,
                    latency, latencyP99, networkLatency, analyticZeroLoad);
        }
    }

    /** Elaborates and Verilates the mesh for {@code config} in {@code workspace}. */
    public static MeshHarness compile(NocConfig config, Path workspace, Simulation.Options options) {
        return new MeshHarness(config, workspace, options);
    }

    /** Runs {@code traffic} on a fresh model; {@code seed} drives destinations, payloads and stalls. */
    public Report run(Traffic traffic, int seed) {
        MeshTrafficRun run = new MeshTrafficRun(config, traffic, seed);
        sim.run("noc_seed" + seed, seed, run::drive);
        return run.report();
    }

    private MeshHarness(NocConfig config, Path workspace, Simulation.Options options) {
        super(config, Mesh::new, workspace, options);
    }

    /** One packet sent alone through an empty network: its hop count, length and measured latency. */
    public record Isolated(int src, int dst, int hops, int payload, long latency, double model) {
    }

    /**
     * Zero-load measurement: sends {@code count} random packets (random source, destination and length)
     * one at a time through the request network with always-ready sinks, each after the previous one
     * was delivered, and measures each from its {@code s_axis} handshake to its {@code m_axis}
     * handshake. Also checks each delivery against the scoreboard.
     */
    public List<Isolated> isolated(int count, int seed) {
        return MeshDirected.isolated(sim, config, count, seed);
    }

    /**
     * Illegal input: offers messages the mesh cannot deliver (a destination outside the mesh when
     * k or m is not a power of two, and a length above maxPayloadFlits) and then a legal one.
     * Returns the faults found: each illegal message must be taken with {@code dropped} high and
     * never delivered, and the legal one must still arrive.
     */
    public List<String> illegalInput(int seed) {
        return MeshDirected.illegalInput(sim, config, seed);
    }
}
