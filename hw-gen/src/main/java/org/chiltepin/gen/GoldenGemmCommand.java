package org.chiltepin.gen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.verif.gemm.GemmHarness;
import org.chiltepin.verif.gemm.GemmProgram;
import org.chiltepin.verif.gemm.RandomGemmPrograms;
import org.chiltepin.verif.golden.GemmReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin golden gemm}: the random command program of {@code verify gemm} for a seed, as
 * JSON: the 128-bit command words, the data beats, and the golden model's result beats and
 * responses (counter readings, which depend on timing, carry no expected value).
 */
@Command(name = "gemm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write JSON test vectors for the GEMM engine: command words and data beats (hex), expected",
                "result beats and responses from the golden model (verif/cocotb/gemm reads them)."})
final class GoldenGemmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of program and stalls (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--cases", paramLabel = "N", defaultValue = "100", description = "GEMMs in the program (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--stall", paramLabel = "P", defaultValue = "0.3", description = "Stall probability on every stream (default: ${DEFAULT-VALUE}).")
    double stall;

    @Option(names = "--no-illegal", description = "Leave illegal commands out of the program.")
    boolean noIllegal;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Vectors file (JSON).")
    Path out;

    @Override
    public Integer call() throws IOException {
        GemmConfig cfg = config.resolve(GemmKind.INSTANCE);
        ConfigException.requireAtLeast("--cases", cases, 1);
        ConfigException.requireProbability("--stall", stall);
        GemmProgram program = RandomGemmPrograms.generate(GemmHarness.params(cfg), seed, cases, !noIllegal);
        GemmReference golden = new GemmReference(program.params());
        golden.run(program.commands(), program.data());
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("block", "gemm");
        root.put("configArgs", config.asArguments());
        root.set("config", json.valueToTree(cfg));
        root.put("seed", seed);
        root.put("stall", stall);
        root.put("top", GemmKind.INSTANCE.defaultTop());
        ArrayNode cmds = root.putArray("commands");
        program.commands().forEach(c -> cmds.add(c.word().toString(16)));
        ArrayNode data = root.putArray("data");
        program.data().forEach(b -> data.add(little(b).toString(16)));
        ArrayNode beats = root.putArray("beats");
        for (GemmReference.Beat b : golden.beats()) {
            ObjectNode n = beats.addObject();
            n.set("lanes", json.valueToTree(b.lanes()));
            n.put("last", b.last());
        }
        ArrayNode resps = root.putArray("responses");
        for (GemmReference.Response r : golden.responses()) {
            ObjectNode n = resps.addObject();
            n.put("tag", r.tag());
            n.put("opcode", r.opcode());
            n.put("status", r.status());
            if (r.opcode() == GemmReference.READ_COUNTER && r.status() == GemmReference.OK) {
                n.putNull("value");
            } else {
                n.put("value", r.value());
            }
        }
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        json.writeValue(out.toFile(), root);
        var o = spec.commandLine().getOut();
        o.printf("golden gemm %s: seed %d, %d commands, %d data beats, %d result beats -> %s%n", config.asArguments(), seed,
                program.commands().size(), program.data().size(), golden.beats().size(), out);
        o.flush();
        return 0;
    }

    /** A data beat's bytes as one little-endian unsigned number (byte 0 in bits 7..0). */
    private static BigInteger little(byte[] bytes) {
        byte[] big = new byte[bytes.length + 1];
        for (int i = 0; i < bytes.length; i++) {
            big[big.length - 1 - i] = bytes[i];
        }
        return new BigInteger(big);
    }
}
