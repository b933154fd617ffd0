package org.chiltepin.hdl;

/**
 * A part of a block written as its own Java class: a unit of logic (a table with its ports, a
 * state machine, a datapath) that lives in the block's Verilog module rather than in a module of
 * its own. Its fields are named like the block's own fields when the block is closed: a field
 * of the block (or of another area) that holds an area has that area's fields named too, after
 * the block's own fields, so a signal reachable from both is named where it is declared.
 *
 * <p>By default an area is <em>flat</em>: its signals are named after their fields alone
 * ({@code curPage} → {@code cur_page}), exactly as if the block declared them. An area used more
 * than once in a block passes {@code prefixed = true}: its signals are then named
 * {@code <field holding the area>_<field>} ({@code btWr.en} → {@code bt_wr_en}).
 *
 * <p>Create areas inside the constructor of the block they belong to (or of another area), like
 * any other hardware; an area needs no closing.
 */
public abstract class HdlArea {
    private final boolean prefixed;

    /** A flat area: its fields are named as if the block declared them. */
    protected HdlArea() {
        this(false);
    }

    /** @param prefixed name the fields {@code <field holding this area>_<field>} */
    protected HdlArea(boolean prefixed) {
        this.prefixed = prefixed;
    }

    final boolean prefixed() {
        return prefixed;
    }
}
