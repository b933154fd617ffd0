package org.chiltepin.hdl;

import java.util.ArrayList;
import java.util.List;
import spinal.core.Component;
import spinal.core.Data;

/**
 * Base class of every hardware block written in Java. A subclass declares its ports and
 * registers as fields (their names become the Verilog names, in snake_case) and describes its
 * logic in its constructor, using the static methods of {@link Hdl}.
 *
 * <p>Construct blocks only through {@link Hdl#build}: SpinalHDL opens a component scope in the
 * constructor and Scala's compiler plugin closes it afterwards; from Java, {@code build} closes
 * it, names the fields, and checks that every register has a name.
 */
public abstract class Block extends Component {
    private final List<RegisterSite> registers = new ArrayList<>();
    private boolean closed;

    /** A register and the Java line that created it, for the unnamed-register check. */
    record RegisterSite(Data register, String site) {
    }

    protected Block() {
        super();
    }

    /** Sets the Verilog module name of this block (default: the Java class name). */
    protected final void moduleName(String name) {
        // The emission's module-name prefix (Verilog.emit with a prefix), which SpinalHDL itself
        // applies only to modules without an explicit name.
        setDefinitionName(spinal.core.GlobalData$.MODULE$.get().config().globalPrefix() + name, false);
    }

    void recordRegister(Data reg, String site) {
        registers.add(new RegisterSite(reg, site));
    }

    /** Names fields, checks register names and closes the component scope. Called once by {@link Hdl#build}. */
    final void close() {
        if (closed) {
            throw new HdlException(getClass().getSimpleName() + " was closed twice");
        }
        closed = true;
        Naming.nameFields(this);
        postInitCallback();
        for (RegisterSite r : registers) {
            if (r.register().isUnnamed()) {
                throw new HdlException("register created at " + r.site() + " in " + getClass().getSimpleName()
                        + " has no name: keep it in a field or name it with Hdl.named(reg, \"...\")");
            }
        }
    }

    final boolean isClosed() {
        return closed;
    }
}
