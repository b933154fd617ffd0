package org.chiltepin.hdl;

import spinal.lib.bus.amba4.axi.Axi4;
import spinal.lib.bus.amba4.axi.Axi4Config;
import spinal.lib.bus.amba4.axi.Axi4SpecRenamer$;
import spinal.lib.master$;
import spinal.lib.slave$;

/**
 * AXI4 ports from spinal.lib's {@code Axi4} bundle: five valid/ready channels (AW, W, B, AR, R)
 * in one field, with the specification's signal names. A field {@code mAxi} holding
 * {@code Axi4Port.master(Axi4Port.config(32, 64))} gives the ports {@code m_axi_awvalid},
 * {@code m_axi_awready}, {@code m_axi_awaddr}, {@code m_axi_awlen}, {@code m_axi_awsize},
 * {@code m_axi_awburst}, {@code m_axi_wvalid} … {@code m_axi_wdata}, {@code m_axi_wstrb},
 * {@code m_axi_wlast}, {@code m_axi_bvalid}, {@code m_axi_bready}, {@code m_axi_bresp},
 * {@code m_axi_ar*} like AW, {@code m_axi_rvalid}, {@code m_axi_rready}, {@code m_axi_rdata},
 * {@code m_axi_rresp}, {@code m_axi_rlast}, in that order.
 *
 * <p>Channels are streams: {@code axi.aw().valid()}, {@code axi.aw().payload().addr()},
 * {@code axi.r().payload().data()} and so on (types as in spinal.lib: addresses, {@code len} and
 * {@code size} are {@code UInt}; {@code burst}, data, strobes and responses {@code Bits}).
 */
public final class Axi4Port {
    /** AxBURST of an incrementing burst. */
    public static final int BURST_INCR = 1;
    /** xRESP OKAY. */
    public static final int RESP_OKAY = 0;

    private Axi4Port() {
    }

    /**
     * A configuration with what a simple in-order master needs: address, len, size, burst on
     * AW/AR; data, strobe, last on W; resp on B and R; data, last on R. No ID (every transaction
     * has ID 0, so responses come back in order), region, lock, cache, QoS, prot or user signals.
     */
    public static Axi4Config config(int addressWidth, int dataWidth) {
        if (addressWidth < 1 || dataWidth < 8 || Integer.bitCount(dataWidth) != 1) {
            throw new HdlException("Axi4Port: need an address width >= 1 and a power-of-two data width >= 8, got "
                    + addressWidth + " and " + dataWidth + " at " + CallSite.describe());
        }
        return new Axi4Config(addressWidth, dataWidth, -1,
                false, // useId
                false, // withAxi3
                false, // useRegion
                true, // useBurst
                false, // useLock
                false, // useCache
                true, // useSize
                false, // useQos
                true, // useLen
                true, // useLast
                true, // useResp
                false, // useProt
                true, // useStrb
                false, // useAllStrb
                false, // forceAxi4Len
                -1, -1, -1, -1, -1, // user widths: none
                -1, -1, -1, -1); // issuing capabilities, reordering depth: unspecified
    }

    /** An AXI4 port this block drives as master (AW, W, AR out; B, R in). */
    public static Axi4 master(Axi4Config config) {
        return Axi4SpecRenamer$.MODULE$.apply(master$.MODULE$.apply(new Axi4(config)));
    }

    /** An AXI4 port this block serves as slave. */
    public static Axi4 slave(Axi4Config config) {
        return Axi4SpecRenamer$.MODULE$.apply(slave$.MODULE$.apply(new Axi4(config)));
    }

    /** Connects all five channels of {@code master} to {@code slave} (spinal.lib's {@code master >> slave}). */
    public static void connect(Axi4 master, Axi4 slave) {
        master.$greater$greater(slave);
    }
}
