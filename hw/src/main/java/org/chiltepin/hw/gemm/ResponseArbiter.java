package org.chiltepin.hw.gemm;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.HdlArea;
import org.chiltepin.hdl.Switch;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Puts the four units' responses on {@code m_axis_resp}: fixed priority (dispatcher 0, load 1,
 * compute 2, output 3, lowest first), but a response offered and not taken stays selected until it
 * is ({@code resp_locked}): a stream beat must not change while stalled. A source's response
 * leaves in the cycle {@code m_axis_resp} fires with it selected; its {@code responded} hook then
 * frees the unit.
 */
final class ResponseArbiter extends HdlArea {
    /** One response source: its valid flag, payload fields and what happens when it leaves. */
    record Source(Bool valid, UInt tag, UInt opcode, UInt status, UInt value, Runnable responded) {
    }

    final Bool respLocked;
    final UInt respLockedSource;
    final UInt respPriority;
    final UInt respSelected;
    final Bool respAny;
    final Bool respFire;

    ResponseArbiter(Stream<GemmEngine.Response> mAxisResp, Source... sources) {
        int n = sources.length;
        respLocked = regInit(bool(), bool(false));
        respLockedSource = reg(uint(2));
        respPriority = uint(2);
        assign(respPriority, uint(n - 1, 2));
        for (int s = n - 2; s >= 0; s--) {
            int which = s;
            when(sources[s].valid(), () -> assign(respPriority, uint(which, 2)));
        }
        respSelected = mux(respLocked, respLockedSource, respPriority);
        Bool any = sources[n - 1].valid();
        for (int s = n - 2; s >= 0; s--) {
            any = or(sources[s].valid(), any);
        }
        respAny = any;
        var p = mAxisResp.payload();
        Switch.on(respSelected, c -> {
            for (int s = 0; s < n - 1; s++) {
                Source src = sources[s];
                c.is(uint(s, 2), () -> drive(p, src));
            }
            c.otherwise(() -> drive(p, sources[n - 1]));
        });
        assign(mAxisResp.valid(), respAny);
        respFire = mAxisResp.fire();
        assign(respLocked, and(respAny, not(mAxisResp.ready())));
        assign(respLockedSource, respSelected);
        for (int s = 0; s < n; s++) {
            Source src = sources[s];
            when(and(respFire, eq(respSelected, uint(s, 2))), src.responded());
        }
    }

    private static void drive(GemmEngine.Response p, Source src) {
        assign(p.tag, src.tag());
        assign(p.opcode, src.opcode());
        assign(p.status, src.status());
        assign(p.value, resize(src.value(), widthOf(p.value)));
    }
}
