package org.chiltepin.hdl;

import java.util.Optional;
import spinal.idslplugin.Location;

/**
 * The Java call site of a hardware statement: the first stack frame outside this facade and
 * outside the engine. SpinalHDL's Scala plugin passes such a {@link Location} implicitly; from
 * Java we take it from the stack, so the engine's diagnostics point at Java lines. (SpinalHDL
 * would also name {@code when} conditions after it, {@code when_File_l57}; {@link Verilog#config}
 * turns that off, so no emitted name depends on a Java line.)
 */
final class CallSite {
    private static final String FACADE = CallSite.class.getPackageName() + ".";
    /** The facade's own classes; other classes in its package (tests, examples) are user code. */
    private static final java.util.Set<String> FACADE_CLASSES = java.util.Set.of(
            "Block", "CallSite", "Hdl", "HdlBundle", "HdlException", "Naming", "Simulation", "Verilog", "When",
            "HdlArea", "HdlEnum", "Switch", "Axi4Port", "VerilogNames");
    private static final StackWalker WALKER = StackWalker.getInstance();

    private CallSite() {
    }

    /** The user frame that called into the facade, if any. */
    static Optional<StackWalker.StackFrame> frame() {
        return WALKER.walk(s -> s.filter(f -> isUserFrame(f.getClassName())).findFirst());
    }

    /** A SpinalHDL Location for the current user frame: file stem (the engine appends its own extension), line. */
    static Location location() {
        return frame()
                .map(f -> new Location(stem(f.getFileName()), f.getLineNumber(), 0))
                .orElseGet(() -> new Location("unknown", 0, 0));
    }

    /** "File.java:42" for messages. */
    static String describe() {
        return frame().map(f -> f.getFileName() + ":" + f.getLineNumber()).orElse("unknown location");
    }

    static boolean isUserFrame(String className) {
        return !isFacadeClass(className)
                && !className.startsWith("spinal.")
                && !className.startsWith("scala.")
                && !className.startsWith("java.")
                && !className.startsWith("jdk.")
                && !className.startsWith("sun.");
    }

    /** True for a class of the facade itself, including its nested classes and lambdas. */
    static boolean isFacadeClass(String className) {
        if (!className.startsWith(FACADE)) {
            return false;
        }
        String simple = className.substring(FACADE.length());
        int nested = simple.indexOf('$');
        return FACADE_CLASSES.contains(nested < 0 ? simple : simple.substring(0, nested));
    }

    private static String stem(String file) {
        if (file == null) {
            return "unknown";
        }
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
