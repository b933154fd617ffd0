package org.chiltepin.hdl;

import spinal.core.Bundle;
import spinal.core.Data;

/**
 * A bundle (a record of signals, e.g. a stream payload) written in Java. A subclass creates its
 * elements in its constructor and registers each with {@link #field}, which names it; SpinalHDL
 * finds Scala bundle elements by reflection, which does not see Java fields. {@link #copy()}
 * must return a fresh bundle of the same shape (SpinalHDL clones payload types).
 */
public abstract class HdlBundle extends Bundle {

    /** Registers {@code data} as the element {@code name} of this bundle and returns it. */
    protected final <T extends Data> T field(String name, T data) {
        valCallbackRec(data, name);
        return data;
    }

    /** Registers {@code data[i]} as elements {@code name_i}. */
    protected final <T extends Data> T[] fields(String name, T[] data) {
        for (int i = 0; i < data.length; i++) {
            field(name + "_" + i, data[i]);
        }
        return data;
    }

    /** A new, unconnected bundle of the same shape. */
    protected abstract HdlBundle copy();

    @Override
    public final Bundle clone() {
        return copy();
    }
}
