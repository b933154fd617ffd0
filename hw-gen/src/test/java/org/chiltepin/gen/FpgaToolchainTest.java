package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FpgaToolchainTest {
    @Test
    void aBadToolchainIsOneLineExit2() {
        var r = ChiltepinTest.run("fpga", "build", "--board", "icebreaker", "--toolchain", "vivado");
        assertEquals(Cli.USAGE, r.exit());
        assertEquals("chiltepin: invalid configuration: --toolchain: must be debian or yowasp, got vivado", r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void debianRunsThePathsToolsAndYowaspRunsThemOnNode() {
        assertEquals(List.of("yosys", "-q", "s.ys"), FpgaToolchain.DEBIAN.command("yosys", List.of("-q", "s.ys")));
        List<String> y = FpgaToolchain.YOWASP.command("nextpnr-ice40", List.of("--up5k"));
        assertEquals("node", y.get(2));
        assertTrue(y.get(3).endsWith("scripts/yowasp-run.mjs"), y.toString());
        assertEquals(List.of("nextpnr-ice40", "--up5k"), y.subList(4, 6));
        assertEquals(FpgaToolchain.YOWASP, FpgaToolchain.named("YoWASP"));
    }
}
