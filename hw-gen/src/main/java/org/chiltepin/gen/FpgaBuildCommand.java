package org.chiltepin.gen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.array.ProductPair;
import org.chiltepin.hw.fpga.BoardConfig;
import org.chiltepin.hw.fpga.Ice40ProductPair;
import org.chiltepin.hw.fpga.IcePll;
import org.chiltepin.hw.gemm.GemmConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin fpga build}: the board top around a GEMM engine preset, synthesized with yosys,
 * placed and routed with nextpnr-ice40 and packed with icepack (iCEBreaker); for ULX3S and Tang
 * Nano 9K, a synthesis-only estimate (no ECP5 or Gowin place-and-route here).
 */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate the board top (clock, reset, UART host protocol, GEMM engine), synthesize it and,",
                "for the iCEBreaker, place, route and pack a bitstream. Prints resources against the device and",
                "post-route Fmax against the clock constraint; PASS when it fits and meets timing.",
                "ULX3S (ECP5) and Tang Nano 9K (Gowin) get yosys synthesis-only estimates: no ECP5 or Gowin",
                "place-and-route is installed here."})
final class FpgaBuildCommand implements Callable<Integer> {
    /** iCE40UP5K resources. */
    static final int UP5K_LCS = 5280;
    static final int UP5K_DSPS = 8;

    @Spec
    CommandSpec spec;

    @Option(names = "--board", required = true, paramLabel = "BOARD", description = "icebreaker, ulx3s or tangnano9k.")
    String boardName;

    @Option(names = "--preset", paramLabel = "NAME", description = {"GEMM engine preset (default: the board's: icebreaker fpga-ice40, ulx3s fpga-small, tangnano9k tiny);",
                    "fpga-ice40 = 2×2 in the FPGA profile, the largest that fits the UP5K today; micro = 1×1."})
    String preset;

    @Option(names = "--freq", paramLabel = "MHZ", description = {"Engine clock in MHz (iCEBreaker: 16..275 from the PLL, or 12/N for even N from a fabric divider;",
                    "default 25 (the PLL's 25.125 MHz; fpga-ice40 reaches 33 MHz post-route, not 40). Other boards run at their oscillator."})
    Double freqMhz;

    @Option(names = "--baud", paramLabel = "BAUD", defaultValue = "115200", description = "UART baud rate (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--toolchain", paramLabel = "NAME", defaultValue = "debian", description = {
            "debian (yosys 0.23, nextpnr-ice40 0.4 on the PATH) or yowasp (@yowasp/yosys 0.55, @yowasp/nextpnr-ice40 0.8",
            "on Node, installed by scripts/setup.sh into build/tools/yowasp); default: ${DEFAULT-VALUE}."})
    String toolchainName;

    private FpgaToolchain tools;

    /** nextpnr's placement seed. */
    @Mixin
    StimulusOptions.Seed seed = new StimulusOptions.Seed();

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: build/fpga/BOARD).")
    Path out;

    @Option(names = "--no-synth", description = {"Write the Verilog, constraints and scripts and stop (for fpga/Makefile);",
            "the iCE40 DSP budget still runs its quick yosys multiplier scan."})
    boolean generateOnly;

    private PrintWriter o;

    @Override
    public Integer call() throws IOException {
        // Everything printed also goes to OUT/build-report.txt.
        PrintWriter terminal = spec.commandLine().getOut();
        java.io.StringWriter report = new java.io.StringWriter();
        o = new PrintWriter(new java.io.Writer() {
            @Override
            public void write(char[] c, int off, int len) {
                terminal.write(c, off, len);
                report.write(c, off, len);
            }

            @Override
            public void flush() {
                terminal.flush();
            }

            @Override
            public void close() {
                terminal.flush();
            }
        });
        try {
            return build();
        } finally {
            o.flush();
            if (dir != null && Files.isDirectory(dir)) {
                Files.writeString(dir.resolve(REPORT), report.toString());
            }
        }
    }

    /** The build's printed report, saved in the output folder. */
    static final String REPORT = "build-report.txt";

    private Path dir;

    /**
     * Moves the bitstream of an earlier build aside ({@code BOARD.bin.previous}) and removes its
     * placed design, so a build that fails or is interrupted leaves nothing that {@code make prog}
     * would flash; returns whether there was one.
     */
    static boolean retireBitstream(Path dir, String board) throws IOException {
        Path bin = dir.resolve(board + ".bin");
        Files.deleteIfExists(dir.resolve(board + ".asc"));
        Files.deleteIfExists(dir.resolve("report.json"));
        if (!Files.exists(bin)) {
            return false;
        }
        Files.move(bin, dir.resolve(board + ".bin.previous"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /**
     * One line for a failed place-and-route: nextpnr's first ERROR and every resource over 100 %
     * of the device, from its log.
     */
    static String pnrFailure(String log) {
        String error = log.lines().map(String::strip).filter(l -> l.startsWith("ERROR:")).findFirst()
                .map(l -> l.substring(6).strip()).orElse("no ERROR line");
        List<String> over = new ArrayList<>();
        Matcher m = Pattern.compile("(ICESTORM_\\w+|SB_\\w+):\\s+(\\d+)/\\s*(\\d+)\\s+(\\d+)%").matcher(log);
        while (m.find()) {
            if (Integer.parseInt(m.group(2)) > Integer.parseInt(m.group(3))) {
                over.add(m.group(1) + " " + m.group(2) + "/" + m.group(3));
            }
        }
        return error + (over.isEmpty() ? "" : "; over the device: " + String.join(", ", over));
    }

    private Integer build() throws IOException {
        FpgaBoard board = FpgaBoard.named(boardName);
        String presetName = preset != null ? preset : board.defaultPreset();
        GemmConfig gemm = resolvePreset(presetName);
        tools = FpgaToolchain.named(toolchainName);
        tools.requireInstalled();
        if (baud < 1200) {
            throw new ConfigException("--baud", "must be >= 1200", baud);
        }
        // The output-stationary array pairs its PEs' products; the weight-stationary one does not.
        int plannedPairs = board.family().equals("ice40") && !gemm.weightStationary() ? gemm.array().productPairs() : 0;
        if (plannedPairs > UP5K_DSPS) {
            throw new ConfigException("--preset", "on the iCE40UP5K each ProductPair (two int8 PEs of a row) takes one of its "
                    + UP5K_DSPS + " SB_MAC16s, so rows × cols / 2 must be <= " + UP5K_DSPS, presetName + " ("
                    + gemm.rows() + "×" + gemm.cols() + " array: " + plannedPairs + " pairs)");
        }
        Path target = (out != null ? out : Path.of("build", "fpga", board.name())).toAbsolutePath();
        Outputs.checkDirectory("--out", target);

        IcePll pll = null;
        int divider = 1;
        long clockHz = board.oscillatorHz();
        if (board.placeAndRoute()) {
            double want = freqMhz != null ? freqMhz : board.defaultClockHz() / 1e6;
            if (want >= 16 && want <= 275) {
                pll = IcePll.compute(12, want);
                clockHz = Math.round(pll.achievedMhz() * 1e6);
            } else {
                divider = (int) Math.round(12 / want);
                if (want > 275 || divider < 2 || divider % 2 != 0 || divider > 256 || Math.abs(12.0 / divider - want) > 1e-6) {
                    throw new ConfigException("--freq", "must be in [16, 275] MHz (the PLL's range) or 12/N MHz for an even N"
                            + " (6, 3, 2, 1.5, ...: a fabric divider)", want);
                }
                clockHz = 12_000_000L / divider;
            }
        } else if (freqMhz != null) {
            throw new ConfigException("--freq", "only the iCEBreaker target has a PLL here; " + board.name()
                    + " runs at its oscillator", freqMhz);
        }
        BoardConfig bc = BoardConfig.forClock(gemm, clockHz, baud);
        // Every value is checked: only now is anything written.
        dir = target;
        Files.createDirectories(dir);
        boolean retired = retireBitstream(dir, board.name());
        double mhz = clockHz / 1e6;
        o.printf("chiltepin fpga build: %s (%s), preset %s (%s), clock %.3f MHz%s, UART %d baud (%d clocks/bit)%n",
                board.name(), board.device(), presetName, GemmKind.INSTANCE.describe(gemm), mhz,
                pll != null ? " from the PLL" : divider > 1 ? " (12 MHz / " + divider + " in the fabric)" : " (oscillator)", baud, bc.clocksPerBit());
        if (retired) {
            o.printf("  previous    %s.bin moved to %s.bin.previous: until this build succeeds there is no bitstream%n",
                    board.name(), board.name());
        }
        if (!generateOnly) {
            o.printf("  toolchain   %s%n", tools.versions(dir));
        }
        o.flush();

        // Verilog: the board's top level from Java (clock, reset, pins around chiltepin_board), the constraints.
        Path rtl = dir.resolve("rtl");
        var emitted = Verilog.emit(board.top(bc, pll, divider), board.top(), rtl);
        Path constraints = dir.resolve(board.constraints());
        Files.copy(repoRoot().resolve("fpga").resolve(board.name()).resolve(board.constraints()), constraints,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> sources = new ArrayList<>();
        emitted.files().forEach(f -> sources.add(dir.relativize(f).toString()));
        int pairs = board.family().equals("ice40") ? mapProductPairs(ProductPair.instancesIn(emitted.top()), rtl, dir, sources) : 0;
        Files.writeString(dir.resolve("sources.txt"), String.join("\n", sources) + "\n");
        writeMakeVars(dir, board, mhz);
        o.printf("  generated   %s: %d Verilog files, top %s, %s%n", dir, sources.size(), board.top(),
                constraints.getFileName());
        if (pairs > 0) {
            o.printf("  ProductPair %d × one SB_MAC16 in two-8×8-products mode (%s replaces %s in sources.txt)%n", pairs,
                    ICE40_PAIR_FILE, "ProductPair.v");
            o.flush();
        }

        if (board.placeAndRoute()) {
            return ice40(dir, board, sources, mhz, pairs);
        }
        return estimate(dir, board, sources);
    }

    /** The SB_MAC16 version of ProductPair.v, written next to it; ProductPair.v stays for reference. */
    static final String ICE40_PAIR_FILE = "ProductPair_ice40.v";

    /**
     * iCE40: emits the SB_MAC16 mapping of each ProductPair module ({@link Ice40ProductPair}, same
     * name and ports) next to the behavioural one, swaps it in for the behavioural file in
     * {@code sources} and returns the SB_MAC16s the pairs take, one each (their number was checked
     * against the UP5K's before anything was written).
     */
    static int mapProductPairs(List<ProductPair> pairs, Path rtl, Path dir, List<String> sources) throws IOException {
        // Identical pairs share one module; a second operand width would be a second module.
        Map<String, Integer> modules = new LinkedHashMap<>();
        for (ProductPair p : pairs) {
            modules.put(p.definitionName(), p.inputWidth());
        }
        Path staging = dir.resolve("ice40");
        for (var m : modules.entrySet()) {
            String emittedFile = dir.relativize(rtl.resolve(m.getKey() + ".v")).toString();
            String mappedName = m.getKey().equals("ProductPair") ? ICE40_PAIR_FILE : m.getKey() + "_ice40.v";
            var mapped = Verilog.emit(() -> new Ice40ProductPair(m.getKey(), m.getValue(), Ice40ProductPair.parameters()),
                    m.getKey(), staging);
            Files.move(mapped.files().get(0), rtl.resolve(mappedName), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            int at = sources.indexOf(emittedFile);
            if (at < 0) {
                throw new IllegalStateException("emitted " + emittedFile + " not among the sources " + sources);
            }
            sources.set(at, dir.relativize(rtl.resolve(mappedName)).toString());
        }
        Files.deleteIfExists(staging);
        return pairs.size();
    }

    /** The smallest legal engine ({@link GemmKind#MICRO}): it shows whether the flow itself works. */
    static final GemmConfig MICRO = GemmKind.INSTANCE.preset(GemmKind.MICRO);

    /** An engine preset of {@code gemm} ({@code micro} among them). */
    static GemmConfig resolvePreset(String name) {
        return GemmKind.INSTANCE.preset(name);
    }

    /** Variables for fpga/Makefile. */
    private void writeMakeVars(Path dir, FpgaBoard board, double mhz) throws IOException {
        Files.writeString(dir.resolve("board.mk"), "# Written by chiltepin fpga build.\nTOP := " + board.top()
                + "\nFAMILY := " + board.family() + "\nCONSTRAINTS := " + board.constraints() + "\nFREQ_MHZ := "
                + String.format("%.3f", mhz) + "\nSEED := " + seed.get() + "\n");
    }

    // ---------------------------------------------------------------- iCE40: synth, DSP budget, pnr, pack

    private int ice40(Path dir, FpgaBoard board, List<String> sources, double mhz, int pairs) throws IOException {
        String prefix = "read_verilog " + String.join(" ", sources) + "\n"
                // Small FIFOs ask for distributed RAM, which the iCE40 lacks: build them from flip-flops.
                + "setattr -set ram_style \"logic\" m:* a:ram_style=distributed %i\n"
                // Every other memory is read synchronously: put even the small ones (the scale
                // tables) in block RAM, of which the UP5K has 30, rather than in logic cells.
                + "setattr -set ram_style \"block\" m:* a:ram_style=logic %n\n"
                // No memory of the engine or the protocol is read and written at one address in one
                // cycle (the dispatcher's hazard checks, distinct rows within a COMPUTE, the frame
                // buffer reads only when it does not write), so yosys need not emulate read-first
                // collisions around the EBRs: without this it registers every write port's data,
                // address and enable and adds a bypass (375 flip-flops and 303 LUTs on fpga-small).
                + "setattr -set no_rw_check 1 m:*\n"
                + "synth_ice40 -dsp -top " + board.top() + " -run begin:coarse\n"
                + "wreduce\n";
        // Phase 1: list the multipliers with their widths. The ProductPairs are SB_MAC16s already
        // (no $mul left in them): what the $muls may get is what the pairs leave.
        Files.writeString(dir.resolve("muls.ys"), prefix + "tee -q -o muls.txt dump t:$mul\n");
        List<Mul> muls;
        List<Mul> chosen;
        int budget = UP5K_DSPS - pairs;
        ToolRunner.Result synth;
        Map<String, Integer> cells;
        ToolRunner.Result scan = ToolRunner.run(tools.command("yosys", List.of("-q", "muls.ys")), dir, dir.resolve("muls.log"), 1800);
        scanCheck(scan, dir);
        muls = parseMuls(Files.readString(dir.resolve("muls.txt")));
        if (generateOnly) {
            Files.writeString(dir.resolve("synth.ys"), synthScript(board, prefix, budgetDsps(muls, budget)));
            o.println("  (--no-synth: scripts written; make -C fpga synth pnr timing bitstream)");
            o.flush();
            return 0;
        }
        while (true) {
            chosen = budgetDsps(muls, budget);
            Files.writeString(dir.resolve("synth.ys"), synthScript(board, prefix, chosen));
            synth = ToolRunner.run(tools.command("yosys", List.of("-q", "-l", "yosys.log", "synth.ys")), dir, null, 3600);
            if (synth.exitCode() != 0) {
                o.println("  synthesis   yosys failed (" + dir.resolve("yosys.log") + "):");
                tail(synth.output(), 20);
                o.println("FAIL");
                o.flush();
                return 1;
            }
            cells = parseStat(Files.readString(dir.resolve("stat.txt")));
            int dsps = cells.getOrDefault("SB_MAC16", 0);
            if (dsps <= UP5K_DSPS || budget == 0) {
                break;
            }
            // The width estimate was short: shrink the budget by the overshoot and redo.
            budget = Math.max(0, budget - (dsps - UP5K_DSPS));
        }
        int budgeted = chosen.stream().mapToInt(Mul::dsps).sum();
        o.printf("  DSP budget  %d %s of %d: %d ProductPairs (two int8 products each) + %d of %d multipliers in DSPs"
                        + " (largest LUT saving per DSP first), the rest in logic%n",
                pairs + budgeted, board.dspName(), UP5K_DSPS, pairs, chosen.size(), muls.size());
        for (Mul m : muls) {
            o.printf("              %-4s %2d×%-2d %s%n", chosen.contains(m) ? "DSP" : "LUT", m.a(), m.b(), m.shortName());
        }
        int luts = cells.getOrDefault("SB_LUT4", 0);
        int carries = cells.getOrDefault("SB_CARRY", 0);
        int ffs = cells.entrySet().stream().filter(e -> e.getKey().startsWith("SB_DFF")).mapToInt(Map.Entry::getValue).sum();
        o.printf("  synthesis   yosys synth_ice40 in %.0f s: %d SB_LUT4, %d SB_CARRY, %d flip-flops, %d SB_MAC16, %d SB_RAM40_4K, %d SB_SPRAM256KA%n",
                synth.seconds(), luts, carries, ffs, cells.getOrDefault("SB_MAC16", 0),
                cells.getOrDefault("SB_RAM40_4K", 0), cells.getOrDefault("SB_SPRAM256KA", 0));
        o.flush();
        if (luts > UP5K_LCS) {
            o.printf("  preflight   %d LUT4 > %d logic cells of the UP5K: cannot fit, place-and-route skipped%n", luts, UP5K_LCS);
            o.println("  cells       " + cells);
            o.println("FAIL");
            o.flush();
            return 1;
        }
        String freq = String.format("%.3f", mhz);
        ToolRunner.Result pnr = ToolRunner.run(tools.command("nextpnr-ice40", List.of("--up5k", "--package", "sg48", "--json",
                board.name() + ".json", "--pcf", board.constraints(), "--asc", board.name() + ".asc", "--freq", freq,
                "--seed", String.valueOf(seed.get()), "--report", "report.json", "--log", "nextpnr.log", "--timing-allow-fail", "-q")), dir, null, 3600);
        Path report = dir.resolve("report.json");
        if (pnr.exitCode() != 0 || !Files.exists(report)) {
            String log = Files.exists(dir.resolve("nextpnr.log")) ? Files.readString(dir.resolve("nextpnr.log")) : "";
            o.printf("  pnr         nextpnr-ice40 failed in %.0f s: %s (log: %s)%n", pnr.seconds(),
                    pnrFailure(log + "\n" + pnr.output()), dir.resolve("nextpnr.log"));
            o.println("FAIL");
            o.flush();
            return 1;
        }
        JsonNode rep = new ObjectMapper().readTree(report.toFile());
        JsonNode util = rep.path("utilization");
        o.printf("  pnr         nextpnr-ice40 --up5k --package sg48 --freq %s in %.0f s%n", freq, pnr.seconds());
        o.printf("  resources   logic cells %s   DSP %s   EBR %s   SPRAM %s   PLL %s%n", used(util, "ICESTORM_LC"),
                used(util, "ICESTORM_DSP"), used(util, "ICESTORM_RAM"), used(util, "ICESTORM_SPRAM"),
                used(util, "ICESTORM_PLL"));
        boolean timingMet = true;
        var it = rep.path("fmax").fields();
        while (it.hasNext()) {
            var e = it.next();
            double achieved = e.getValue().path("achieved").asDouble();
            double constraint = e.getValue().path("constraint").asDouble();
            boolean ok = achieved >= constraint;
            timingMet &= ok;
            o.printf("  timing      %s: post-route Fmax %.1f MHz against %.1f MHz (%+.0f %%) %s%n", e.getKey(), achieved,
                    constraint, 100 * (achieved / constraint - 1), ok ? "met" : "NOT MET");
        }
        ToolRunner.Result pack = ToolRunner.run(tools.command("icepack", List.of(board.name() + ".asc", board.name() + ".bin")), dir, null, 600);
        if (!rp(dir, pack)) {
            return 1;
        }
        Path bin = dir.resolve(board.name() + ".bin");
        o.printf("  bitstream   %s (%d bytes); program with: iceprog %s%n", bin, Files.size(bin), bin);
        o.println(timingMet ? "PASS" : "FAIL");
        o.flush();
        return timingMet ? 0 : 1;
    }

    private boolean rp(Path dir, ToolRunner.Result pack) {
        if (pack.exitCode() == 0) {
            return true;
        }
        o.println("  bitstream   icepack failed:");
        tail(pack.output(), 10);
        o.println("FAIL");
        o.flush();
        return false;
    }

    private String synthScript(FpgaBoard board, String prefix, List<Mul> chosen) {
        StringBuilder s = new StringBuilder(prefix);
        s.append("# DSP budget: every multiplier in logic, except the ones chosen by chiltepin fpga build.\n");
        s.append("chtype -set $__soft_mul t:$mul\n");
        for (Mul m : chosen) {
            s.append("chtype -set $mul t:$__soft_mul n:").append(m.name()).append(" %i\n");
        }
        s.append("synth_ice40 -dsp -top ").append(board.top()).append(" -run coarse: -json ").append(board.name())
                .append(".json\n");
        s.append("tee -q -o stat.txt stat\n");
        return s.toString();
    }

    private void scanCheck(ToolRunner.Result scan, Path dir) {
        if (scan.exitCode() != 0) {
            throw new IllegalStateException("yosys multiplier scan failed (" + dir.resolve("muls.log") + "):\n" + scan.output());
        }
    }

    /** A multiplier after width reduction, and the SB_MAC16s (16×16 each) it would take. */
    record Mul(String name, int a, int b) {
        int dsps() {
            if (a < 2 || b < 2 || a + b < 11) {
                return 0;
            }
            return ((a + 15) / 16) * ((b + 15) / 16);
        }

        double savingPerDsp() {
            return dsps() == 0 ? 0 : (double) a * b / dsps();
        }

        String shortName() {
            return name.replace("$flatten\\", "").replace("\\", "");
        }
    }

    static List<Mul> parseMuls(String dump) {
        List<Mul> muls = new ArrayList<>();
        Matcher cell = Pattern.compile("cell \\$mul (\\S+)\\n((?:\\s+parameter .*\\n)+)").matcher(dump);
        while (cell.find()) {
            String params = cell.group(2);
            muls.add(new Mul(cell.group(1), param(params, "A_WIDTH"), param(params, "B_WIDTH")));
        }
        return muls;
    }

    private static int param(String params, String name) {
        Matcher m = Pattern.compile("\\\\" + name + " (\\d+)").matcher(params);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Greedy: the multipliers that save the most logic per DSP, until the budget is spent. */
    static List<Mul> budgetDsps(List<Mul> muls, int budget) {
        List<Mul> sorted = new ArrayList<>(muls);
        sorted.sort(Comparator.comparingDouble(Mul::savingPerDsp).reversed().thenComparing(Mul::name));
        List<Mul> chosen = new ArrayList<>();
        int left = budget;
        for (Mul m : sorted) {
            if (m.dsps() > 0 && m.dsps() <= left) {
                chosen.add(m);
                left -= m.dsps();
            }
        }
        return chosen;
    }

    /** Cell counts of the top module from yosys {@code stat}. */
    static Map<String, Integer> parseStat(String stat) {
        Map<String, Integer> cells = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^\\s+(\\$?[A-Za-z_][A-Za-z0-9_$]*)\\s+(\\d+)\\s*$", Pattern.MULTILINE).matcher(stat);
        while (m.find()) {
            cells.merge(m.group(1), Integer.parseInt(m.group(2)), (x, y) -> y);
        }
        return cells;
    }

    private static String used(JsonNode util, String kind) {
        JsonNode n = util.path(kind);
        if (n.isMissingNode()) {
            return "-";
        }
        int u = n.path("used").asInt();
        int a = n.path("available").asInt();
        return String.format("%d/%d (%d %%)", u, a, a == 0 ? 0 : Math.round(100.0 * u / a));
    }

    private void tail(String text, int lines) {
        List<String> all = text.lines().toList();
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> o.println("    " + l));
    }

    // ---------------------------------------------------------------- ECP5 / Gowin: yosys estimate only

    private int estimate(Path dir, FpgaBoard board, List<String> sources) throws IOException {
        String cmd = board.family().equals("ecp5") ? "synth_ecp5" : "synth_gowin";
        String script = "read_verilog " + String.join(" ", sources) + "\n" + cmd + " -top " + board.top() + "\n"
                + "tee -q -o stat.txt stat\n";
        Files.writeString(dir.resolve("synth.ys"), script);
        if (generateOnly) {
            o.println("  (--no-synth: scripts written; make -C fpga BOARD=" + board.name() + " synth)");
            o.flush();
            return 0;
        }
        ToolRunner.Result r = ToolRunner.run(tools.command("yosys", List.of("-q", "-l", "yosys.log", "synth.ys")), dir, null, 3600);
        if (r.exitCode() != 0) {
            o.println("  synthesis   yosys " + cmd + " failed:");
            tail(r.output(), 20);
            o.println("FAIL");
            o.flush();
            return 1;
        }
        Map<String, Integer> cells = parseStat(Files.readString(dir.resolve("stat.txt")));
        int lut4 = cells.entrySet().stream().filter(e -> e.getKey().matches("LUT[1-4]")).mapToInt(Map.Entry::getValue).sum();
        // Carry cells: an ECP5 CCU2C takes two LUT4 sites, a Gowin ALU one.
        boolean ecp5 = board.family().equals("ecp5");
        int carryLuts = ecp5 ? 2 * cells.getOrDefault("CCU2C", 0) : cells.getOrDefault("ALU", 0);
        int lutEq = lut4 + carryLuts;
        int ffs = cells.entrySet().stream().filter(e -> e.getKey().matches("(TRELLIS_FF|DFF.*)")).mapToInt(Map.Entry::getValue).sum();
        int dsps = cells.getOrDefault(ecp5 ? "MULT18X18D" : "MULT18X18", 0);
        int rams = ecp5 ? cells.getOrDefault("DP16KD", 0)
                : cells.entrySet().stream().filter(e -> e.getKey().matches("(S?DPX?9?B?|DPX9B|SDPX9B|DPX9|SDPX9|SP|SPX9)"))
                        .mapToInt(Map.Entry::getValue).sum();
        o.printf("  synthesis   yosys %s in %.0f s: SYNTHESIS-ONLY ESTIMATE (no %s place-and-route on this machine)%n",
                cmd, r.seconds(), board.family().equals("ecp5") ? "ECP5 (nextpnr-ecp5)" : "Gowin (nextpnr-gowin / Gowin EDA)");
        o.printf("  resources   LUT4 %d + %d in carry cells = %d of %d (%d %%), flip-flops %d, %s %d of %d, %s %d of %d%n",
                lut4, carryLuts, lutEq, board.lutsAvailable(), Math.round(100.0 * lutEq / board.lutsAvailable()), ffs,
                board.dspName(), dsps, board.dspsAvailable(), board.ramName(), rams, board.ramsAvailable());
        if (!ecp5 && dsps == 0) {
            o.println("  note        yosys 0.23 synth_gowin maps no multiplier to the GW1NR's MULT18X18 blocks: every multiplier is LUTs");
        }
        o.println("  cells       " + cells);
        o.println("  timing      not known without place-and-route");
        boolean fits = lutEq <= board.lutsAvailable() && dsps <= board.dspsAvailable() && rams <= board.ramsAvailable();
        o.println(fits ? "ESTIMATE FITS" : "ESTIMATE DOES NOT FIT");
        o.flush();
        return fits ? 0 : 1;
    }

    /** The repository root: the jar sits in hw-gen/target, the classes in hw-gen/target/classes. */
    static Path repoRoot() {
        try {
            Path p = Path.of(FpgaBuildCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path d = p; d != null; d = d.getParent()) {
                if (Files.isDirectory(d.resolve("fpga")) && Files.exists(d.resolve("pom.xml"))) {
                    return d;
                }
            }
        } catch (URISyntaxException e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
