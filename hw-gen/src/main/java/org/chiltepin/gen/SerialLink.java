package org.chiltepin.gen;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.verif.host.HostLink;

/** A real serial port (the iCEBreaker's FTDI: usually /dev/ttyUSB1), 8N1, through jSerialComm. */
final class SerialLink implements HostLink {
    private final SerialPort port;
    private final byte[] one = new byte[1];
    private long timeoutSet = -1;

    /** Opens {@code device}; a path that is not there or not a serial port is a one-line {@link ConfigException}. */
    SerialLink(String device, int baud) {
        if (!Files.exists(Path.of(device))) {
            throw new ConfigException("--port", "must name a serial device that exists (the iCEBreaker is usually "
                    + "/dev/ttyUSB1: ls /dev/ttyUSB* /dev/ttyACM*)", device);
        }
        try {
            port = SerialPort.getCommPort(device);
        } catch (SerialPortInvalidPortException e) {
            throw new ConfigException("--port", "must name a serial port", device);
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!port.openPort()) {
            throw new ConfigException("--port", "cannot be opened as a serial port (is it one? is it busy? are you in "
                    + "the dialout group?)", device);
        }
    }

    @Override
    public void send(byte[] bytes) {
        int n = port.writeBytes(bytes, bytes.length);
        if (n != bytes.length) {
            throw new IllegalStateException("serial write failed (" + n + " of " + bytes.length + " bytes)");
        }
    }

    @Override
    public int receive(long timeoutMillis) {
        if (timeoutMillis != timeoutSet) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, (int) timeoutMillis, 0);
            timeoutSet = timeoutMillis;
        }
        int n = port.readBytes(one, 1);
        return n == 1 ? one[0] & 0xFF : -1;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
