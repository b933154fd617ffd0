package org.chiltepin.hw.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.golden.VectorMachine;
import org.chiltepin.verif.vector.RandomVectorPrograms;
import org.chiltepin.verif.vector.VectorHarness;
import org.chiltepin.verif.vector.VectorHarness.Report;
import org.chiltepin.verif.vector.VectorHarness.Stalls;
import org.chiltepin.verif.vector.VectorProgram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The emitted vector unit (tiny preset) against the golden model: random programs, random stalls, the edges. */
class VectorUnitCosimTest {
    static VectorHarness tiny;

    @BeforeAll
    static void build() {
        tiny = VectorHarness.compile(VectorConfig.preset("tiny"), Path.of("target/sim-vector-tiny"), Simulation.Options.DEFAULT);
    }

    private static void passes(Report r) {
        assertEquals(0, r.failures(), String.join("\n", r.mismatches()));
        assertTrue(r.beatsCompared() > 0, "store beats were compared");
    }

    @Test
    void randomProgramsWithRandomStallsMatchTheGoldenModel() {
        for (int seed = 1; seed <= 3; seed++) {
            VectorProgram p = RandomVectorPrograms.generate(4, 256, seed, 150);
            passes(tiny.run(p, seed, Stalls.RANDOM));
        }
        passes(tiny.run(RandomVectorPrograms.generate(4, 256, 9, 150), 9, Stalls.NONE));
    }

    @Test
    void everyTableEntryOfTheExponentialAndSigmoidMatches() {
        passes(tiny.run(RandomVectorPrograms.tables(4, 256), 5, Stalls.RANDOM));
    }

    @Test
    void edgesOfRmsQuantRopeSoftmaxAndSaturationMatch() {
        passes(tiny.run(RandomVectorPrograms.edges(4, 256), 7, Stalls.RANDOM));
    }

    @Test
    void illegalCommandsAnswerAnErrorAndChangeNothing() {
        VectorProgram p = new VectorProgram(4, 256);
        p.add(new VectorMachine.Command(VectorMachine.LOAD, 0, 1, 0, 0, 0, 8, 0, 0), new long[] {1, 2, 3, 4, 5, 6, 7, 8});
        for (int op : new int[] {0, 14, 15}) {
            p.add(new VectorMachine.Command(op, 0, 2, 0, 0, 0, 8, 1, 0), null);
        }
        p.add(new VectorMachine.Command(VectorMachine.ADD, 0, 3, 0, 0, 0, 0, 1, 0), null);    // length 0
        p.add(new VectorMachine.Command(VectorMachine.SCALE, 0, 4, 0, 0, 0, 257, 1, 0), null); // beyond the scratchpad
        p.add(new VectorMachine.Command(VectorMachine.SCALE, 0, 5, 252, 0, 0, 8, 1, 0), null); // dst out of range
        p.add(new VectorMachine.Command(VectorMachine.LOAD, 0, 6, 2, 0, 0, 4, 0, 0), null);    // misaligned: no data taken
        p.add(new VectorMachine.Command(VectorMachine.ROPE, 0, 7, 0, 0, 8, 3, 0, 14), null);  // odd length
        p.add(new VectorMachine.Command(VectorMachine.QUANT, 0, 7, 0, 0, 256, 8, 0, 0), null); // scale word past the end
        p.add(new VectorMachine.Command(VectorMachine.RMS, 0, 7, 255, 0, 0, 8, 1, 0), null);   // result past the end
        // dst overlapping srcA at another start, right after a command that is not a QUANT
        p.add(new VectorMachine.Command(VectorMachine.QUANT, 0, 7, 4, 0, 100, 8, 0, 0), null);
        p.add(new VectorMachine.Command(VectorMachine.STORE, 0, 7, 0, 0, 0, 8, 0, 0), null);
        Report r = tiny.run(p, 3, Stalls.RANDOM);
        passes(r);
        int[] statuses = r.timings().stream().mapToInt(VectorHarness.Timing::status).toArray();
        assertEquals("[0, 1, 1, 1, 2, 2, 3, 3, 2, 3, 3, 3, 0]", java.util.Arrays.toString(statuses));
    }
}
