package org.chiltepin.hdl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import scala.jdk.javaapi.CollectionConverters;
import spinal.core.BaseType;
import spinal.core.ClockDomainConfig$;
import spinal.core.HIGH$;
import spinal.core.RISING$;
import spinal.core.SYNC$;
import spinal.core.SpinalConfig;
import spinal.core.SpinalConfig$;
import spinal.core.SpinalReport;

/**
 * Elaborates a block and writes its Verilog: one file per module (so {@code verilator -Wall}'s
 * DECLFILENAME holds), the top module renamed as asked, clock {@code clk} and synchronous
 * active-high {@code reset}. Elaboration errors become an {@link HdlException} whose message keeps
 * SpinalHDL's diagnosis and the user's Java lines, without the facade's frames.
 */
public final class Verilog {
    /** A stack-frame line of an engine message: "    at some.Class.method(File.java:12)". */
    private static final Pattern FRAME = Pattern.compile("^\\s*at ([\\w$.]+)\\.[\\w$<>]+\\(.*$");

    private Verilog() {
    }

    /** A top-level port as it appears in the Verilog. */
    public record Port(String name, String direction, int width) {
    }

    /** The result of an emission: the elaborated top, the files written, the top's ports. */
    public record Emitted<T extends Block>(T top, String topName, List<Path> files, List<Port> ports) {
    }

    /**
     * Elaborates {@code top} and writes the Verilog into {@code dir}. The files are written to a
     * staging directory first and moved into {@code dir} only when elaboration succeeded, so a
     * failed run leaves {@code dir} as it was.
     */
    public static <T extends Block> Emitted<T> emit(Supplier<T> top, String topName, Path dir) {
        return emit(top, topName, dir, "");
    }

    /**
     * As {@link #emit(Supplier, String, Path)}, with {@code prefix} in front of every module name
     * (the top's included), so two generations can live in one design.
     */
    public static <T extends Block> Emitted<T> emit(Supplier<T> top, String topName, Path dir, String prefix) {
        try {
            Files.createDirectories(dir);
            Path staging = Files.createTempDirectory(dir.toAbsolutePath().getParent(), ".chiltepin-staging-");
            try {
                SpinalReport<T> report = elaborate(top, topName, staging, prefix);
                List<Path> files = new ArrayList<>();
                for (String src : CollectionConverters.asJava(report.generatedSourcesPaths())) {
                    Path from = Path.of(src);
                    if (!Files.exists(from)) {
                        continue; // a black box (HdlBlackBox): listed, but nothing is written for it
                    }
                    Path to = dir.resolve(from.getFileName().toString());
                    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
                    files.add(to);
                }
                return new Emitted<>(report.toplevel(), report.toplevelName(), files, ports(report.toplevel()));
            } finally {
                deleteTree(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Elaborates only (no files kept): for checks and tests that need the netlist, not the text. */
    public static <T extends Block> T elaborate(Supplier<T> top) {
        try {
            Path staging = Files.createTempDirectory("chiltepin-elab-");
            try {
                return elaborate(top, null, staging, "").toplevel();
            } finally {
                deleteTree(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SpinalHDL configuration every Chiltepin emission and simulation uses. */
    public static SpinalConfig config(Path targetDirectory) {
        return config(targetDirectory, "");
    }

    /** {@link #config(Path)} with {@code prefix} in front of every module name. */
    public static SpinalConfig config(Path targetDirectory, String prefix) {
        SpinalConfig c = withOverrides(
                "globalPrefix", prefix,
                "defaultConfigForClockDomains", ClockDomainConfig$.MODULE$.apply(
                        RISING$.MODULE$, SYNC$.MODULE$, HIGH$.MODULE$, HIGH$.MODULE$, HIGH$.MODULE$),
                "oneFilePerComponent", true,
                "headerWithRepoHash", false,
                "printFilelist", false,
                // No when_File_lNNN names: a condition is named by its field or Hdl.when(name, …), or stays inline.
                "nameWhenByFile", false,
                // No `<enum>_string` debug registers: verilator -Wall flags them as unused.
                "_withEnumString", false,
                // Tables (Hdl.rom) as initial blocks in the module, not $readmemb files beside it.
                "inlineRom", true);
        c.targetDirectory_$eq(targetDirectory.toString());
        return c;
    }

    private static <T extends Block> SpinalReport<T> elaborate(Supplier<T> top, String topName, Path staging,
            String prefix) {
        SpinalConfig config = config(staging, prefix);
        Supplier<T> named = () -> {
            T t = Hdl.build(top);
            if (topName != null) {
                t.moduleName(topName);
            }
            return t;
        };
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream quiet = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            return scala.Console$.MODULE$.withOut(quiet, () -> config.generateVerilog(named::get));
        } catch (HdlException e) {
            throw e;
        } catch (Throwable t) {
            throw new HdlException(clean(t), t);
        }
    }

    /** SpinalHDL's error text with the facade's and the engine's own stack frames removed. */
    static String clean(Throwable t) {
        String msg = t.getMessage() == null ? t.toString() : t.getMessage();
        int tail = msg.indexOf("SpinalHDL compiler exit stack");
        if (tail >= 0) {
            msg = msg.substring(0, tail);
        }
        return msg.lines()
                .filter(Verilog::isUserLine)
                .filter(l -> !l.startsWith("********"))
                .collect(Collectors.joining("\n"))
                .strip();
    }

    private static boolean isUserLine(String line) {
        var m = FRAME.matcher(line);
        return !m.matches() || CallSite.isUserFrame(m.group(1));
    }

    static List<Port> ports(Block top) {
        List<Port> ports = new ArrayList<>();
        for (BaseType io : CollectionConverters.asJava(top.getOrdredNodeIo())) {
            String dir = io.isInput() ? "input" : io.isOutput() ? "output" : "inout";
            ports.add(new Port(io.getName(), dir, io.getBitsWidth()));
        }
        return ports;
    }

    /** A SpinalConfig with default values but for the named parameters (the case class has 59). */
    private static SpinalConfig withOverrides(Object... namesAndValues) {
        try {
            Constructor<?> ctor = Stream.of(SpinalConfig.class.getConstructors())
                    .max(Comparator.comparingInt(Constructor::getParameterCount)).orElseThrow();
            int n = ctor.getParameterCount();
            Object[] args = new Object[n];
            for (int i = 0; i < n; i++) {
                args[i] = SpinalConfig$.class.getMethod("$lessinit$greater$default$" + (i + 1)).invoke(SpinalConfig$.MODULE$);
            }
            SpinalConfig defaults = (SpinalConfig) ctor.newInstance(args);
            for (int k = 0; k < namesAndValues.length; k += 2) {
                String name = (String) namesAndValues[k];
                int index = -1;
                for (int i = 0; i < n; i++) {
                    if (defaults.productElementName(i).equals(name)) {
                        index = i;
                    }
                }
                if (index < 0) {
                    throw new HdlException("SpinalConfig has no parameter " + name);
                }
                args[index] = namesAndValues[k + 1];
            }
            return (SpinalConfig) ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new HdlException("cannot build a SpinalConfig: " + e, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
