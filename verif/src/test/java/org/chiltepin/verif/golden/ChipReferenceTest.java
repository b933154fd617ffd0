package org.chiltepin.verif.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.ChipReference.Response;
import org.chiltepin.verif.golden.GemmReference.Command;
import org.junit.jupiter.api.Test;

class ChipReferenceTest {
    private static final GemmReference.Params TINY = new GemmReference.Params(2, 2, 256, 256, 128, 16);
    private static final ChipReference.Params CHIP = new ChipReference.Params(4, Set.of(2, 3), TINY, 256);

    /** A 2×3 · 3×2 GEMM on tile 3, all operands through memory; the stored words equal the direct GEMM. */
    @Test
    void gemmThroughMemoryMatchesDirectGemm() {
        Random rng = new Random(5);
        int[][] a = new int[2][3];
        int[][] b = new int[3][2];
        int[] mult = {rng.nextInt(30000) + 1, -rng.nextInt(30000) - 1};
        int[] shift = {9, 12};
        for (int[] row : a) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rng.nextInt(256) - 128;
            }
        }
        for (int[] row : b) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rng.nextInt(256) - 128;
            }
        }
        long[] mem = new long[256];
        for (int k = 0; k < 3; k++) {
            mem[10 + k] = (a[0][k] & 0xFF) | (a[1][k] & 0xFF) << 8;
            mem[20 + k] = (b[k][0] & 0xFF) | (b[k][1] & 0xFF) << 8;
        }
        for (int j = 0; j < 2; j++) {
            mem[30 + j] = (mult[j] & 0xFFFF) | (long) shift[j] << 16;
        }
        List<HostCommand> prog = List.of(
                new HostCommand(3, 10, Command.of(GemmReference.LOAD_A, 1, false, 0, 0, 0, 3, 0, 0)),
                new HostCommand(3, 20, Command.of(GemmReference.LOAD_B, 2, false, 0, 0, 0, 3, 0, 0)),
                new HostCommand(3, 30, Command.of(GemmReference.LOAD_SCALE, 3, false, 0, 0, 0, 2, 0, 0)),
                new HostCommand(3, 0, Command.of(GemmReference.COMPUTE, 4, false, 0, 0, 0, 2, 2, 3)),
                new HostCommand(3, 40, Command.of(GemmReference.STORE, 5, false, 0, 0, 0, 2, 2, 0)));
        ChipReference chip = new ChipReference(CHIP, mem);
        chip.run(prog);
        int[][] c = GemmReference.gemm(a, b, mult, shift, false);
        for (int r = 0; r < 2; r++) {
            long expect = (c[r][0] & 0xFF) | (c[r][1] & 0xFF) << 8;
            assertEquals(expect, chip.memory()[40 + r], "row " + r);
        }
        for (Response r : chip.responses()) {
            assertEquals(GemmReference.OK, r.status(), r.toString());
            assertEquals(3, r.node());
        }
        assertEquals(0, mem[40], "the caller's array is not written");
    }

    /** Misaddressed and out-of-range commands answer an error and change no memory. */
    @Test
    void illegalCommandsChangeNothing() {
        long[] mem = new long[256];
        for (int i = 0; i < mem.length; i++) {
            mem[i] = i * 0x0101010101L;
        }
        Command store = Command.of(GemmReference.STORE, 7, false, 0, 0, 0, 2, 2, 0);
        List<HostCommand> prog = new ArrayList<>(List.of(
                new HostCommand(0, 0, store),
                new HostCommand(9, 0, store),
                new HostCommand(2, 255, store),
                new HostCommand(2, 250, Command.of(GemmReference.LOAD_A, 8, false, 0, 0, 0, 7, 0, 0)),
                new HostCommand(2, 254, Command.of(GemmReference.READ_ACC, 9, false, 0, 0, 0, 1, 6, 0)),
                new HostCommand(2, 0, Command.of(GemmReference.STORE, 10, false, 0, 0, 0, 0, 2, 0))));
        ChipReference chip = new ChipReference(CHIP, mem);
        chip.run(prog);
        int[] statuses = chip.responses().stream().mapToInt(Response::status).toArray();
        assertArrayEquals(new int[] {ChipReference.BAD_TILE, ChipReference.BAD_TILE, ChipReference.BAD_MEM,
            ChipReference.BAD_MEM, ChipReference.BAD_MEM, GemmReference.BAD_SIZE}, statuses);
        assertArrayEquals(mem, chip.memory());
        assertEquals(List.of(0, 9, 2, 2, 2, 2), chip.responses().stream().map(Response::node).toList());
    }

    /**
     * READ_ACC on an 8-wide engine writes each result beat as 4 words of two int32 lanes (even lane
     * in bits 31..0), lanes past N as 0: the raw sums of a 3×5 · 5×10 GEMM, computed here directly.
     */
    @Test
    void readAccWritesInt32PairsPerBeat() {
        GemmReference.Params wide = new GemmReference.Params(8, 8, 256, 256, 128, 16);
        ChipReference.Params chipParams = new ChipReference.Params(4, Set.of(2), wide, 256);
        Random rng = new Random(7);
        int m = 3;
        int k = 5;
        int n = 10;
        int[][] a = new int[m][k];
        int[][] b = new int[k][n];
        long[] mem = new long[256];
        for (int kk = 0; kk < k; kk++) {
            for (int i = 0; i < m; i++) {
                a[i][kk] = rng.nextInt(256) - 128;
                mem[kk] |= (a[i][kk] & 0xFFL) << (8 * i);
            }
            for (int j = 0; j < n; j++) {
                b[kk][j] = rng.nextInt(256) - 128;
                mem[10 + (j / 8) * k + kk] |= (b[kk][j] & 0xFFL) << (8 * (j % 8));
            }
        }
        List<HostCommand> prog = List.of(
                new HostCommand(2, 0, Command.of(GemmReference.LOAD_A, 1, false, 0, 0, 0, k, 0, 0)),
                new HostCommand(2, 10, Command.of(GemmReference.LOAD_B, 2, false, 0, 0, 0, 2 * k, 0, 0)),
                new HostCommand(2, 0, Command.of(GemmReference.COMPUTE, 3, false, 0, 0, 0, m, n, k)),
                new HostCommand(2, 100, Command.of(GemmReference.READ_ACC, 4, false, 0, 0, 0, m, n, 0)),
                new HostCommand(2, 256 - 23, Command.of(GemmReference.READ_ACC, 5, false, 0, 0, 0, m, n, 0)));
        ChipReference chip = new ChipReference(chipParams, mem);
        chip.run(prog);
        assertEquals(List.of(0, 0, 0, 0, ChipReference.BAD_MEM),
                chip.responses().stream().map(Response::status).toList());
        assertEquals(24, chip.dmaWords(prog.get(3).cmd()), "3 rows × 2 segments × 4 words");
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < 16; j++) {
                long sum = 0;
                for (int kk = 0; kk < k && j < n; kk++) {
                    sum += a[i][kk] * b[kk][j];
                }
                long word = chip.memory()[100 + (i * 2 + j / 8) * 4 + (j % 8) / 2];
                assertEquals(sum, (int) (word >>> (32 * (j % 2))), "C[" + i + "][" + j + "]");
            }
        }
        assertEquals(mem[100 + 24], chip.memory()[100 + 24], "nothing past the 24 words");
    }

    /** A STORE that ends exactly at the last memory word is legal; one word further is not. */
    @Test
    void memoryRangeEdge() {
        Command store = Command.of(GemmReference.STORE, 1, false, 0, 0, 0, 3, 4, 0); // 3 rows × 2 segments
        ChipReference chip = new ChipReference(CHIP, new long[256]);
        chip.run(List.of(new HostCommand(2, 250, store), new HostCommand(2, 251, store)));
        assertEquals(GemmReference.OK, chip.responses().get(0).status());
        assertEquals(ChipReference.BAD_MEM, chip.responses().get(1).status());
    }

    /**
     * The vector tile's packing STOREs (docs/chip.md §3.3), 8 lanes: int8 saturated, one a word in
     * byte 0 or eight a word; illegal forms answer an error and write nothing.
     */
    @Test
    void vectorPackingStores() {
        ChipReference.Params vp = new ChipReference.Params(4, Set.of(2), TINY, 256, -1, null, 3,
                new ChipReference.VectorParams(8, 64));
        long[] mem = new long[256];
        long[] v = {-300, -128, -127, -1, 0, 1, 127, 128, 5, 200, 3};
        for (int i = 0; i < v.length; i++) {
            mem[i / 2] |= (v[i] & 0xFFFFFFFFL) << (32 * (i % 2));
        }
        ChipReference chip = new ChipReference(vp, mem);
        List<HostCommand> prog = new ArrayList<>();
        prog.add(vec(0, VectorMachine.LOAD, 0, v.length, 0));
        prog.add(vec(100, VectorMachine.STORE, 0, v.length, VectorMachine.PACK_A));
        prog.add(vec(130, VectorMachine.STORE, 0, v.length, VectorMachine.PACK_BYTES));
        chip.run(prog);
        long[] sat = {-128, -128, -127, -1, 0, 1, 127, 127, 5, 127, 3};
        long[] m = chip.memory();
        for (int i = 0; i < 16; i++) { // two whole rows: zeros past len
            assertEquals(i < v.length ? sat[i] & 0xFF : 0, m[100 + i], "A word " + i);
        }
        assertEquals(0, m[116]);
        for (int w = 0; w < 2; w++) {
            long want = 0;
            for (int b = 0; b < 8; b++) {
                int i = 8 * w + b;
                want |= (i < v.length ? sat[i] & 0xFF : 0) << (8 * b);
            }
            assertEquals(want, m[130 + w], "byte word " + w);
        }
        assertEquals(16, vp.vector().moveWords(v.length, VectorMachine.PACK_A));
        assertEquals(2, vp.vector().moveWords(v.length, VectorMachine.PACK_BYTES));
        assertEquals(8, vp.vector().moveWords(v.length, VectorMachine.PACK_INT32));

        long[] before = chip.memory();
        List<HostCommand> bad = List.of(
                vec(256 - 15, VectorMachine.STORE, 0, v.length, VectorMachine.PACK_A), // 16 words: past memory
                vec(256 - 1, VectorMachine.STORE, 0, v.length, VectorMachine.PACK_BYTES), // 2 words: past memory
                vec(200, VectorMachine.STORE, 0, v.length, 3), // pack 3
                vec(200, VectorMachine.LOAD, 0, v.length, VectorMachine.PACK_A), // a pack on a LOAD
                vec(200, VectorMachine.STORE, 3, v.length, VectorMachine.PACK_A), // unaligned source
                vec(200, VectorMachine.STORE, 0, 0, VectorMachine.PACK_BYTES)); // len 0
        ChipReference again = new ChipReference(vp, before);
        again.run(bad);
        int[] want = {ChipReference.BAD_MEM, ChipReference.BAD_MEM, VectorMachine.BAD_OPCODE, VectorMachine.BAD_OPCODE,
                VectorMachine.BAD_RANGE, VectorMachine.BAD_SIZE};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], again.responses().get(i).status(), "illegal form " + i);
        }
        assertArrayEquals(before, again.memory());
    }

    private static HostCommand vec(long memAddr, int op, int src, int len, int pack) {
        int dst = op == VectorMachine.LOAD ? src : 0;
        int srcA = op == VectorMachine.LOAD ? 0 : src;
        return new HostCommand(3, memAddr, new VectorMachine.Command(op, 0, 0, dst, srcA, 0, len, 0, 0, pack));
    }
}
