package org.chiltepin.verif.golden;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The golden models must be written from the specification, not from the hardware: no compiled
 * class of this package may refer to the hardware, the HDL facade or SpinalHDL. Class files name
 * every class they use in their constant pool, so a byte search over them is a complete check.
 */
class GoldenModelIndependenceTest {
    private static final List<String> FORBIDDEN = List.of("org/chiltepin/hw/", "org/chiltepin/hdl/", "spinal/");

    @Test
    void goldenClassesReferNeitherToHardwareNorToSpinalHdl() throws IOException, URISyntaxException {
        Path dir = Path.of(MatMulReference.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(MatMulReference.class.getPackageName().replace('.', '/'));
        List<Path> classes;
        try (Stream<Path> s = Files.walk(dir)) {
            classes = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(classes.size() >= 1, "golden classes found in " + dir);
        for (Path c : classes) {
            String bytes = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
            for (String f : FORBIDDEN) {
                assertFalse(bytes.contains(f), c.getFileName() + " refers to " + f);
            }
        }
    }
}
