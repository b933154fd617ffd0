package org.chiltepin.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.chiltepin.hw.QualityGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Axi4PortTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void masterPortHasTheSpecificationNamesInChannelOrder() {
        var emitted = Verilog.emit(LibToys.AxiMaster::new, "axi_master", dir);
        List<String> ports = emitted.ports().stream()
                .map(p -> p.direction().charAt(0) + " " + p.name() + " " + p.width()).toList();
        assertEquals(List.of("i go 1",
                "o m_axi_awvalid 1", "i m_axi_awready 1", "o m_axi_awaddr 32", "o m_axi_awlen 8", "o m_axi_awsize 3",
                "o m_axi_awburst 2", "o m_axi_wvalid 1", "i m_axi_wready 1", "o m_axi_wdata 64", "o m_axi_wstrb 8",
                "o m_axi_wlast 1", "i m_axi_bvalid 1", "o m_axi_bready 1", "i m_axi_bresp 2",
                "o m_axi_arvalid 1", "i m_axi_arready 1", "o m_axi_araddr 32", "o m_axi_arlen 8", "o m_axi_arsize 3",
                "o m_axi_arburst 2", "i m_axi_rvalid 1", "o m_axi_rready 1", "i m_axi_rdata 64", "i m_axi_rresp 2",
                "i m_axi_rlast 1", "o seen 1"), ports);
        QualityGates.ToolRun lint = QualityGates.lint(emitted.files(), "axi_master");
        assertTrue(lint.ok(), lint.output());
    }

    @Test
    void illegalWidthsAreRejected() {
        HdlException e = assertThrows(HdlException.class, () -> Axi4Port.config(32, 48));
        assertTrue(e.getMessage().contains("power-of-two data width"), e.getMessage());
    }
}
