package org.chiltepin.gen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.chiltepin.hdl.Verilog;

/**
 * {@code manifest.json}: what was generated, from which configuration, by which generator; every
 * top-level port with direction and width; timing; and each file with its SHA-256. No timestamp,
 * so the same configuration always gives the same manifest.
 */
final class Manifest {
    static final String FILE = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifest() {
    }

    static <C extends Record> ObjectNode build(BlockKind<C> kind, C config, Verilog.Emitted<?> emitted, Path dir)
            throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("block", kind.name());
        m.put("top", emitted.topName());
        ObjectNode gen = m.putObject("generator");
        gen.put("name", "chiltepin");
        gen.put("version", Version.chiltepin());
        gen.put("spinalhdl", Version.spinalHdl());
        m.set("config", ConfigLoader.toJson(config));
        kind.timing(config, m.putObject("timing"));
        ArrayNode ports = m.putArray("ports");
        for (Verilog.Port p : emitted.ports()) {
            ports.addObject().put("name", p.name()).put("direction", p.direction()).put("width", p.width());
        }
        ArrayNode files = m.putArray("files");
        for (Path f : emitted.files()) {
            byte[] bytes = Files.readAllBytes(f);
            files.addObject()
                    .put("path", dir.relativize(f).toString())
                    .put("sha256", sha256(bytes))
                    .put("lines", new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines().count());
        }
        return m;
    }

    static void write(ObjectNode manifest, Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), manifest);
        Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
