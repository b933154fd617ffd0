package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.commons.math3.random.MersenneTwister;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.verif.golden.GemmReference;
import org.junit.jupiter.api.Test;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * The output unit's requantization lanes (S2..S5 and the word assembly) on their own, Verilated,
 * against {@link GemmReference#requantize}: random accumulators, negative multipliers, shifts from
 * 0 to 255, ReLU on and off, masked lanes, READ_ACC pass-through, one word every cycle.
 */
class RequantPipelineTest {
    private static final Path WORK = Path.of("target", "sim-requant");
    private static final int LANES = 2;

    /** The pipeline between ports: one word (every lane at once) per cycle. */
    static final class Lanes extends Block {
        final Bool valid = in(bool());
        final Bits acc = in(bits(GemmConfig.ACC_WIDTH * LANES));
        final SInt[] mult = new SInt[LANES];
        final UInt[] shift = new UInt[LANES];
        final Bool store = in(bool());
        final Bool relu = in(bool());
        final Bits mask = in(bits(LANES));
        final Bool push = out(bool());
        final Bits word = out(bits(GemmConfig.ACC_WIDTH * LANES + 1));
        final RequantPipeline requant;

        Lanes() {
            for (int j = 0; j < LANES; j++) {
                mult[j] = in(sint(GemmConfig.MULT_WIDTH));
                shift[j] = in(uint(GemmConfig.SHIFT_WIDTH));
            }
            requant = new RequantPipeline(GemmConfig.preset("tiny"),
                    new RequantPipeline.Input(valid, null, acc, valid, store, relu, mask, mult, shift));
            assign(push, requant.pushWord);
            assign(word, requant.queued);
        }
    }

    @Test
    void everyLaneRequantizesLikeTheGoldenModel() {
        Simulation<Lanes> sim = Simulation.compile(Lanes::new, WORK, Simulation.Options.DEFAULT);
        sim.run("requant", 1, c -> {
            Lanes d = c.dut();
            var rng = new MersenneTwister(5);
            Deque<long[]> expected = new ArrayDeque<>();
            int words = 2000;
            int checked = 0;
            for (int cycle = 0; cycle < words + 10; cycle++) {
                boolean valid = cycle < words && rng.nextInt(4) != 0;
                boolean store = rng.nextInt(4) != 0;
                boolean relu = rng.nextBoolean();
                BigInteger accWord = BigInteger.ZERO;
                long[] lanes = new long[LANES];
                int mask = rng.nextInt(1 << LANES);
                for (int j = 0; j < LANES; j++) {
                    int acc = switch (rng.nextInt(4)) {
                        case 0 -> rng.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
                        case 1 -> rng.nextInt(1 << 12) - (1 << 11);
                        default -> rng.nextInt();
                    };
                    int mult = rng.nextInt(1 << 16) - (1 << 15);
                    int shift = rng.nextInt(3) == 0 ? rng.nextInt(256) : rng.nextInt(32);
                    c.set(d.mult[j], mult);
                    c.set(d.shift[j], shift);
                    accWord = accWord.or(BigInteger.valueOf(acc & 0xFFFFFFFFL).shiftLeft(32 * j));
                    boolean on = (mask >> j & 1) == 1;
                    lanes[j] = !on ? 0 : store ? GemmReference.requantize(acc, mult, shift, relu) : acc;
                }
                c.set(d.valid, valid);
                c.set(d.acc, accWord);
                c.set(d.store, store);
                c.set(d.relu, relu);
                c.set(d.mask, mask);
                if (valid) {
                    expected.add(lanes);
                }
                c.tick();
                if (c.get(d.push)) {
                    long[] want = expected.poll();
                    BigInteger got = c.getBig(d.word);
                    assertEquals(1, got.testBit(0) ? 1 : 0, "last travels with the word");
                    for (int j = 0; j < LANES; j++) {
                        int lane = got.shiftRight(1 + 32 * j).intValue();
                        assertEquals(want[j], lane, "word " + checked + " lane " + j);
                    }
                    checked++;
                }
            }
            assertEquals(0, expected.size(), "every word came out");
            assertEquals(true, checked > words / 2, "words checked: " + checked);
        });
    }
}
