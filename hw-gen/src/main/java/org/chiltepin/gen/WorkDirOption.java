package org.chiltepin.gen;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --work DIR}: where Verilator models are built and cached (a mixin of every simulating command). */
final class WorkDirOption {
    @Option(names = "--work", paramLabel = "DIR", description = "Simulation workspace (default: ~/.cache/chiltepin/sim).")
    Path dir = Cli.defaultWorkDir();
}
