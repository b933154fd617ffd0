package org.chiltepin.verif.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.chip.ChipSession;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.ChipReference.Response;

/**
 * A chip that keeps its state between the runtime's programs: on the co-simulated RTL
 * ({@link #sim}, a {@link ChipSession}: every response and every memory word written checked
 * against {@link ChipReference}), or the golden model alone ({@link #golden}, for fast tests of
 * the programs themselves). Either way the caller reads results from the golden model's memory
 * and responses, which equal the RTL's whenever a program passes (a failing program throws).
 */
public interface ChipRunner {

    /**
     * A program's outcome: external memory after it (live: read before the next program), its
     * responses in program order, and the RTL's cycles and memory-port bytes (0 for golden), and
     * the cycle each response arrived, from the program's start (empty for golden).
     */
    record Result(long[] memory, List<Response> responses, long cycles, long bytesRead, long bytesWritten,
            long[] doneAt) {
    }

    /** The golden model's view of the chip the programs are written for. */
    ChipReference.Params params();

    /**
     * Writes {@code writes} (memory word → value) into external memory, then runs {@code phases}
     * (a barrier between them).
     */
    Result run(Map<Integer, Long> writes, List<List<HostCommand>> phases);

    /** The golden chip model alone, external memory starting as {@link ChipHarness#FRESH} words. */
    static ChipRunner golden(ChipConfig config) {
        ChipReference.Params p = ChipHarness.params(config);
        long[] fresh = new long[p.memWords()];
        Arrays.fill(fresh, ChipHarness.FRESH);
        ChipReference model = new ChipReference(p, fresh);
        return new ChipRunner() {
            @Override
            public ChipReference.Params params() {
                return p;
            }

            @Override
            public Result run(Map<Integer, Long> writes, List<List<HostCommand>> phases) {
                writes.forEach((a, w) -> model.memory()[a] = w);
                int from = model.responses().size();
                phases.forEach(model::run);
                return new Result(model.memory(), List.copyOf(model.responses().subList(from, model.responses().size())),
                        0, 0, 0, new long[0]);
            }
        };
    }

    /** The Verilated chip {@code compile} builds, one {@link ChipSession} started on the first program. */
    static ChipRunner sim(ChipConfig config, Supplier<ChipHarness> compile) {
        ChipReference.Params p = ChipHarness.params(config);
        return new ChipRunner() {
            private ChipSession session;

            @Override
            public ChipReference.Params params() {
                return p;
            }

            @Override
            public Result run(Map<Integer, Long> writes, List<List<HostCommand>> phases) {
                if (session == null) {
                    session = new ChipSession(compile.get());
                }
                ChipReference model = session.model();
                int from = model.responses().size();
                ChipSession.Report r = session.run(writes, phases);
                return new Result(model.memory(), List.copyOf(model.responses().subList(from, model.responses().size())),
                        r.cycles(), r.bytesRead(), r.bytesWritten(), r.doneAt());
            }
        };
    }

    /** {@code compile} called at most once, its harness shared by every caller (one Verilated build per engine). */
    static Supplier<ChipHarness> once(Supplier<ChipHarness> compile) {
        ChipHarness[] built = new ChipHarness[1];
        return () -> {
            synchronized (built) {
                if (built[0] == null) {
                    built[0] = compile.get();
                }
                return built[0];
            }
        };
    }
}
