package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Data;
import spinal.core.UInt;

/**
 * CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, not reflected, no final XOR) of the
 * {@link HostProtocol}: one byte's update as an XOR network, no registers (latency 0; the caller
 * registers the result).
 */
final class Crc16 {
    private Crc16() {
    }

    /** One byte of CRC-16/CCITT-FALSE (polynomial 0x1021, MSB first), unrolled. */
    static UInt update(UInt crc, UInt data) {
        Bool[] c = new Bool[16];
        for (int i = 0; i < 16; i++) {
            c[i] = bit(crc, i);
        }
        for (int i = 7; i >= 0; i--) {
            Bool fb = xor(c[15], bit(data, i));
            Bool[] n = new Bool[16];
            n[0] = fb;
            for (int j = 1; j < 16; j++) {
                n[j] = (j == 5 || j == 12) ? xor(c[j - 1], fb) : c[j - 1];
            }
            c = n;
        }
        Data acc = c[0];
        for (int j = 1; j < 16; j++) {
            acc = concat(c[j], acc);
        }
        return asUInt((Bits) acc);
    }
}
