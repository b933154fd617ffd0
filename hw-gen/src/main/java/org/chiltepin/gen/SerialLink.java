package org.chiltepin.gen;

import com.fazecast.jSerialComm.SerialPort;
import org.chiltepin.verif.host.HostLink;

/** A real serial port (the iCEBreaker's FTDI: usually /dev/ttyUSB1), 8N1, through jSerialComm. */
final class SerialLink implements HostLink {
    private final SerialPort port;
    private final byte[] one = new byte[1];
    private long timeoutSet = -1;

    SerialLink(String device, int baud) {
        port = SerialPort.getCommPort(device);
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!port.openPort()) {
            throw new IllegalStateException("cannot open " + device + " (does it exist? are you in the dialout group?)");
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
