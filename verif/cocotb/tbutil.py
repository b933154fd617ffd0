"""Helpers the cocotb testbenches share: the failure log and the X check."""

from cocotb.simtime import get_sim_time

MAX_REPORTED = 20


def resolved(value):
    """True when a signal's value is all 0/1 (no X or Z)."""
    return all(c in "01" for c in str(value))


class Failures:
    """Counts failures, keeps the first MAX_REPORTED with their simulation time, logs them."""

    def __init__(self, log):
        self.log = log
        self.first = []
        self.count = 0

    def __call__(self, msg):
        self.count += 1
        if len(self.first) < MAX_REPORTED:
            self.first.append(f"@{get_sim_time('ns'):.0f} ns: {msg}")
            self.log.error(self.first[-1])

    def check(self):
        assert self.count == 0, f"{self.count} failures; the first: " + "; ".join(self.first[:5])


class StallHold:
    """The valid/ready rule on one output: a payload offered while ready is low stays, unchanged,
    until it is taken."""

    def __init__(self, name, fail):
        self.name = name
        self.fail = fail
        self.held = None

    def taken(self, payload, ready):
        """Checks this cycle's payload (None when not valid) against the one held under
        back-pressure; True when the payload is taken this cycle."""
        if self.held is not None and self.held != payload:
            self.fail(f"protocol: {self.name} changed or dropped while stalled")
        self.held = payload if payload is not None and not ready else None
        return payload is not None and ready
