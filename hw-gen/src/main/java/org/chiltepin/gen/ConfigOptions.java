package org.chiltepin.gen;

import java.nio.file.Path;
import org.chiltepin.hw.ConfigException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@code --preset NAME | --config FILE.json}; neither means the {@code default} preset. */
final class ConfigOptions {
    static final class Choice {
        @Option(names = "--preset", paramLabel = "NAME", description = "A named configuration (see 'chiltepin presets').")
        String preset;

        @Option(names = "--config", paramLabel = "FILE.json",
                description = "A JSON configuration: keys of the block's config record, optionally \"preset\" to start from.")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Choice choice;

    <C extends Record> C resolve(BlockKind<C> kind) {
        if (choice != null && choice.config != null) {
            return ConfigLoader.load(choice.config, kind.configType(), kind.presets());
        }
        String name = choice != null && choice.preset != null ? choice.preset : "default";
        C c = kind.presets().get(name);
        if (c == null) {
            throw new ConfigException("--preset", "must be one of " + kind.presets().keySet(), name);
        }
        return c;
    }

    /** How to ask for this configuration again on the command line. */
    String asArguments() {
        if (choice != null && choice.config != null) {
            return "--config " + choice.config;
        }
        return "--preset " + (choice != null && choice.preset != null ? choice.preset : "default");
    }
}
