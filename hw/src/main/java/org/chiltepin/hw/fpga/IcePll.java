package org.chiltepin.hw.fpga;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chiltepin.hw.QualityGates;

/**
 * Settings of the iCE40 PLL ({@link SbPll40Pad}) from {@code icepll -i IN -o OUT}: the divider
 * values and the frequency they achieve.
 */
public record IcePll(int divr, int divf, int divq, int filterRange, double achievedMhz) {
    public String describe() {
        return String.format("PLL: 12 MHz -> %.3f MHz (icepll: DIVR=%d DIVF=%d DIVQ=%d FILTER_RANGE=%d)", achievedMhz,
                divr, divf, divq, filterRange);
    }

    /** Runs {@code icepll}; an IllegalStateException if it fails. */
    public static IcePll compute(double inputMhz, double outputMhz) {
        QualityGates.ToolRun r = QualityGates.run(List.of("icepll", "-i", fmt(inputMhz), "-o", fmt(outputMhz)), 60);
        if (!r.ok()) {
            throw new IllegalStateException("icepll failed:\n" + r.output());
        }
        return parse(r.output());
    }

    /** Reads icepll's report. */
    public static IcePll parse(String out) {
        return new IcePll(field(out, "DIVR"), field(out, "DIVF"), field(out, "DIVQ"), field(out, "FILTER_RANGE"),
                Double.parseDouble(group(out, "F_PLLOUT:\\s*([0-9.]+)\\s*MHz \\(achieved\\)")));
    }

    private static int field(String out, String name) {
        return Integer.parseInt(group(out, name + ":\\s*(\\d+)"));
    }

    private static String group(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("icepll output without " + regex + ":\n" + out);
        }
        return m.group(1);
    }

    private static String fmt(double mhz) {
        return mhz == Math.rint(mhz) ? String.valueOf((long) mhz) : String.valueOf(mhz);
    }
}
