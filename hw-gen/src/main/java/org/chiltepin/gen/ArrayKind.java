package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Supplier;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.array.ArrayConfig;
import org.chiltepin.hw.array.SystolicArray;

/** The output-stationary systolic array core. */
final class ArrayKind implements BlockKind<ArrayConfig> {
    static final ArrayKind INSTANCE = new ArrayKind();

    @Override
    public String name() {
        return "array";
    }

    @Override
    public Class<ArrayConfig> configType() {
        return ArrayConfig.class;
    }

    @Override
    public Map<String, ArrayConfig> presets() {
        return ArrayConfig.presets();
    }

    @Override
    public String defaultTop() {
        return "systolic_array";
    }

    @Override
    public Supplier<? extends Block> top(ArrayConfig config) {
        return () -> new SystolicArray(config);
    }

    @Override
    public String describe(ArrayConfig c) {
        return c.rows() + "×" + c.cols() + ", int" + c.inputWidth() + " × int" + c.inputWidth() + " → int" + c.accWidth()
                + " (wrapping)";
    }

    @Override
    public ObjectNode timing(ArrayConfig c, ObjectNode t) {
        t.put("dataflow", "output-stationary");
        t.put("macsPerCycle", c.macsPerCycle());
        t.put("firstRowLatencyCycles", c.firstRowLatency());
        t.put("lastRowLatencyCycles", c.lastRowLatency());
        t.put("minTileSpacingCycles", c.tileSpacing());
        t.put("description", "row i of a tile's result leaves m_axis cols + i cycles after the tile's last s_axis beat; "
                + "one s_axis beat per cycle while K >= max(rows, cols); the whole array holds while m_axis is stalled");
        return t;
    }
}
