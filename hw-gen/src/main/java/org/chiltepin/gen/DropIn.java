package org.chiltepin.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What lets a generation drop into another project: a plain filelist ({@code files.f}, one Verilog
 * file a line, names relative to its folder: {@code verilator -F DIR/files.f}) and a FuseSoC core
 * description ({@code TOP.core}, CAPI2: VLNV name, one {@code rtl} fileset of verilogSource files,
 * a {@code default} target and a {@code lint} target for Verilator, both with the top level).
 */
final class DropIn {
    static final String FILELIST = "files.f";

    private DropIn() {
    }

    /** The Verilog file names in dependency order: every module's file, the top's last. */
    static List<String> ordered(List<Path> files, String top) {
        List<String> names = new ArrayList<>();
        String topFile = top + ".v";
        for (Path f : files) {
            String n = f.getFileName().toString();
            if (!n.equals(topFile)) {
                names.add(n);
            }
        }
        if (files.stream().anyMatch(f -> f.getFileName().toString().equals(topFile))) {
            names.add(topFile);
        }
        return names;
    }

    /** The core file's name for a top module. */
    static String coreFile(String top) {
        return top + ".core";
    }

    /** Writes {@code files.f} and {@code TOP.core} into {@code dir}; returns their names. */
    static List<String> write(Path dir, String block, String top, String description, List<String> files)
            throws IOException {
        Files.writeString(dir.resolve(FILELIST), String.join("\n", files) + "\n");
        Files.writeString(dir.resolve(coreFile(top)), core(block, top, description, files));
        return List.of(FILELIST, coreFile(top));
    }

    /** The CAPI2 text (YAML): https://fusesoc.readthedocs.io/en/stable/ref/capi2.html. */
    static String core(String block, String top, String description, List<String> files) {
        StringBuilder s = new StringBuilder();
        s.append("CAPI=2:\n");
        s.append("# Written by chiltepin generate ").append(block).append("; regenerate rather than edit.\n");
        s.append("name: chiltepin:").append(block).append(':').append(top).append(':').append(Version.chiltepin())
                .append('\n');
        s.append("description: \"").append(description.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        s.append("filesets:\n  rtl:\n    file_type: verilogSource\n    files:\n");
        files.forEach(f -> s.append("      - ").append(f).append('\n'));
        s.append("targets:\n");
        s.append("  default:\n    filesets: [rtl]\n    toplevel: ").append(top).append('\n');
        s.append("  lint:\n    default_tool: verilator\n    filesets: [rtl]\n    toplevel: ").append(top).append('\n');
        s.append("    tools:\n      verilator:\n        mode: lint-only\n        verilator_options: [-Wall]\n");
        return s.toString();
    }
}
