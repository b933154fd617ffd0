package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code host gemm}: a port that is not there, or not a serial port, is one line and exit 2. */
class HostGemmCommandTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/dev/ttyNOPE|--port: must name a serial device that exists (the iCEBreaker is usually /dev/ttyUSB1: "
                + "ls /dev/ttyUSB* /dev/ttyACM*), got /dev/ttyNOPE",
        "/dev/null|--port: cannot be opened as a serial port (is it one? is it busy? are you in the dialout group?), "
                + "got /dev/null"})
    void aWrongPortIsOneLineExit2(String port, String message) {
        var r = ChiltepinTest.run("host", "gemm", "--port", port);
        assertEquals(Cli.USAGE, r.exit(), r.out() + r.err());
        assertEquals("chiltepin: invalid configuration: " + message, r.err().strip());
        assertEquals("", r.out(), "nothing before the error");
    }
}
