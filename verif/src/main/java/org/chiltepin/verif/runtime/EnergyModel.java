package org.chiltepin.verif.runtime;

/**
 * An energy estimate from event counts: energy = Σ count × energy per event, in attojoules
 * (exact integer arithmetic; 1 pJ = 10^6 aJ). An estimate, not a measurement: the chip has not been
 * synthesized for an ASIC process, so every figure is a published per-event energy of another design
 * in one process node, applied to the counts of a run.
 *
 * <p>{@link #HOROWITZ_45NM}, all in 45 nm:
 * <ul>
 * <li><b>MAC (int8 × int8 + int32 accumulate): 0.3 pJ</b> = 8-bit multiply 0.2 pJ + 32-bit add
 *     0.1 pJ. M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014,
 *     Digest of Technical Papers, pp. 10–14, doi:10.1109/ISSCC.2014.6757323 — table of rough energy
 *     costs at 45 nm, 0.9 V (8-bit add 0.03 pJ, 32-bit add 0.1 pJ, 8-bit multiply 0.2 pJ, 32-bit
 *     multiply 3.1 pJ).</li>
 * <li><b>SRAM byte read or written: 1.25 pJ</b> = 10 pJ per 64-bit access of an 8 KB cache (same
 *     table; often quoted as 5 pJ per 32-bit read of an 8 KB SRAM). The GEMM tiles' scratchpads are
 *     of that order (default preset: 32 KiB A, 32 KiB B, 32 KiB accumulators per tile), so this is
 *     at the low end for them (the table gives 20 pJ for 32 KB).</li>
 * <li><b>DRAM byte: 162.5 pJ</b> = 1.3 nJ per 64-bit access, the low end of the table's
 *     1.3–2.6 nJ (the high end doubles every DRAM figure).</li>
 * <li><b>NoC link, per flit (64 bits) per hop: 2.5856 pJ</b> = 40.4 fJ/bit/mm × 64 bits × 1 mm:
 *     S. Park, M. Qazi, L.-S. Peh, A. P. Chandrakasan, "40.4fJ/bit/mm low-swing on-chip signaling
 *     with self-resetting logic repeaters embedded within a mesh NoC in 45nm SOI CMOS", DATE 2013,
 *     doi:10.7873/DATE.2013.332 (measured on a 10 mm datapath at 4.1 Gb/s, 0.8 V). Assumptions: one
 *     hop is 1 mm of wire (the tile pitch; not a laid-out figure), and the router's buffers and
 *     crossbar are <i>not</i> included — so the network figure is a lower bound. For scale: the same
 *     group's 4×4 mesh NoC chip in 45 nm SOI (Park et al., DAC 2012) delivered 892 Gb/s at
 *     531.4 mW, about 0.6 pJ per delivered bit with routers, against 0.04 pJ per bit-hop here.</li>
 * </ul>
 *
 * @param name           what the table is, for reports
 * @param macAj          one int8 multiply-accumulate into int32
 * @param sramByteAj     one byte read or written in an on-chip SRAM (scratchpads, accumulators)
 * @param linkFlitHopAj  one 64-bit flit crossing one mesh link
 * @param dramByteAj     one byte moved on the external memory port
 */
public record EnergyModel(String name, long macAj, long sramByteAj, long linkFlitHopAj, long dramByteAj) {
    /** Attojoules per picojoule. */
    public static final long AJ_PER_PJ = 1_000_000L;

    /** The 45 nm table above (Horowitz ISSCC 2014; Park et al. DATE 2013 for the link). */
    public static final EnergyModel HOROWITZ_45NM = new EnergyModel(
            "45 nm: Horowitz ISSCC 2014 (MAC, SRAM, DRAM), Park et al. DATE 2013 (link, 1 mm/hop, no router)",
            300_000L, 1_250_000L, 64 * 40_400L, 162_500_000L);

    public EnergyModel {
        if (macAj < 0 || sramByteAj < 0 || linkFlitHopAj < 0 || dramByteAj < 0) {
            throw new IllegalArgumentException("energy per event must be >= 0 aJ");
        }
    }

    /** Events of a span of work (a token, a run). */
    public record Events(long macs, long sramBytes, long linkFlitHops, long dramBytes) {
        public Events {
            if (macs < 0 || sramBytes < 0 || linkFlitHops < 0 || dramBytes < 0) {
                throw new IllegalArgumentException("event counts must be >= 0");
            }
        }

        public Events plus(Events o) {
            return new Events(macs + o.macs, sramBytes + o.sramBytes, linkFlitHops + o.linkFlitHops, dramBytes + o.dramBytes);
        }
    }

    /** Energy by event kind, in attojoules. */
    public record Energy(long macAj, long sramAj, long linkAj, long dramAj) {
        public long totalAj() {
            return Math.addExact(Math.addExact(macAj, sramAj), Math.addExact(linkAj, dramAj));
        }

        /** The total in picojoules. */
        public double totalPj() {
            return totalAj() / (double) AJ_PER_PJ;
        }

        /** A part in picojoules. */
        public static double pj(long aj) {
            return aj / (double) AJ_PER_PJ;
        }
    }

    /** The energy of {@code e} (exact; an overflow past 9.2 J throws). */
    public Energy of(Events e) {
        return new Energy(Math.multiplyExact(e.macs(), macAj), Math.multiplyExact(e.sramBytes(), sramByteAj),
                Math.multiplyExact(e.linkFlitHops(), linkFlitHopAj), Math.multiplyExact(e.dramBytes(), dramByteAj));
    }
}
