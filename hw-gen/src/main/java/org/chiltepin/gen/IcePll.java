package org.chiltepin.gen;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** iCE40 PLL settings from {@code icepll -i 12 -o F}: the divider values and the frequency achieved. */
record IcePll(int divr, int divf, int divq, int filterRange, double achievedMhz) {
    String describe() {
        return String.format("PLL: 12 MHz -> %.3f MHz (icepll: DIVR=%d DIVF=%d DIVQ=%d FILTER_RANGE=%d)", achievedMhz,
                divr, divf, divq, filterRange);
    }

    static IcePll compute(double inputMhz, double outputMhz) {
        ToolRunner.Result r = ToolRunner.run(List.of("icepll", "-i", fmt(inputMhz), "-o", fmt(outputMhz)), null, null, 60);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("icepll failed:\n" + r.output());
        }
        return parse(r.output());
    }

    static IcePll parse(String out) {
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
