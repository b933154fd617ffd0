package org.chiltepin.hdl;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import scala.runtime.BoxedUnit;
import spinal.core.BaseType;
import spinal.core.BitVector;
import spinal.core.Bool;
import spinal.core.ClockDomain;
import spinal.core.sim.SimCompiled;
import spinal.core.sim.SpinalSimConfig;

/**
 * A block compiled with Verilator through SpinalSim, to be driven cycle by cycle from Java.
 * Compile once per configuration and run many test bodies on it: the Verilator build is the
 * expensive part (seconds), a run is cheap. SpinalSim reuses a cached build when the Verilog
 * is unchanged.
 *
 * <p>Timing model of a {@link Cycle}: inputs set with {@code set} are applied before the next
 * rising edge; {@link Cycle#tick()} advances to that edge, and reads then show what the edge
 * sampled: registers before their update, combinational signals computed from them and from the
 * inputs as set. So {@code valid && ready} read after {@code tick()} says whether a stream beat
 * was transferred at that edge, and the payload read is the one transferred.
 */
public final class Simulation<T extends Block> {
    private static final spinal.core.sim.package$ SIM = spinal.core.sim.package$.MODULE$;
    /** Clock period in simulator time units (the value only matters for waveforms). */
    private static final long PERIOD = 10;
    private static final int RESET_CYCLES = 4;

    private final SimCompiled<T> compiled;
    private final String buildLog;

    private Simulation(SimCompiled<T> compiled, String buildLog) {
        this.compiled = compiled;
        this.buildLog = buildLog;
    }

    /** Options of a Verilator build. */
    public record Options(boolean wave, boolean coverage) {
        public static final Options DEFAULT = new Options(false, false);
    }

    /** Elaborates {@code top} and builds it with Verilator in {@code workspace}. */
    public static <T extends Block> Simulation<T> compile(Supplier<T> top, Path workspace, Options options) {
        SpinalSimConfig config = SIM.SimConfig()
                .withConfig(Verilog.config(workspace.resolve("rtl")))
                .withVerilator()
                .workspacePath(workspace.toString());
        if (options.wave()) {
            config = config.withVcdWave();
        }
        if (options.coverage()) {
            config = config.withCoverage();
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SpinalSimConfig finalConfig = config;
        try (PrintStream quiet = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            SimCompiled<T> compiled = scala.Console$.MODULE$.withOut(quiet,
                    () -> finalConfig.compile(() -> Hdl.build(top)));
            return new Simulation<>(compiled, log.toString(StandardCharsets.UTF_8));
        } catch (HdlException e) {
            throw e;
        } catch (Throwable t) {
            throw new HdlException("simulation build failed: " + Verilog.clean(t)
                    + "\n" + log.toString(StandardCharsets.UTF_8), t);
        }
    }

    /** What SpinalSim and Verilator printed during the build. */
    public String buildLog() {
        return buildLog;
    }

    /**
     * Runs {@code body} on a fresh instance of the model: the clock is started, the synchronous
     * reset is held for a few cycles and released, then {@code body} drives the design.
     * Exceptions thrown by the body propagate.
     */
    public void run(String name, int seed, Consumer<Cycle<T>> body) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream quiet = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            scala.Console$.MODULE$.withOut(quiet, () -> {
                compiled.doSim(name, seed, dut -> {
                    Cycle<T> cycle = new Cycle<>(dut);
                    cycle.start();
                    body.accept(cycle);
                    return BoxedUnit.UNIT;
                });
                return BoxedUnit.UNIT;
            });
        }
    }

    /** The handle a test body uses to drive and observe the design. */
    public static final class Cycle<T extends Block> {
        private final T dut;
        private final ClockDomain clock;
        private long count;

        Cycle(T dut) {
            this.dut = dut;
            this.clock = dut.clockDomain().get();
        }

        void start() {
            // Inputs start at zero, not at Verilator's random power-up values, so the design
            // idles through reset and the body starts from a known state.
            for (BaseType io : scala.jdk.javaapi.CollectionConverters.asJava(dut.getOrdredNodeIo())) {
                if (io.isInput() && io != clock.clock() && io != clock.reset()) {
                    SIM.setLong(io, 0);
                }
            }
            SIM.SimClockDomainPimper(clock).forkStimulus(PERIOD, 0, RESET_CYCLES);
            SIM.SimClockDomainPimper(clock).waitSampling(RESET_CYCLES + 2);
        }

        public T dut() {
            return dut;
        }

        /** Rising edges since the end of reset. */
        public long count() {
            return count;
        }

        public void set(BaseType signal, long value) {
            SIM.setLong(signal, value);
        }

        /** Sets a signal of any width (two's complement for negative values of a SInt). */
        public void set(BaseType signal, java.math.BigInteger value) {
            SIM.setBigInt(signal, scala.math.BigInt.apply(value));
        }

        public void set(Bool signal, boolean value) {
            SIM.setLong(signal, value ? 1 : 0);
        }

        /** The value of a SInt (sign-extended), UInt or Bits signal; at most 64 bits. */
        public long get(BitVector signal) {
            return SIM.SimBitVectorPimper(signal).toLong();
        }

        /** The value of a signal of any width (unsigned for UInt and Bits, signed for SInt). */
        public java.math.BigInteger getBig(BitVector signal) {
            return SIM.SimBitVectorPimper(signal).toBigInt().bigInteger();
        }

        public boolean get(Bool signal) {
            return SIM.SimBoolPimper(signal).toBoolean();
        }

        /** Advances one rising clock edge. */
        public void tick() {
            SIM.SimClockDomainPimper(clock).waitSampling();
            count++;
        }

        public void tick(int n) {
            SIM.SimClockDomainPimper(clock).waitSampling(n);
            count += n;
        }
    }
}
