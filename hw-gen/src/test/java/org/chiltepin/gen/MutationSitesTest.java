package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.chiltepin.gen.MutationSites.Mutant;
import org.junit.jupiter.api.Test;

/** The sites {@code mutate} finds in SpinalHDL-style Verilog, how one is applied, and the draw. */
class MutationSitesTest {
    private static final String V = String.join("\n",
            "module pe (",
            "  input  wire [7:0]    in_a,",
            "  output reg  [31:0]   result",
            ");",
            "  wire       [31:0]   sum;",
            "  assign sum = (in_first ? product : (acc + {16'd0, in_a[7 : 0]}));",
            "  assign hit = ((a == 4'b0010) && (b < c));",
            "  always @(posedge clk) begin",
            "    if(reset) begin",
            "      valid <= 1'b0;",
            "    end else begin",
            "      if((x | y)) begin",
            "        valid <= in_valid;",
            "      end",
            "    end",
            "  end",
            "`ifndef SYNTHESIS",
            "  always @(*) begin",
            "    state_string = (s ? 8'h41 : 8'h42);",
            "  end",
            "`endif",
            "endmodule",
            "");

    private static Set<String> described(List<Mutant> sites) {
        return sites.stream().map(Mutant::describe).collect(Collectors.toSet());
    }

    @Test
    void findsEveryOperatorClassAndNothingInDeclarationsBitSelectsOrDebugBlocks() {
        List<Mutant> s = MutationSites.of("pe.v", V);
        Set<String> d = described(s);
        assertTrue(d.contains("pe.v:6 arith: + -> -"), d.toString());
        assertTrue(d.contains("pe.v:6 ternary: (in_first ? product : (acc + {16'd0, in_a[7 : 0]})) -> "
                + "(in_first ? (acc + {16'd0, in_a[7 : 0]}) : product)"), d.toString());
        assertTrue(d.contains("pe.v:7 compare: == -> !="), d.toString());
        assertTrue(d.contains("pe.v:7 compare: < -> <="), d.toString());
        assertTrue(d.contains("pe.v:7 logic: && -> ||"), d.toString());
        assertTrue(d.contains("pe.v:7 const: 4'b0010 -> 4'h3"), d.toString());
        assertTrue(d.contains("pe.v:7 const: 4'b0010 -> 4'h1"), d.toString());
        assertTrue(d.contains("pe.v:10 reset: 1'b0 -> 1'h1"), d.toString());
        assertTrue(d.contains("pe.v:10 drop: valid <= 1'b0; -> ;"), d.toString());
        assertTrue(d.contains("pe.v:12 cond: ((x | y)) -> (!((x | y)))"), d.toString());
        assertTrue(d.contains("pe.v:12 logic: | -> &"), d.toString());
        assertTrue(d.contains("pe.v:13 drop: valid <= in_valid; -> ;"), d.toString());
        assertTrue(s.stream().noneMatch(m -> m.line() <= 5 || m.line() >= 17), d.toString());
        // Bit selects are not sites; the reset branch's constant is a reset value, not a constant.
        assertTrue(s.stream().noneMatch(m -> m.original().equals("7") || m.original().equals("0")), d.toString());
        assertTrue(s.stream().noneMatch(m -> m.line() == 10 && m.operator().equals("const")), d.toString());
        assertEquals(s.size(), s.stream().map(Mutant::key).distinct().count(), "site keys are unique");
    }

    @Test
    void applyingAMutantChangesOnlyItsSite() {
        Mutant plus = MutationSites.of("pe.v", V).stream().filter(m -> m.operator().equals("arith")).findFirst().orElseThrow();
        String mutated = MutationSites.apply(V, plus);
        assertTrue(mutated.contains("(acc - {16'd0, in_a[7 : 0]})"), mutated);
        assertEquals(V.replace("(acc + {", "(acc - {"), mutated);
        assertThrows(IllegalStateException.class, () -> MutationSites.apply(mutated, plus));
    }

    @Test
    void theDrawIsDeterministicInTheSeedAndWithoutRepeats() {
        List<Mutant> s = MutationSites.of("pe.v", V);
        assertEquals(MutationSites.sample(s, 5, 3), MutationSites.sample(s, 5, 3));
        assertFalse(MutationSites.sample(s, 5, 3).equals(MutationSites.sample(s, 5, 4)));
        assertEquals(5, MutationSites.sample(s, 5, 3).stream().distinct().count());
        assertEquals(s.size(), MutationSites.sample(s, 10_000, 1).size());
    }
}
