package org.chiltepin.hw.kvcache;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;

/**
 * The one write port of a table, driven from several states: off by default, {@link #write} in
 * a branch turns it on for that cycle. A prefixed area: the field {@code btWr} gives
 * {@code bt_wr_en}, {@code bt_wr_addr}, {@code bt_wr_data}.
 */
final class TableWrite extends HdlArea {
    final Bool en;
    final UInt addr;
    final Bits data;

    /** A port of {@code table} ({@code width}-bit words) at {@code defaultAddr} unless a write names one. */
    TableWrite(Mem<Bits> table, int width, UInt defaultAddr) {
        super(true);
        en = bool();
        addr = uint(widthOf(defaultAddr));
        data = bits(width);
        assign(en, bool(false));
        assign(addr, defaultAddr);
        assign(data, asBits(uint(0, widthOf(data))));
        // Bits words: a UInt word would be copied to an anonymous wire at the memory.
        org.chiltepin.hdl.Hdl.write(table, addr, data, en);
    }

    /** Writes {@code value} at {@code address} in this cycle. */
    void write(UInt address, UInt value) {
        assign(addr, address);
        write(value);
    }

    /** Writes {@code value} at the default address in this cycle. */
    void write(UInt value) {
        assign(en, bool(true));
        assign(data, asBits(value));
    }
}
