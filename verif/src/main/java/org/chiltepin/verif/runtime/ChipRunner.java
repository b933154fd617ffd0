package org.chiltepin.verif.runtime;

import java.util.List;
import java.util.function.Supplier;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.ChipReference.Response;

/**
 * Where the runtime's chip programs run: on the co-simulated RTL ({@link #sim}), checked there
 * response by response and word by word against {@link ChipReference}, or on that golden model
 * alone ({@link #golden}, for fast tests of the programs themselves). Either way the caller reads
 * results from the golden model's final memory and responses, which equal the RTL's whenever a
 * run passes (a failing run throws).
 */
public interface ChipRunner {

    /** A run's outcome: the final memory, every response in program order, and the RTL's figures (0 for golden). */
    record Result(long[] memory, List<Response> responses, long cycles, long bytesRead, long bytesWritten) {
        /** The response to the command with {@code tag} on {@code node} (the last one, tags may repeat). */
        public Response response(int node, int tag) {
            for (int i = responses.size() - 1; i >= 0; i--) {
                Response r = responses.get(i);
                if (r.node() == node && r.tag() == tag) {
                    return r;
                }
            }
            throw new IllegalStateException("no response from node " + node + " with tag " + tag);
        }
    }

    /** The golden model's view of the chip the programs are written for. */
    ChipReference.Params params();

    /** Runs one program (phases in order, a barrier between them) on a chip whose memory starts as {@code memory}. */
    Result run(List<List<HostCommand>> phases, long[] memory);

    /** The golden chip model alone. */
    static ChipRunner golden(ChipConfig config) {
        ChipReference.Params p = ChipHarness.params(config);
        return new ChipRunner() {
            @Override
            public ChipReference.Params params() {
                return p;
            }

            @Override
            public Result run(List<List<HostCommand>> phases, long[] memory) {
                ChipReference model = new ChipReference(p, memory);
                phases.forEach(model::run);
                return new Result(model.memory(), model.responses(), 0, 0, 0);
            }
        };
    }

    /** The Verilated chip {@code compile} builds on the first run (no stalls), against the golden model. */
    static ChipRunner sim(ChipConfig config, Supplier<ChipHarness> compile) {
        ChipReference.Params p = ChipHarness.params(config);
        return new ChipRunner() {
            private ChipHarness chip;

            @Override
            public ChipReference.Params params() {
                return p;
            }

            @Override
            public Result run(List<List<HostCommand>> phases, long[] memory) {
                if (chip == null) {
                    chip = compile.get();
                }
                ChipHarness.Report r = chip.run(phases, memory, 1, ChipHarness.Stalls.NONE);
                if (!r.passed()) {
                    throw new IllegalStateException("chip program of " + r.commands() + " commands: " + r.failures()
                            + " failures, first: " + String.join("; ", r.mismatches()));
                }
                ChipReference model = new ChipReference(p, memory);
                phases.forEach(model::run);
                return new Result(model.memory(), model.responses(), r.lastResponse(), r.bytesRead(), r.bytesWritten());
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
