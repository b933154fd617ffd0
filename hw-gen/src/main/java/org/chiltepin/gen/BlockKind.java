package org.chiltepin.gen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Supplier;
import org.chiltepin.hdl.Block;

/**
 * What the CLI needs to know of a generated block: its configuration record and presets, how to
 * build its top level, and what its manifest says of timing.
 */
interface BlockKind<C extends Record> {
    /** Command-line name: {@code array}. */
    String name();

    Class<C> configType();

    Map<String, C> presets();

    /** Default Verilog name of the top module. */
    String defaultTop();

    Supplier<? extends Block> top(C config);

    /** One-line summary of a configuration, e.g. "8×8, int8 × int8 → int32". */
    String describe(C config);

    /** Latency and throughput facts for the manifest. */
    ObjectNode timing(C config, ObjectNode into);
}
