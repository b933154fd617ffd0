package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.runtime.DecodeReport;
import org.chiltepin.verif.runtime.EnergyModel;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine.Option;

/**
 * {@code run llama}'s per-token report options: the stated clock, and {@code --csv} / {@code --plot}
 * for the {@link DecodeReport} rows. Output paths are checked before the model loads (a bad path is
 * a one-line error, exit 2); each file is written beside its target and moved into place, so a
 * failed write leaves nothing half-written.
 */
final class LlamaReportOptions {
    @Option(names = "--csv", paramLabel = "FILE", description = "Write the per-token figures (docs/llm.md §6.2).")
    Path csv;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Plot energy per token and tokens/s against the roofline, per position.")
    Path plot;

    @Option(names = "--clock-mhz", paramLabel = "F", defaultValue = "1000",
            description = "Clock for tokens/s, MHz (default: ${DEFAULT-VALUE}, an assumption: the chip has no ASIC timing).")
    double clockMhz;

    /** Validates the options before any work. */
    void check() {
        if (!(clockMhz > 0 && clockMhz <= 100_000)) {
            throw new ConfigException("--clock-mhz", "must be in (0, 100000]", clockMhz);
        }
        if (csv != null) {
            Outputs.checkFile("--csv", csv);
        }
        if (plot != null) {
            Outputs.checkFile("--plot", plot);
        }
    }

    /** The report of a recorded run ({@code chip}: the preset when the sim engine ran, else null). */
    DecodeReport report(DecodeReport.Recorder run, ChipConfig chip) {
        return DecodeReport.of(run, chip, EnergyModel.HOROWITZ_45NM, clockMhz);
    }

    /** Prints the summary and writes the files asked for. */
    void write(DecodeReport r, PrintWriter o) throws IOException {
        r.print(o);
        if (csv != null) {
            StringBuilder b = new StringBuilder(String.join(",", DecodeReport.COLUMNS)).append('\n');
            for (DecodeReport.Row row : r.rows()) {
                List<String> cells = new ArrayList<>();
                for (Object c : row.cells()) {
                    cells.add(c == null ? "" : c instanceof Double d ? plain(d) : c.toString());
                }
                b.append(String.join(",", cells)).append('\n');
            }
            replace(csv, tmp -> Files.writeString(tmp, b, StandardCharsets.UTF_8));
            o.printf("  csv         %s%n", csv);
        }
        if (plot != null) {
            XYChart chart = chart(r);
            replace(plot, tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
            o.printf("  plot        %s%n", plot);
        }
    }

    /** A double in plain notation, as few digits as identify it (no exponent). */
    static String plain(double d) {
        return Double.isFinite(d) ? java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : Double.toString(d);
    }

    private static XYChart chart(DecodeReport r) {
        boolean sim = r.rows().get(0).kind().equals("sim");
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title("decode per token (" + (sim ? "simulated chip" : "analytical floor") + ", energy: " + "45 nm estimate)")
                .xAxisTitle("position").yAxisTitle("energy per token (µJ)").build();
        List<Integer> pos = r.rows().stream().map(DecodeReport.Row::pos).toList();
        chart.addSeries("energy (µJ)", pos, r.rows().stream().map(x -> x.energy().totalPj() / 1e6).toList());
        chart.addSeries("DRAM part (µJ)", pos, r.rows().stream().map(x -> EnergyModel.Energy.pj(x.energy().dramAj()) / 1e6).toList());
        XYSeries roof = chart.addSeries("roofline tokens/s", pos, r.rows().stream().map(DecodeReport.Row::rooflineTokensPerSecond).toList());
        roof.setYAxisGroup(1);
        if (sim) {
            chart.addSeries("tokens/s", pos, r.rows().stream().map(DecodeReport.Row::tokensPerSecond).toList()).setYAxisGroup(1);
        }
        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.setYAxisGroupTitle(1, "tokens/s at " + String.format(Locale.ROOT, "%.0f", r.clockMhz()) + " MHz");
        return chart;
    }

    private interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** Writes {@code target} through a file beside it, moved into place when complete. */
    private static void replace(Path target, Writer w) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        String name = abs.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
        Path tmp = Files.createTempFile(abs.getParent(), "." + name + ".", ext);
        try {
            w.write(tmp);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
