package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The GEMM engine's in-order dispatcher: the command in decode issues ({@code accept}) when its
 * unit is free and its address ranges do not overlap those of a running command of another unit
 * (so results always equal in-order execution). Each hazard is a named signal: a LOAD waits while
 * a COMPUTE reads the range it writes ({@code load_a_hazard}, {@code load_b_hazard}) or a STORE
 * reads the scales ({@code load_s_hazard}); a COMPUTE waits while a LOAD writes its A or B range
 * or an output command reads its accumulator range; a STORE or READ_ACC waits while a COMPUTE
 * writes its range or a LOAD writes the scales. FENCE waits until every unit is idle. Commands the
 * dispatcher answers itself (FENCE, READ_COUNTER, CLEAR_COUNTERS, any error but a LOAD's range)
 * respond one cycle after they issue, from {@code disp_resp_*}.
 *
 * <p>In the FPGA profile the three hazard sums are registered ({@code hazard_load_q},
 * {@code hazard_compute_q}, {@code hazard_output_q}) so the range comparators do not sit in front
 * of the units' loads. A registered hazard is stale only after the decode stage or a unit changed:
 * units start only when a command issues, and one finishing only removes hazards. So a command
 * goes to a unit only when {@code hazard_fresh} (no issue and no new command in decode the cycle
 * before): one bubble after every issue, and one cycle more from acceptance to issue.
 */
final class Dispatcher extends HdlArea {
    final Bool loadAHazard;
    final Bool loadBHazard;
    final Bool loadSHazard;
    final Bool loadHazard;
    final Bool computeAHazard;
    final Bool computeBHazard;
    final Bool computeAccHazard;
    final Bool computeHazard;
    final Bool outputAccHazard;
    final Bool outputScaleHazard;
    final Bool outputHazard;
    final Bool allIdle;
    /** FPGA profile: the registered hazards are up to date (null otherwise). */
    final Bool hazardFresh;
    /** Where the command in decode goes: a unit, or an answer from the dispatcher ({@code immediate}). */
    final Bool toLoad;
    final Bool toCompute;
    final Bool toOutput;
    final Bool immediate;
    /** Its unit is free and no hazard holds it: one term per destination. */
    final Bool loadCanIssue;
    final Bool computeCanIssue;
    final Bool outputCanIssue;
    final Bool immediateCanIssue;
    /** The command in decode issues this cycle. */
    final Bool accept;
    /**
     * The decision for the command in decode ({@code issue_decision}): in the FPGA profile it is
     * registered ({@code issue_q}), and the command issues the cycle after; else it is {@code canIssue}.
     */
    final Bool decision;
    /** FPGA profile: the registered decision, the command issues this cycle (null otherwise). */
    final Bool issueQ;
    /** The dispatcher answers the command that issues ({@code immediate}). */
    final Bool answer;
    final Bool dispRespValid;
    final UInt dispRespTag;
    final UInt dispRespOpcode;
    final UInt dispRespStatus;
    final UInt dispRespValue;

    Dispatcher(GemmConfig config, CommandDecoder decoder, Bool canIssue, LoadUnit load, ComputeUnit compute, OutputUnit output,
            PerformanceCounters counters) {
        CommandDecoder.Decoded dec = decoder.dec;
        int cw = widthOf(counters.counterValue);
        dispRespValid = regInit(bool(), bool(false));
        dispRespTag = reg(uint(8));
        dispRespOpcode = reg(uint(4));
        dispRespStatus = reg(uint(4));
        dispRespValue = reg(uint(cw));

        Bool compActive = compute.compActive;
        Bool outActive = output.outActive;
        loadAHazard = and(dec.isLoadA, and(compActive, overlaps(dec.lo0, dec.loadEnd, compute.compALo, compute.compAHi)));
        loadBHazard = and(dec.isLoadB, and(compActive, overlaps(dec.lo0, dec.loadEnd, compute.compBLo, compute.compBHi)));
        loadSHazard = and(dec.isLoadS, and(outActive, output.outStore));
        loadHazard = or(loadAHazard, or(loadBHazard, loadSHazard));
        computeAHazard = and(load.loadsA, overlaps(dec.lo0, dec.aEnd, load.loadLo, load.loadHi));
        computeBHazard = and(load.loadsB, overlaps(dec.lo1, dec.bEnd, load.loadLo, load.loadHi));
        computeAccHazard = and(outActive, overlaps(dec.lo2, dec.accEnd, output.outLo, output.outHi));
        computeHazard = or(computeAHazard, or(computeBHazard, computeAccHazard));
        outputAccHazard = and(compActive, overlaps(dec.lo0, dec.outEnd, compute.compAccLo, compute.compAccHi));
        outputScaleHazard = and(dec.isStore, load.loadsS);
        outputHazard = or(outputAccHazard, outputScaleHazard);
        allIdle = and(not(load.loadActive), and(not(compActive), not(outActive)));

        // A rejected LOAD (BAD_OPCODE or BAD_RANGE) still consumes its data beats (discarded); every other error answers at once.
        toLoad = and(dec.isLoad, not(dec.sizeBad));
        toCompute = and(dec.isCompute, not(dec.error));
        toOutput = and(dec.isOutput, not(dec.error));
        immediate = and(not(toLoad), and(not(toCompute), not(toOutput)));
        Bool loadHz = loadHazard;
        Bool computeHz = computeHazard;
        Bool outputHz = outputHazard;
        if (config.fpgaProfile()) {
            hazardFresh = regInit(bool(), bool(false));
            loadHz = named(regNext(loadHazard), "hazard_load_q");
            computeHz = named(regNext(computeHazard), "hazard_compute_q");
            outputHz = named(regNext(outputHazard), "hazard_output_q");
        } else {
            hazardFresh = null;
        }
        loadCanIssue = whenFresh(and(not(load.loadActive), or(load.loadDiscardNow, not(loadHz))));
        computeCanIssue = whenFresh(and(not(compActive), not(computeHz)));
        outputCanIssue = whenFresh(and(not(outActive), not(outputHz)));
        immediateCanIssue = and(not(dispRespValid), or(not(dec.isFence), or(dec.error, allIdle)));
        decision = config.fpgaProfile() ? named(bool(), "issue_decision") : canIssue;
        when(toLoad, () -> assign(decision, loadCanIssue))
                .elseWhen(toCompute, () -> assign(decision, computeCanIssue))
                .elseWhen(toOutput, () -> assign(decision, outputCanIssue))
                .otherwise(() -> assign(decision, immediateCanIssue));
        if (config.fpgaProfile()) {
            // The decision is registered, so the units' loads start from a flip-flop, not from the
            // hazard and busy terms; a command in decode is not decided again while it issues.
            // Units only become free meanwhile, and the decode stage holds until the issue.
            issueQ = regInit(bool(), bool(false));
            assign(issueQ, and(decoder.decValid, and(decision, not(issueQ))));
            assign(canIssue, issueQ);
            accept = issueQ;
        } else {
            issueQ = null;
            accept = and(decoder.decValid, canIssue);
        }
        decoder.issued(accept);
        if (hazardFresh != null) {
            assign(hazardFresh, and(not(accept), not(decoder.advance)));
        }

        UInt counterResult = counters.counterValue;
        answer = and(accept, immediate);
        when(answer, () -> {
            assign(dispRespValid, bool(true));
            assign(dispRespTag, dec.tag);
            assign(dispRespOpcode, dec.opcode);
            assign(dispRespStatus, dec.status);
            assign(dispRespValue, mux(and(dec.isCounter, not(dec.error)), counterResult, uint(0, cw)));
        });
        assign(load.loadStart, and(accept, toLoad));
        assign(compute.computeStart, and(accept, toCompute));
        assign(output.outputStart, and(accept, toOutput));
    }

    /** The response left. */
    void responded() {
        assign(dispRespValid, bool(false));
    }

    /** [lo1, hi1) and [lo2, hi2) share an address. */
    private static Bool overlaps(UInt lo1, UInt hi1, UInt lo2, UInt hi2) {
        return and(lt(lo1, hi2), lt(lo2, hi1));
    }

    /** In the FPGA profile a unit may issue only while the registered hazards are up to date. */
    private Bool whenFresh(Bool canIssue) {
        return hazardFresh == null ? canIssue : and(hazardFresh, canIssue);
    }
}
