package org.chiltepin.gen;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.chiltepin.hdl.Block;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.fpga.BoardConfig;
import org.chiltepin.hw.fpga.BoardTop;
import org.chiltepin.hw.fpga.IcePll;
import org.chiltepin.hw.fpga.IcebreakerTop;
import org.chiltepin.hw.fpga.TangNano9kTop;
import org.chiltepin.hw.fpga.Ulx3sTop;

/**
 * The boards {@code chiltepin fpga build} knows: device, oscillator, resources, the board's top
 * level around the generated {@code chiltepin_board}, and the constraint file under
 * {@code fpga/<board>/}. Only the
 * iCE40 has place-and-route on this machine (nextpnr-ice40); ECP5 and Gowin are synthesis-only
 * estimates from yosys.
 */
record FpgaBoard(String name, String family, String device, String top, long oscillatorHz, String constraints,
        String defaultPreset, long defaultClockHz, int lutsAvailable, int dspsAvailable, int ramsAvailable,
        String ramName, String dspName) {

    static final FpgaBoard ICEBREAKER = new FpgaBoard("icebreaker", "ice40", "iCE40UP5K-SG48", "icebreaker_top",
            12_000_000L, "icebreaker.pcf", "fpga-ice40", 25_000_000L, 5280, 8, 30, "SB_RAM40_4K", "SB_MAC16");
    static final FpgaBoard ULX3S = new FpgaBoard("ulx3s", "ecp5", "LFE5U-85F-6BG381C", "ulx3s_top", 25_000_000L,
            "ulx3s.lpf", "fpga-small", 25_000_000L, 83640, 156, 208, "DP16KD", "MULT18X18D");
    static final FpgaBoard TANGNANO9K = new FpgaBoard("tangnano9k", "gowin", "GW1NR-LV9QN88PC6/I5", "tangnano9k_top",
            27_000_000L, "tangnano9k.cst", "tiny", 27_000_000L, 8640, 20, 26, "BSRAM", "MULT18X18");

    static final List<FpgaBoard> ALL = List.of(ICEBREAKER, ULX3S, TANGNANO9K);

    static FpgaBoard named(String name) {
        for (FpgaBoard b : ALL) {
            if (b.name.equals(name.toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new ConfigException("--board", "must be one of " + ALL.stream().map(FpgaBoard::name).toList(), name);
    }

    boolean placeAndRoute() {
        return family.equals("ice40");
    }

    /**
     * The board's top level (module {@link #top()}, in org.chiltepin.hw.fpga): clock, reset
     * synchronizer, pins, LED polarity around the {@link BoardTop}. On the iCE40 with
     * {@code pll == null} the engine clock is the 12 MHz oscillator divided by the even number
     * {@code divider} in the fabric, for designs slower than the PLL's 16 MHz minimum.
     */
    Supplier<? extends Block> top(BoardConfig config, IcePll pll, int divider) {
        return switch (family) {
            case "ice40" -> () -> new IcebreakerTop(config, pll, divider);
            case "ecp5" -> () -> new Ulx3sTop(config);
            default -> () -> new TangNano9kTop(config);
        };
    }
}
