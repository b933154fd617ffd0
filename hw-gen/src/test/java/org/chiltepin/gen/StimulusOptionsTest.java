package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.chiltepin.gen.ChiltepinTest.Result;
import org.chiltepin.hw.ConfigException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The rules of --seed, --cases, --stall (and --work, --wave, --coverage), held once in their
 * mixins, hold on every command that takes them. Nothing here simulates: each bad value is
 * rejected before a model is built.
 */
class StimulusOptionsTest {
    /** Every verify, golden and bench command of every block (its kind's hooks), as "verb block". */
    static List<String> blockCommands() {
        List<String> all = new ArrayList<>();
        for (BlockKind<?> kind : Chiltepin.BLOCKS) {
            if (kind.verifier() != null) {
                all.add("verify " + kind.name());
            }
            if (kind.golden() != null) {
                all.add("golden " + kind.name());
            }
            if (kind.benchmark() != null) {
                all.add("bench " + kind.name());
            }
        }
        return all;
    }

    /** One command line to look options up in (building one per lookup costs time, not checks). */
    private static final CommandLine CLI = Cli.commandLine();

    private static boolean has(String command, String option) {
        CommandLine c = CLI;
        for (String part : command.split(" ")) {
            c = c.getSubcommands().get(part);
        }
        return c.getCommandSpec().findOption(option) != null;
    }

    private static Result run(String command, String... more) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of(more));
        if (command.startsWith("golden")) {
            args.addAll(List.of("--out", Path.of("target", "never", "v.json").toString()));
        }
        return ChiltepinTest.run(args.toArray(String[]::new));
    }

    @Test
    void everyBlockCommandIsRegisteredWithTheCommonOptions() {
        List<String> commands = blockCommands();
        assertTrue(commands.containsAll(List.of("verify array", "verify gemm", "verify noc", "verify kvcache", "golden array",
                "golden gemm", "bench gemm", "bench noc", "bench kvcache")), commands.toString());
        for (String c : commands) {
            assertTrue(has(c, "--seed"), c + " --seed");
            if (!c.startsWith("golden")) {
                assertTrue(has(c, "--work"), c + " --work");
            }
            if (!c.startsWith("bench")) {
                assertTrue(has(c, "--stall") && has(c, "--preset") && has(c, "--config"), c);
            }
            if (c.startsWith("verify")) {
                assertTrue(has(c, "--wave"), c + " --wave");
            }
        }
        assertTrue(!has("verify noc", "--cases") && has("verify noc", "--cycles"), "noc counts cycles, not cases");
        assertTrue(!has("bench noc", "--preset"), "bench noc's mesh comes from --k and --m");
        assertTrue(has("verify array", "--coverage") && has("verify gemm", "--coverage") && !has("verify noc", "--coverage"));
    }

    @Test
    void casesBelowOneIsTheSameOneLineErrorEverywhere() {
        for (String c : blockCommands()) {
            if (has(c, "--cases")) {
                Result r = run(c, "--cases", "0");
                assertEquals(2, r.exit(), c);
                assertEquals("chiltepin: invalid configuration: --cases: must be >= 1, got 0", r.err().strip(), c);
            }
        }
    }

    @Test
    void stallOutsideZeroToOneIsTheSameOneLineErrorEverywhere() {
        for (String c : blockCommands()) {
            if (has(c, "--stall")) {
                for (String p : List.of("1", "-0.1", "1.5")) {
                    Result r = run(c, "--stall", p);
                    assertEquals(2, r.exit(), c + " --stall " + p);
                    assertEquals("chiltepin: invalid configuration: --stall: must be in [0, 1), got " + Double.parseDouble(p),
                            r.err().strip(), c);
                }
            }
        }
    }

    @Test
    void aSeedThatIsNotAnIntegerIsAUsageErrorNamingSeed() {
        List<String> commands = new ArrayList<>(blockCommands());
        commands.addAll(List.of("fpga build", "host gemm"));
        for (String c : commands) {
            Result r = run(c, "--seed", "x");
            assertEquals(2, r.exit(), c);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("--seed"), c + ": " + r.err());
        }
    }

    @Test
    void defaultsComeFromTheBlockAndShowInTheHelp() {
        assertTrue(run("verify kvcache", "--help").out().contains("(default: 2000)"));
        assertTrue(run("verify array", "--help").out().contains("(default: 100)"));
        assertTrue(run("verify gemm", "--help").out().contains("(default: 0.3)"));
    }

    @Test
    void mixinsCheckTheirRuleWhenRead() {
        var stall = new StimulusOptions.Stall();
        new CommandLine(stall).parseArgs("--stall", "0");
        assertEquals(0.0, stall.get());
        new CommandLine(stall).parseArgs("--stall", "0.999");
        assertEquals(0.999, stall.get());
        new CommandLine(stall).parseArgs("--stall", "1");
        assertThrows(ConfigException.class, stall::get);
        var cases = new StimulusOptions.Cases(7);
        assertEquals(7, cases.get());
        new CommandLine(cases).parseArgs("--cases", "-3");
        assertEquals("--cases: must be >= 1, got -3", assertThrows(ConfigException.class, cases::get).getMessage());
        var seed = new StimulusOptions.Seed();
        assertEquals(1, seed.get());
        new CommandLine(seed).parseArgs("--seed", "-42");
        assertEquals(-42, seed.get());
        var wave = new SimOptions.Wave();
        new CommandLine(wave).parseArgs("--wave");
        assertEquals(new org.chiltepin.hdl.Simulation.Options(true, false), SimOptions.of(wave, null));
    }

    @Test
    void maxKHasOneRuleForVerifyAndGolden() {
        for (String c : List.of("verify array", "golden array")) {
            Result r = run(c, "--preset", "tiny", "--max-k", "1048577");
            assertEquals(2, r.exit(), c);
            assertEquals("chiltepin: invalid configuration: --max-k: must be in [1, 1048576], got 1048577", r.err().strip(), c);
        }
    }
}
