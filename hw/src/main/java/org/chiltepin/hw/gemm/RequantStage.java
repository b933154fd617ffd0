package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import spinal.core.Bool;
import spinal.core.UInt;

/** Control registers of one requantization stage (S2..S5) of the {@link OutputUnit}, named {@code <stage>_<field>}. */
final class RequantStage {
    final Bool valid;
    final Bool last;
    final Bool store;
    final Bool relu;
    /** The group of lanes in the stage (null when every lane is requantized at once). */
    final UInt group;
    final Bool[] laneValid;

    RequantStage(String name, int lanes, int groupBits) {
        valid = named(regInit(bool(), bool(false)), name + "_valid");
        last = named(reg(bool()), name + "_last");
        store = named(reg(bool()), name + "_store");
        relu = named(reg(bool()), name + "_relu");
        group = groupBits > 0 ? named(reg(uint(groupBits)), name + "_group") : null;
        laneValid = new Bool[lanes];
        for (int l = 0; l < lanes; l++) {
            laneValid[l] = named(reg(bool()), name + "_lane_valid_" + l);
        }
    }

    /** Takes the previous stage's control every cycle (its data only when it is valid). */
    void follow(RequantStage previous) {
        follow(previous, previous.valid);
    }

    /** Takes the previous stage's control when it hands its group on ({@code move}). */
    void follow(RequantStage previous, Bool move) {
        assign(valid, move);
        when(move, () -> {
            assign(last, previous.last);
            assign(store, previous.store);
            assign(relu, previous.relu);
            if (group != null) {
                assign(group, previous.group);
            }
            for (int l = 0; l < laneValid.length; l++) {
                assign(laneValid[l], previous.laneValid[l]);
            }
        });
    }
}
