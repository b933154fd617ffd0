package org.chiltepin.verif.sim;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * A one-beat stream register to test the harness core on: {@code m_axis} offers the last beat
 * taken from {@code s_axis}, which is taken whenever the register is empty or being emptied.
 * With {@code corrupt} high a stalled beat's payload counts up: the stall-hold rule broken on
 * purpose.
 */
final class Relay extends Block {
    final Stream<UInt> sAxis = slaveStream(type(() -> uint(8)));
    final Stream<UInt> mAxis = masterStream(type(() -> uint(8)));
    final Bool corrupt = in(bool());
    final Bool full = regInit(bool(), bool(false));
    final UInt data = regInit(uint(8), uint(0, 8));

    Relay() {
        assign(sAxis.ready(), or(not(full), mAxis.ready()));
        when(sAxis.ready(), () -> {
            assign(full, sAxis.valid());
            assign(data, sAxis.payload());
        }).elseWhen(corrupt, () -> assign(data, add(data, uint(1, 8))));
        assign(mAxis.valid(), full);
        assign(mAxis.payload(), data);
    }
}
