package org.chiltepin.hdl;

/**
 * An error in a hardware description: a width mismatch, a latch, an unnamed register, an
 * unexpected engine failure. The message names the Java source line(s) responsible, with the
 * facade's own frames removed.
 */
public final class HdlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HdlException(String message) {
        super(message);
    }

    public HdlException(String message, Throwable cause) {
        super(message, cause);
    }
}
