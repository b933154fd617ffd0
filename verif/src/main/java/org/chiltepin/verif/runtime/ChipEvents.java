package org.chiltepin.verif.runtime;

import java.util.List;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.chip.MeshTraffic;
import org.chiltepin.verif.golden.ChipReference;
import org.chiltepin.verif.golden.ChipReference.HostCommand;
import org.chiltepin.verif.golden.GemmReference;

/**
 * On-chip SRAM bytes and mesh flit-hops of a chip program, counted from its commands (the energy
 * model's events besides MACs and memory-port bytes, which the run measures).
 *
 * <p>SRAM, per GEMM tile command (docs/gemm.md, output-stationary): a LOAD writes one 8-byte word
 * per word loaded; a COMPUTE of M×K×N runs ⌈M/rows⌉·⌈N/cols⌉ passes, each reading K A words
 * (rows bytes) and K B words (cols bytes) and writing rows × cols int32 accumulators (and reading
 * them first when {@code accumulate} is set); a STORE or READ_ACC reads M·⌈N/cols⌉ accumulator
 * words of cols int32. KV and vector tile commands count their command and response flits only
 * (their own SRAM traffic is not modelled here).
 *
 * <p>Flit-hops: {@link MeshTraffic} along the XY routes between the tiles that exchange the
 * messages (placement from {@link ChipConfig}); a GEMM load from the KV tile is routed KV tile →
 * GEMM tile.
 */
public final class ChipEvents {
    private final ChipConfig config;
    private final GemmReference.Params g;
    /** Used only for its rule of how many words a command's DMA moves. */
    private final ChipReference model;

    public ChipEvents(ChipConfig config) {
        this.config = config;
        ChipReference.Params p = ChipHarness.params(config);
        g = p.gemm();
        model = new ChipReference(p, new long[p.memWords()]);
    }

    /**
     * SRAM bytes read or written and flit-hops of one program, and the bytes its LOAD_B commands
     * read (the weights: shared by every activation row of a batched GEMM).
     */
    public record Counts(long sramBytes, long linkFlitHops, long loadBBytes) {
    }

    public Counts of(List<HostCommand> program) {
        MeshTraffic traffic = new MeshTraffic(config.k(), config.node(ChipConfig.TileKind.CONTROL),
                config.node(ChipConfig.TileKind.MEMORY));
        int wordBytes = ChipConfig.FLIT_WIDTH / 8;
        long sram = 0;
        long loadB = 0;
        for (HostCommand hc : program) {
            GemmReference.Command c = hc.cmd();
            if (c == null) {
                traffic.command(hc.node());
                continue;
            }
            int words = (int) model.dmaWords(c);
            int op = c.opcode();
            boolean load = op == GemmReference.LOAD_A || op == GemmReference.LOAD_B || op == GemmReference.LOAD_SCALE;
            if (load && config.hasKv() && (hc.memAddr() >>> 31 & 1) == 1) {
                traffic.command(hc.node());
                traffic.transfer(config.node(ChipConfig.TileKind.KV), hc.node(), 0, words, true);
            } else {
                traffic.command(hc.node(), hc.memAddr(), load ? words : 0, load ? 0 : words);
            }
            if (op == GemmReference.LOAD_B) {
                loadB += (long) words * wordBytes;
            }
            int rowBlocks = (c.count() + g.rows() - 1) / g.rows();
            int colBlocks = (c.n() + g.cols() - 1) / g.cols();
            long accWordBytes = 4L * g.cols();
            sram += switch (op) {
                case GemmReference.LOAD_A, GemmReference.LOAD_B, GemmReference.LOAD_SCALE -> (long) c.count() * wordBytes;
                case GemmReference.COMPUTE -> (long) rowBlocks * colBlocks
                        * ((long) c.k() * (g.rows() + g.cols()) + g.rows() * accWordBytes * (c.flag() ? 2 : 1));
                case GemmReference.STORE, GemmReference.READ_ACC -> (long) c.count() * colBlocks * accWordBytes;
                default -> 0L;
            };
        }
        return new Counts(sram, traffic.flitHops(), loadB);
    }
}
