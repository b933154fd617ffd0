package org.chiltepin.verif.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.chiltepin.hdl.Simulation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stream driver, monitor and watchdog on a Verilated one-beat register ({@link Relay}):
 * every beat arrives once, in order, under random stalls on both sides; the driver holds a
 * refused beat; the monitor catches a design that changes a stalled beat; the watchdog ends a run
 * that stops.
 */
class TestbenchTest {
    private static Simulation<Relay> relay;

    @BeforeAll
    static void compile() {
        relay = Simulation.compile(Relay::new, Path.of("target", "sim-core"), Simulation.Options.DEFAULT);
    }

    /** What a run saw. */
    record Seen(List<Long> delivered, long refused, long failures, List<String> first, long cycles, int holdViolations) {
    }

    /**
     * Streams 0..beats-1 through the relay, input and output stalled with probability {@code stall},
     * the sink refusing everything when {@code blockSink}; checks, from outside the driver, that a
     * refused input beat is offered again unchanged.
     */
    private static Seen run(int beats, double stall, boolean corrupt, boolean blockSink) {
        List<Long> delivered = new ArrayList<>();
        long[] result = new long[4];
        List<String> first = new ArrayList<>();
        relay.run("core", 5, c -> {
            Relay dut = c.dut();
            c.set(dut.corrupt, corrupt);
            Testbench<Relay> tb = new Testbench<>(c, 5, new Failures(5, 50), 100);
            Deque<Long> source = new ArrayDeque<>();
            for (long i = 0; i < beats; i++) {
                source.add(i);
            }
            StreamDriver<Long> in = tb.driver(dut.sAxis, stall, b -> c.set(dut.sAxis.payload(), b),
                    () -> c.set(dut.sAxis.payload(), 200 + tb.rng().nextInt(50)));
            StreamMonitor out = tb.monitor("m_axis", dut.mAxis, stall, () -> new long[] {c.get(dut.mAxis.payload())});
            long[] refusedBeat = null;
            while (delivered.size() < beats) {
                in.drive(source::poll);
                out.drive(!blockSink);
                if (refusedBeat != null && (!c.get(dut.sAxis.valid()) || c.get(dut.sAxis.payload()) != refusedBeat[0])) {
                    result[3]++;
                }
                tb.tick();
                in.sample();
                refusedBeat = in.offered() != null ? new long[] {in.offered()} : null;
                long[] beat = out.sample();
                if (beat != null) {
                    delivered.add(beat[0]);
                }
                if (tb.timedOut(() -> source.size() + " beats not sent") || tb.failures().tooMany()) {
                    break;
                }
            }
            result[0] = in.refused();
            result[1] = tb.failures().count();
            result[2] = tb.cycles();
            first.addAll(tb.failures().first());
        });
        return new Seen(delivered, result[0], result[1], first, result[2], (int) result[3]);
    }

    @Test
    void everyBeatArrivesOnceInOrderUnderStallsAndARefusedBeatIsHeld() {
        Seen s = run(200, 0.4, false, false);
        assertEquals(0, s.failures(), s.first().toString());
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 200; i++) {
            expected.add(i);
        }
        assertEquals(expected, s.delivered());
        assertTrue(s.refused() > 0, "back-pressure must have refused some input beats");
        assertEquals(0, s.holdViolations(), "the driver changed or withdrew a refused beat");
        assertTrue(s.cycles() > 200, "stalls take cycles: " + s.cycles());
    }

    @Test
    void withoutStallsABeatMovesEveryCycle() {
        Seen s = run(50, 0, false, false);
        assertEquals(0, s.failures(), s.first().toString());
        assertEquals(0, s.refused());
        assertEquals(51, s.cycles(), "one beat per cycle, plus the register's cycle");
    }

    @Test
    void theMonitorCatchesAStalledBeatThatChanges() {
        Seen s = run(200, 0.4, true, false);
        assertTrue(s.failures() > 0, "a corrupting relay went unnoticed");
        assertTrue(s.first().get(0).startsWith("protocol: m_axis beat changed or dropped while stalled: ["), s.first().get(0));
        assertTrue(s.first().get(0).matches(".*\\(cycle \\d+\\)"), s.first().get(0));
    }

    @Test
    void theWatchdogEndsARunThatStops() {
        Seen s = run(10, 0, false, true);
        assertEquals(1, s.failures(), s.first().toString());
        assertTrue(s.first().get(0).startsWith("watchdog: nothing moved for 101 cycles: "), s.first().get(0));
        assertArrayEquals(new Object[0], s.delivered().toArray());
    }
}
