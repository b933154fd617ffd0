package org.chiltepin.gen;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.fpga.BoardConfig;
import org.chiltepin.hw.gemm.GemmCommand;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.verif.host.HostClient;
import org.chiltepin.verif.host.HostGemm;
import org.chiltepin.verif.host.HostLink;
import org.chiltepin.verif.host.SimBoard;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chiltepin host gemm}: one random GEMM on the board (or its simulation), checked against the golden model. */
@Command(name = "gemm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send random int8 operands to the board over the UART host protocol, run a tiled GEMM with the",
                "engine's own commands, read the results back and compare them with the golden model. Prints PASS or",
                "FAIL and the time taken. --sim runs the same tool against a Verilator model of the whole board top,",
                "its UART driven bit by bit."})
final class HostGemmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    static final class Target {
        @Option(names = "--port", paramLabel = "DEV", description = "Serial port of the board (iCEBreaker: usually /dev/ttyUSB1).")
        String port;

        @Option(names = "--sim", description = "Simulate the board top with Verilator instead.")
        boolean sim;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--m", paramLabel = "M", defaultValue = "8", description = "Rows of A and C (default: ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--k", paramLabel = "K", defaultValue = "16", description = "Columns of A, rows of B (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--n", paramLabel = "N", defaultValue = "8", description = "Columns of B and C (default: ${DEFAULT-VALUE}).")
    int n;

    @Mixin
    StimulusOptions.Seed seed = new StimulusOptions.Seed();

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "fpga-ice40",
            description = "Engine preset the board was built with (default: ${DEFAULT-VALUE}, as fpga build --board icebreaker).")
    String preset;

    @Option(names = "--baud", paramLabel = "BAUD", defaultValue = "115200", description = "Serial baud rate (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "1000",
            description = "How long to wait for each reply byte, in ms (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Mixin
    SimOptions.Work work = new SimOptions.Work();

    @Mixin
    SimOptions.Quiet quiet = new SimOptions.Quiet();

    @Override
    public Integer call() throws java.io.IOException {
        for (var e : new int[][] {{m, 'm'}, {k, 'k'}, {n, 'n'}}) {
            if (e[0] < 1 || e[0] > 4096) {
                throw new ConfigException("--" + (char) e[1], "must be in [1, 4096]", e[0]);
            }
        }
        GemmConfig gemm = FpgaBuildCommand.resolvePreset(preset);
        if (n > gemm.scaleDepth() * 64) {
            throw new ConfigException("--n", "too large for the preset's scale memory", n);
        }
        // The port first: a wrong one is the likeliest mistake, and its error should stand alone.
        HostLink serial = target.sim ? null : new SerialLink(target.port, baud);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("chiltepin host gemm: %d×%d·%d×%d, seed %d, preset %s (%s), %s%n", m, k, k, n, seed.get(), preset,
                GemmKind.INSTANCE.describe(gemm), target.sim ? "simulated board (Verilator)" : target.port + " at " + baud + " baud");
        o.flush();
        HostGemm.Result r;
        HostClient[] client = new HostClient[1];
        BoardConfig bc;
        if (target.sim) {
            bc = BoardConfig.simulation(gemm);
            long t0 = System.nanoTime();
            var err = spec.commandLine().getErr();
            try (var lock = WorkspaceLock.acquire(work.dir, "host gemm --sim", quiet.on ? null : err)) {
                SimBoard board;
                try (var step = Heartbeat.start(err, quiet.on, "building the Verilator model of the board top in " + work.dir)) {
                    board = SimBoard.compile(bc, work.dir, Simulation.Options.DEFAULT);
                }
                o.printf("  board model %s, built in %.1f s; UART %d clocks/bit%n", Cli.verilatorVersion(),
                        (System.nanoTime() - t0) / 1e9, bc.clocksPerBit());
                o.flush();
                try (var step = Heartbeat.start(err, quiet.on, "simulating the board, its UART bit by bit")) {
                    r = board.run("host_gemm", seed.get(), link -> {
                        client[0] = new HostClient(link, gemm.cols(), gemm.dataBytes(), timeoutMs);
                        return check(o, client[0], bc, link);
                    });
                }
            }
        } else {
            bc = BoardConfig.forClock(gemm, FpgaBoard.ICEBREAKER.defaultClockHz(), baud);
            try (HostLink link = serial) {
                client[0] = new HostClient(link, gemm.cols(), gemm.dataBytes(), timeoutMs);
                r = check(o, client[0], bc, link);
            }
        }
        if (r == null) {
            o.println("FAIL");
            o.flush();
            return 1;
        }
        o.printf("  traffic     %d commands, %d operand beats, %d result beats; %d frames, %d bytes out, %d bytes in%n",
                r.commands(), r.dataBeats(), r.resultBeats(), r.frames(), client[0].bytesOut(), client[0].bytesIn());
        if (target.sim) {
            double uart = (client[0].bytesOut() + client[0].bytesIn()) * 10.0 / 115_200;
            o.printf("  time        %.2f s wall clock for %d simulated cycles; on the board the same bytes take ≥ %.2f s of UART at 115200 baud%n",
                    r.seconds(), r.cycles(), uart);
        } else {
            o.printf("  time        %.3f s measured (%.1f MAC/s end to end)%n", r.seconds(), (double) m * k * n / r.seconds());
        }
        if (r.passed()) {
            o.println("PASS");
            o.flush();
            return 0;
        }
        r.mismatches().forEach(x -> o.println("    " + x));
        o.println("FAIL");
        o.flush();
        return 1;
    }

    /** Checks the board's shape with STATUS, then runs the GEMM. */
    private HostGemm.Result check(PrintWriter o, HostClient client, BoardConfig bc, HostLink link) {
        HostClient.Status s;
        try {
            s = client.status();
        } catch (RuntimeException e) {
            o.println("  status      " + e.getMessage() + " (see docs/fpga.md, 'When the board does not answer')");
            return null;
        }
        o.printf("  status      board answers: %d×%d array, %d protocol errors so far%n", s.rows(), s.cols(), s.errors());
        if (s.rows() != bc.gemm().rows() || s.cols() != bc.gemm().cols()) {
            o.printf("  status      the board has a %d×%d array, preset %s is %d×%d: pass the board's --preset%n", s.rows(),
                    s.cols(), preset, bc.gemm().rows(), bc.gemm().cols());
            return null;
        }
        o.flush();
        HostGemm.Result r = new HostGemm(client, bc).run(link, m, k, n, seed.get());
        if (r.passed()) {
            long cycles = HostGemm.readCounter(client, GemmCommand.CYCLES);
            long busy = HostGemm.readCounter(client, GemmCommand.BUSY);
            long mac = HostGemm.readCounter(client, GemmCommand.MAC_ACTIVE);
            o.printf("  counters    engine cycles %d, busy %d, MAC-active %d (READ_COUNTER through the protocol)%n", cycles,
                    busy, mac);
        }
        return r;
    }
}
