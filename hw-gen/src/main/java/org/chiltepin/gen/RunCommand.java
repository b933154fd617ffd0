package org.chiltepin.gen;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code chiltepin run MODEL}: run a model on an engine (the golden model, the float reference; the chip later). */
@Command(name = "run", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "MODEL",
        description = "Run a language model and stream its text (docs/llm.md).")
final class RunCommand {
    static CommandLine commandLine() {
        CommandLine run = new CommandLine(new RunCommand());
        run.addSubcommand("llama", new RunLlamaCommand());
        return run;
    }
}
