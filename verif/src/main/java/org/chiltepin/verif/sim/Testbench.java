package org.chiltepin.verif.sim;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.Simulation;
import spinal.lib.Stream;

/**
 * The frame of one co-simulation run (one {@code Simulation.run} of a {@link Harness}): the simulation handle, the run's random generator (seeded,
 * so a seed repeats a run: data, idle cycles, back-pressure), the cycle count, the
 * {@link Watchdog} and the capped {@link Failures}; and the factory of the run's stream drivers and
 * monitors, whose transfers count as progress for the watchdog.
 *
 * <p>A run's loop:
 * <pre>{@code
 * Testbench<Dut> tb = new Testbench<>(cycle, seed, new Failures(20, 1000), watchdogLimit);
 * StreamDriver<Beat> in = tb.driver(dut.sAxis, stall, beat -> ..., () -> ... random payload ...);
 * StreamMonitor out = tb.monitor("m_axis", dut.mAxis, stall, () -> new long[] {...});
 * while (true) {
 *     in.drive(source::poll);
 *     out.drive();
 *     tb.tick();
 *     in.sample();
 *     long[] beat = out.sample();          // compare with the golden model; tb.fail("...") on a mismatch
 *     if (done) break;
 *     if (tb.timedOut(() -> "what is outstanding") || tb.failures().tooMany()) break;
 * }
 * }</pre>
 *
 * @param <T> the design
 */
public final class Testbench<T extends Block> {
    private final Simulation.Cycle<T> sim;
    private final RandomGenerator rng;
    private final Failures failures;
    private final Watchdog watchdog;
    private long cycles;

    /**
     * @param sim           the run's simulation handle
     * @param seed          seed of the run's random generator (a Mersenne Twister)
     * @param failures      where failures go
     * @param watchdogLimit cycles without any transfer that fail the run
     */
    public Testbench(Simulation.Cycle<T> sim, int seed, Failures failures, long watchdogLimit) {
        this.sim = sim;
        this.rng = new MersenneTwister(seed);
        this.failures = failures;
        this.watchdog = new Watchdog(watchdogLimit);
    }

    /** The run's simulation handle: the design, its signals, the clock. */
    public Simulation.Cycle<T> sim() {
        return sim;
    }

    /** The run's random generator: stimulus, idle cycles and back-pressure all draw from it. */
    public RandomGenerator rng() {
        return rng;
    }

    /** Records a failure, with the cycle it was seen at appended: {@code "... (cycle 120)"}. */
    public void fail(String description) {
        failures.add(description + " (cycle " + cycles + ")");
    }

    /** The run's failures: count, the first described, whether to stop. */
    public Failures failures() {
        return failures;
    }

    /** Rising edges since the run started. */
    public long cycles() {
        return cycles;
    }

    /**
     * A driver of the input stream {@code port}.
     *
     * @param stall probability that the driver idles in a cycle with no beat on offer
     * @param write writes a beat's payload into the port
     * @param idle  sets random payload on idle cycles, or null to leave the payload as it is
     */
    public <B> StreamDriver<B> driver(Stream<?> port, double stall, Consumer<? super B> write, Runnable idle) {
        return new StreamDriver<>(this, port, stall, write, idle);
    }

    /**
     * A monitor of the output stream {@code port}.
     *
     * @param name  the port's Verilog name, for failure messages
     * @param stall probability that the sink refuses a beat in a cycle
     * @param read  reads the payload fields as one array (compared whole for the stall-hold rule)
     */
    public StreamMonitor monitor(String name, Stream<?> port, double stall, Supplier<long[]> read) {
        return new StreamMonitor(this, name, port, stall, read);
    }

    /** Advances one rising edge: the cycle count and the watchdog's idle count go up. */
    public void tick() {
        sim.tick();
        cycles++;
        watchdog.tick();
    }

    /** Progress that is not a stream transfer (e.g. a memory model's beat). */
    public void progress() {
        watchdog.progress();
    }

    /**
     * True, with a watchdog failure recorded, when nothing moved for longer than the limit.
     *
     * @param state what is outstanding, for the message
     */
    public boolean timedOut(Supplier<String> state) {
        if (!watchdog.expired()) {
            return false;
        }
        fail("watchdog: nothing moved for " + watchdog.idle() + " cycles: " + state.get());
        return true;
    }
}
