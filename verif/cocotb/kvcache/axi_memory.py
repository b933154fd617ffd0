"""cocotbext-axi's AxiRam as the external memory of the KV cache's AXI4 backend (ports ``m_axi_*``).

The emitted master has no ID signals (a single-ID AXI4 master may omit them; it only issues
in-order bursts). cocotbext-axi 0.1.28 lists ``awid``/``bid``/``arid``/``rid`` among the required
signals of its channel buses and AxiRam reads their widths, so ``AxiBus.from_prefix(dut, "m_axi")``
cannot bind this port list as it is. Each channel bus is therefore built from a subclass without the
ID signal, and a constant stand-in takes its place: the sinks read ID 0 (the transaction default),
the sources drive nothing (Bus.drive only writes signals the bus was built with).
"""

import logging
import random

from cocotb.types import LogicArray
from cocotbext.axi import AxiBus, AxiRam
from cocotbext.axi.axi_channels import AxiARBus, AxiAWBus, AxiBBus, AxiRBus, AxiWBus


class _AbsentId:
    """Stands in for an ID signal the master does not have: 1 bit wide, reads 0, writes go nowhere."""

    def __init__(self):
        self.value = LogicArray("0")

    def __len__(self):
        return 1

    def setimmediatevalue(self, value):
        pass


def _without_id(bus_cls, id_name):
    class NoIdBus(bus_cls):
        _signals = [s for s in bus_cls._signals if s != id_name]

    NoIdBus.__name__ = bus_cls.__name__
    return NoIdBus


def _bus(cls, id_name, dut, prefix):
    bus = _without_id(cls, id_name).from_prefix(dut, prefix)
    setattr(bus, id_name, _AbsentId())
    return bus


def attach_axi_ram(dut, clock, reset, size, stall, rng, prefix="m_axi"):
    """An AxiRam of ``size`` bytes (all zero) on the DUT's AXI4 master ports; with ``stall`` > 0 every
    channel is paused (AW/W/AR not ready, B/R not valid) each cycle with that probability."""
    bus = AxiBus.from_channels(_bus(AxiAWBus, "awid", dut, prefix), AxiWBus.from_prefix(dut, prefix),
                               _bus(AxiBBus, "bid", dut, prefix), _bus(AxiARBus, "arid", dut, prefix),
                               _bus(AxiRBus, "rid", dut, prefix))
    ram = AxiRam(bus, clock, reset, size=size)
    for side in (ram.write_if, ram.read_if):  # not a line per burst
        side.log.setLevel(logging.WARNING)
    if stall > 0:
        channels = (ram.write_if.aw_channel, ram.write_if.w_channel, ram.write_if.b_channel,
                    ram.read_if.ar_channel, ram.read_if.r_channel)
        for ch in channels:
            seed = rng.getrandbits(32)
            ch.set_pause_generator(_pauses(random.Random(seed), stall))
    return ram


def _pauses(rng, p):
    while True:
        yield rng.random() < p
