package org.chiltepin.hw.fpga;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.verif.host.Crc16;
import org.chiltepin.verif.host.HostClient;
import org.chiltepin.verif.host.HostGemm;
import org.chiltepin.verif.host.SimBoard;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole board top in Verilator, driven bit by bit through its UART pins. */
class BoardCosimTest {
    private static SimBoard board;

    @BeforeAll
    static void build() {
        board = SimBoard.compile(BoardConfig.simulation(GemmConfig.preset("tiny")), Path.of("target", "sim-fpga"),
                Simulation.Options.DEFAULT);
    }

    private static HostClient client(org.chiltepin.verif.host.HostLink link) {
        GemmConfig g = board.config().gemm();
        return new HostClient(link, g.cols(), g.dataBytes(), 100);
    }

    @Test
    void crcMatchesTheCatalogueCheckValue() {
        assertEquals(0x29B1, Crc16.of("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void gemmThroughTheHostProtocolMatchesTheGoldenModel() {
        HostGemm.Result r = board.run("gemm_8x16x8", 1, link -> new HostGemm(client(link), board.config())
                .run(link, 8, 16, 8, 1));
        assertTrue(r.passed(), r.mismatches().toString());
        assertEquals(8 * (8 / 2), r.resultBeats());   // STORE: M rows × ⌈N / cols⌉ beats
    }

    @Test
    void performanceCountersAreReadThroughTheProtocol() {
        long[] c = board.run("counters", 5, link -> {
            HostClient client = client(link);
            HostGemm.Result r = new HostGemm(client, board.config()).run(link, 4, 8, 4, 5);
            assertTrue(r.passed(), r.mismatches().toString());
            return new long[] {HostGemm.readCounter(client, org.chiltepin.hw.gemm.GemmCommand.CYCLES),
                    HostGemm.readCounter(client, org.chiltepin.hw.gemm.GemmCommand.MAC_ACTIVE), link.cycles()};
        });
        // The engine counts from reset; a 4×8·8×4 GEMM on a 2×2 array keeps the MACs busy for some cycles.
        assertTrue(c[1] > 0, "MAC-active " + c[1]);
        assertTrue(c[0] > c[1], "cycles " + c[0] + " vs MAC-active " + c[1]);
        assertTrue(c[0] <= c[2] + 100, "cycles " + c[0] + " vs simulated " + c[2]);
    }

    @Test
    void statusReportsTheArrayShape() {
        HostClient.Status s = board.run("status", 1, link -> client(link).status());
        assertEquals(2, s.rows());
        assertEquals(2, s.cols());
        assertEquals(0, s.errors());
    }

    @Test
    void corruptedFrameIsRejectedAndTheBoardStaysResponsive() {
        board.run("bad_crc", 2, link -> {
            HostClient c = client(link);
            byte[] f = HostClient.frame(HostProtocol.STATUS, new byte[0]);
            f[f.length - 1] ^= 0x01;
            HostClient.Reply r = c.exchangeRaw(f);
            assertEquals(HostProtocol.TYPE_ERROR, r.type());
            assertEquals(HostProtocol.ERR_BAD_CRC, r.payload()[0]);
            // A flipped payload bit is caught as well.
            byte[] g = HostClient.frame(HostProtocol.WRITE_CMD, new byte[16]);
            g[5] ^= 0x40;
            assertEquals(HostProtocol.ERR_BAD_CRC, c.exchangeRaw(g).payload()[0]);
            HostClient.Status s = c.status();
            assertEquals(2, s.errors());
            HostGemm.Result ok = new HostGemm(c, board.config()).run(link, 3, 5, 3, 7);
            assertTrue(ok.passed(), ok.mismatches().toString());
            return null;
        });
    }

    @Test
    void truncatedFrameTimesOutIntoAnErrorFrame() {
        board.run("truncated", 3, link -> {
            HostClient c = client(link);
            byte[] f = HostClient.frame(HostProtocol.WRITE_CMD, new byte[16]);
            HostClient.Reply r = c.exchangeRaw(Arrays.copyOf(f, 9));
            assertEquals(HostProtocol.TYPE_ERROR, r.type());
            assertArrayEquals(new byte[] {HostProtocol.ERR_TIMEOUT, HostProtocol.WRITE_CMD, 0}, r.payload());
            assertEquals(1, c.status().errors());
            return null;
        });
    }

    @Test
    void unknownCommandsAndBadLengthsAreAnsweredWithErrors() {
        board.run("illegal", 4, link -> {
            HostClient c = client(link);
            HostClient.Reply r = c.exchangeRaw(HostClient.frame(0x42, new byte[] {1, 2, 3}));
            assertArrayEquals(new byte[] {HostProtocol.ERR_UNKNOWN_CMD, 0x42, 0}, r.payload());
            r = c.exchangeRaw(HostClient.frame(HostProtocol.WRITE_CMD, new byte[15]));
            assertArrayEquals(new byte[] {HostProtocol.ERR_BAD_LENGTH, HostProtocol.WRITE_CMD, 15}, r.payload());
            r = c.exchangeRaw(HostClient.frame(HostProtocol.WRITE_DATA, new byte[4]));   // not whole 3-byte beats
            assertArrayEquals(new byte[] {HostProtocol.ERR_BAD_LENGTH, HostProtocol.WRITE_DATA, 4}, r.payload());
            // Garbage between frames is skipped.
            link.send(new byte[] {0x00, 0x13, (byte) 0xFF});
            assertEquals(3, c.status().errors());
            // Data with no LOAD to take it: the engine never accepts it, the board answers ENGINE_BUSY.
            r = c.exchangeRaw(HostClient.frame(HostProtocol.WRITE_DATA, new byte[3]));
            assertArrayEquals(new byte[] {HostProtocol.ERR_ENGINE_BUSY, HostProtocol.WRITE_DATA, 0}, r.payload());
            HostGemm.Result ok = new HostGemm(c, board.config()).run(link, 4, 4, 4, 3);
            assertTrue(ok.passed(), ok.mismatches().toString());
            return null;
        });
    }
}
