package org.chiltepin.verif.chip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.commons.math3.random.MersenneTwister;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.chip.Chip;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.hw.chip.ControlTile;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.ChipReference.Response;
import org.chiltepin.verif.kvcache.AxiMemoryModel;
import org.chiltepin.verif.sim.Failures;
import org.chiltepin.verif.sim.StreamDriver;
import org.chiltepin.verif.sim.StreamMonitor;
import org.chiltepin.verif.sim.Testbench;

/**
 * One co-simulated chip that keeps its state — scratchpads, the KV cache, external memory —
 * across host programs, as a running chip does (a {@link ChipHarness} run starts from reset).
 * The simulation runs on its own thread; {@link #run} hands it a program (host writes into
 * external memory, then phases of commands with a barrier between them) and waits for it. A
 * persistent {@link ChipReference} runs the same programs: every response is matched by (node,
 * tag) and compared field by field, and after each program every memory word the host or the
 * golden model wrote is compared; {@link #close} compares all of memory. No stalls: the figures
 * are the chip's own (memory model at one 8-byte beat per cycle, 1 cycle latency).
 */
public final class ChipSession implements AutoCloseable {
    private static final int MAX_REPORTED = 20;
    /** Cycles without a host or memory beat that fail a program. */
    private static final long WATCHDOG = 50_000;

    private final ChipConfig config;
    private final ChipReference model;
    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final int kvNode;
    private final int vectorNode;

    /**
     * A program's outcome: responses compared, the cycles it took, memory bytes moved, failures,
     * and the cycle (from the program's start) each response arrived, in arrival order.
     */
    public record Report(int commands, long cycles, long bytesRead, long bytesWritten, long failures,
            List<String> mismatches, long[] doneAt) {
        public boolean passed() {
            return failures == 0;
        }
    }

    /** Host writes (memory word → value) then phases; {@code close} marks the last job. */
    private record Job(Map<Integer, Long> writes, List<List<HostCommand>> phases, boolean close,
            CompletableFuture<Report> done) {
    }

    /** Starts a session on {@code harness}'s model with external memory all {@link ChipHarness#FRESH}. */
    public ChipSession(ChipHarness harness) {
        config = harness.config();
        long[] memory = new long[config.memWords()];
        Arrays.fill(memory, ChipHarness.FRESH);
        model = new ChipReference(ChipHarness.params(config), memory);
        kvNode = config.hasKv() ? config.node(ChipConfig.TileKind.KV) : -1;
        vectorNode = config.hasVector() ? config.node(ChipConfig.TileKind.VECTOR) : -1;
        thread = new Thread(() -> {
            try {
                harness.simulation().run("chip_session", 1, this::body);
            } catch (Throwable t) {
                fail(t);
            }
        }, "chip-session");
        thread.setDaemon(true);
        thread.start();
    }

    /** The golden chip after the programs so far (its memory and responses equal the RTL's when they passed). */
    public ChipReference model() {
        return model;
    }

    /**
     * Writes {@code writes} into external memory (the host's DMA, outside the chip) and runs
     * {@code phases}; throws when a response or memory word differs from the golden model's.
     */
    public Report run(Map<Integer, Long> writes, List<List<HostCommand>> phases) {
        Report r = submit(new Job(writes, phases, false, new CompletableFuture<>()));
        if (!r.passed()) {
            throw new IllegalStateException("chip program of " + r.commands() + " commands: " + r.failures()
                    + " failures, first: " + String.join("; ", r.mismatches()));
        }
        return r;
    }

    /** Compares all of external memory and ends the simulation. */
    @Override
    public void close() {
        if (thread.isAlive()) {
            Report r = submit(new Job(Map.of(), List.of(), true, new CompletableFuture<>()));
            if (!r.passed()) {
                throw new IllegalStateException("chip session: " + r.failures() + " failures at the end, first: "
                        + String.join("; ", r.mismatches()));
            }
        }
    }

    private Report submit(Job job) {
        if (!thread.isAlive()) {
            throw new IllegalStateException("chip session: the simulation has ended");
        }
        jobs.add(job);
        try {
            return job.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("chip session: interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("chip session: " + e.getCause(), e.getCause());
        }
    }

    private void fail(Throwable t) {
        for (Job j; (j = jobs.poll()) != null; ) {
            j.done.completeExceptionally(t);
        }
    }

    private record Key(int node, int tag) {
    }

    /** The simulation thread: takes programs until the closing one. */
    private void body(Simulation.Cycle<Chip> sim) {
        Chip dut = sim.dut();
        Testbench<Chip> tb = new Testbench<>(sim, 1, new Failures(MAX_REPORTED, 1000), WATCHDOG);
        AxiMemoryModel memory = new AxiMemoryModel(AxiMemoryModel.Ports.of(dut.mAxi), ChipConfig.FLIT_WIDTH,
                new MersenneTwister(1), 0, 1, 1, tb::fail);
        ControlTile.HostCommand p = dut.sAxisCmd.payload();
        StreamDriver<HostCommand> driver = tb.driver(dut.sAxisCmd, 0, c -> {
            sim.set(p.node, c.node());
            sim.set(p.memAddr, c.memAddr());
            sim.set(p.cmd, c.word());
        }, null);
        ControlTile.HostResponse q = dut.mAxisResp.payload();
        StreamMonitor rsp = tb.monitor("m_axis_resp", dut.mAxisResp, 0,
                () -> new long[] {sim.get(q.node), sim.get(q.tag), sim.get(q.opcode), sim.get(q.status), sim.get(q.value)});
        while (true) {
            Job job;
            try {
                job = jobs.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (job.close) {
                    long failed = tb.failures().count();
                    compare(tb, memory, null);
                    job.done.complete(new Report(0, 0, 0, 0, tb.failures().count() - failed, tb.failures().first(), new long[0]));
                    return;
                }
                job.done.complete(program(job, tb, memory, driver, rsp));
            } catch (Throwable t) {
                job.done.completeExceptionally(t);
                fail(t);
                return;
            }
        }
    }

    private Report program(Job job, Testbench<Chip> tb, AxiMemoryModel memory, StreamDriver<HostCommand> driver,
            StreamMonitor rsp) {
        long failed = tb.failures().count();
        long start = tb.cycles();
        long read0 = memory.bytesRead();
        long written0 = memory.bytesWritten();
        long[] mem = model.memory();
        job.writes.forEach((a, w) -> {
            mem[a] = w;
            memory.put(8L * a, ChipHarness.unsigned(w));
        });
        model.takeWritten();
        int responsesBefore = model.responses().size();
        List<Map<Key, Deque<Response>>> expected = new ArrayList<>();
        List<Integer> due = new ArrayList<>();
        int commands = 0;
        for (List<HostCommand> ph : job.phases) {
            int from = model.responses().size();
            model.run(ph);
            Map<Key, Deque<Response>> want = new HashMap<>();
            for (Response r : model.responses().subList(from, model.responses().size())) {
                want.computeIfAbsent(new Key(r.node(), r.tag()), x -> new ArrayDeque<>()).add(r);
            }
            expected.add(want);
            due.add(model.responses().size() - from);
            commands += ph.size();
        }
        long last = start;
        long[] doneAt = new long[model.responses().size() - responsesBefore];
        int done = 0;
        long moved = -1;
        int phase = 0;
        int offered = 0;
        while (phase < job.phases.size()) {
            if (offered == job.phases.get(phase).size() && due.get(phase) == 0) {
                phase++;
                offered = 0;
                continue;
            }
            int ph = phase;
            int[] at = {offered};
            driver.drive(() -> at[0] < job.phases.get(ph).size() ? job.phases.get(ph).get(at[0]++) : null);
            offered = at[0];
            rsp.drive();
            memory.drive();
            tb.tick();
            memory.observe();
            if (memory.bytesRead() + memory.bytesWritten() != moved) {
                moved = memory.bytesRead() + memory.bytesWritten();
                tb.progress();
            }
            driver.sample();
            long[] r = rsp.sample();
            if (r != null) {
                check(tb, r, expected.get(phase));
                due.set(phase, due.get(phase) - 1);
                last = tb.cycles();
                if (done < doneAt.length) {
                    doneAt[done++] = last - start;
                }
            }
            if (tb.timedOut(() -> "a session program: " + due.get(ph) + " responses outstanding")
                    || tb.failures().tooMany()) {
                break;
            }
        }
        while (memory.busy()) {
            memory.drive();
            tb.tick();
            memory.observe();
        }
        java.util.BitSet check = model.takeWritten();
        job.writes.keySet().forEach(check::set);
        compare(tb, memory, check);
        return new Report(commands, last - start, memory.bytesRead() - read0, memory.bytesWritten() - written0,
                tb.failures().count() - failed, tb.failures().first(), doneAt);
    }

    /** Compares the memory words in {@code words} (every word if null): the host's writes and the golden model's. */
    private void compare(Testbench<Chip> tb, AxiMemoryModel memory, java.util.BitSet words) {
        long[] want = model.memory();
        if (words == null) {
            words = new java.util.BitSet(want.length);
            words.set(0, want.length);
        }
        for (int i = words.nextSetBit(0); i >= 0 && i < want.length && !tb.failures().tooMany(); i = words.nextSetBit(i + 1)) {
            long got = memory.peek(8L * i).longValue();
            if (got != want[i]) {
                tb.fail("memory word " + i + ": expected 0x" + Long.toHexString(want[i]) + ", got 0x" + Long.toHexString(got));
            }
        }
    }

    private void check(Testbench<Chip> tb, long[] r, Map<Key, Deque<Response>> want) {
        Deque<Response> d = want.get(new Key((int) r[0], (int) r[1]));
        Response e = d == null ? null : d.poll();
        if (e == null) {
            tb.fail("unexpected response [node, tag, opcode, status, value] " + Arrays.toString(r));
            return;
        }
        boolean counter = e.opcode() == org.chiltepin.verif.golden.GemmReference.READ_COUNTER
                && e.status() == org.chiltepin.verif.golden.GemmReference.OK && e.node() != kvNode && e.node() != vectorNode;
        long[] w = {e.node(), e.tag(), e.opcode(), e.status(), counter ? r[4] : e.value()};
        if (!Arrays.equals(w, r)) {
            tb.fail("response [node, tag, opcode, status, value]: expected " + Arrays.toString(w) + ", got "
                    + Arrays.toString(r));
        }
    }
}
