package org.chiltepin.gen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.chiltepin.hw.ConfigException;

/**
 * The yosys / nextpnr-ice40 / icepack a build runs: Debian's packages on the PATH (yosys 0.23,
 * nextpnr-ice40 0.4) or the YoWASP WebAssembly builds on Node ({@code @yowasp/yosys} 0.55,
 * {@code @yowasp/nextpnr-ice40} 0.8), which {@code scripts/setup.sh} installs into
 * {@code build/tools/yowasp} (or {@code $CHILTEPIN_YOWASP}). YoWASP tools see a virtual file
 * system, so {@code scripts/yowasp-run.mjs} copies the build folder in and the files written back.
 */
enum FpgaToolchain {
    DEBIAN, YOWASP;

    /** The npm packages of the YoWASP toolchain, as setup installs them. */
    static final String YOWASP_PACKAGES = "@yowasp/yosys@0.55 @yowasp/nextpnr-ice40@0.8";

    static FpgaToolchain named(String name) {
        for (FpgaToolchain t : values()) {
            if (t.label().equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new ConfigException("--toolchain", "must be debian or yowasp", name);
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Where the YoWASP packages live. */
    static Path yowaspHome() {
        String env = System.getenv("CHILTEPIN_YOWASP");
        return env != null && !env.isBlank() ? Path.of(env) : FpgaBuildCommand.repoRoot().resolve("build/tools/yowasp");
    }

    /** Throws the one-line "how to install" error when this toolchain is missing. */
    void requireInstalled() {
        if (this == YOWASP) {
            Path home = yowaspHome();
            for (String pkg : List.of("yosys", "nextpnr-ice40")) {
                if (!Files.exists(home.resolve("node_modules/@yowasp/" + pkg + "/gen/bundle.js"))) {
                    throw new ConfigException("--toolchain", "yowasp needs Node and the npm packages " + YOWASP_PACKAGES
                            + " in " + home + ": run scripts/setup.sh, or npm install --prefix " + home + " "
                            + YOWASP_PACKAGES, label());
                }
            }
        }
    }

    /** The command line that runs {@code tool} (yosys, nextpnr-ice40, icepack) with {@code args}. */
    List<String> command(String tool, List<String> args) {
        List<String> cmd = new ArrayList<>();
        if (this == YOWASP) {
            cmd.addAll(List.of("env", "CHILTEPIN_YOWASP=" + yowaspHome(), "node",
                    FpgaBuildCommand.repoRoot().resolve("scripts/yowasp-run.mjs").toString(), tool));
        } else {
            cmd.add(tool);
        }
        cmd.addAll(args);
        return cmd;
    }

    /** "yosys X, nextpnr-ice40 Y" as the tools report themselves, for the build report. */
    String versions(Path dir) {
        String yosys = firstLine(ToolRunner.run(command("yosys", List.of("-V")), dir, null, 120).output());
        String pnr = firstLine(ToolRunner.run(command("nextpnr-ice40", List.of("--version")), dir, null, 120).output());
        return label() + ": " + yosys.replaceFirst(" \\(git.*", "") + ", "
                + pnr.replaceFirst(".*\\(Version ", "nextpnr-ice40 ").replace(")", "").replace("nextpnr-ice40 nextpnr-", "nextpnr-ice40 ");
    }

    private static String firstLine(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("unknown");
    }
}
