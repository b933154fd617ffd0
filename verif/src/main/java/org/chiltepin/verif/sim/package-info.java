/**
 * The core every co-simulation harness is built on: a {@link org.chiltepin.verif.sim.Testbench}
 * per run (simulation handle, random generator, cycle count, {@link org.chiltepin.verif.sim.Watchdog},
 * capped {@link org.chiltepin.verif.sim.Failures}), a {@link org.chiltepin.verif.sim.StreamDriver}
 * per input stream (random idle cycles; an offered beat stays valid and unchanged until taken) and a
 * {@link org.chiltepin.verif.sim.StreamMonitor} per output stream (random back-pressure; a stalled
 * beat must be held), and the {@link org.chiltepin.verif.sim.HarnessReport} every harness returns.
 *
 * <p>A harness's run is a loop of: {@code drive} every driver and monitor (inputs before the edge),
 * {@link org.chiltepin.verif.sim.Testbench#tick()}, {@code sample} every driver and monitor (what
 * the edge transferred), compare with the golden model, stop when done, on the watchdog or on too
 * many failures. See SystolicArrayHarness for the smallest complete example.
 */
package org.chiltepin.verif.sim;
