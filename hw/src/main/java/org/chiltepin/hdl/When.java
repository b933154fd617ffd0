package org.chiltepin.hdl;

import spinal.core.Bool;
import spinal.core.WhenContext;

/** A {@code when / elseWhen / otherwise} chain; see {@link Hdl#when}. */
public final class When {
    private final WhenContext context;

    When(WhenContext context) {
        this.context = context;
    }

    public When elseWhen(Bool cond, Runnable body) {
        return new When(context.elsewhen(cond, Hdl.unit(body), CallSite.location()));
    }

    /** {@code elseWhen} with the condition named {@code name} (unless it already has a name). */
    public When elseWhen(String name, Bool cond, Runnable body) {
        return elseWhen(Hdl.nameDecision(cond, name), body);
    }

    public void otherwise(Runnable body) {
        context.otherwise(Hdl.unit(body));
    }
}
