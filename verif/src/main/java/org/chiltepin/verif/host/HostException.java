package org.chiltepin.verif.host;

/** The board answered with an error frame, or did not answer properly. */
public final class HostException extends RuntimeException {
    private final int code;
    private final int detail;

    public HostException(String message, int code, int detail) {
        super(message);
        this.code = code;
        this.detail = detail;
    }

    /** The error frame's code ({@code HostProtocol.ERR_*}), or 0 for a link problem. */
    public int code() {
        return code;
    }

    /** The error frame's detail byte (ENGINE_BUSY: data beats accepted before the timeout). */
    public int detail() {
        return detail;
    }
}
