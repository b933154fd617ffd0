package org.chiltepin.hw;

/**
 * An invalid block configuration. The message is one line naming the field, the rule it breaks
 * and the offending value, e.g. {@code rows: must be in [1, 32], got 0}.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public ConfigException(String field, String rule, Object value) {
        super(field + ": " + rule + ", got " + value);
        this.field = field;
    }

    /** The configuration field at fault. */
    public String field() {
        return field;
    }

    /** Checks {@code min <= value <= max} for an integer field. */
    public static int requireRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException(field, "must be in [" + min + ", " + max + "]", value);
        }
        return value;
    }

    /** Checks {@code value >= min} for an integer field. */
    public static int requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new ConfigException(field, "must be >= " + min, value);
        }
        return value;
    }

    /** Checks {@code 0 <= p < 1} for a probability (a stall rate: 1 would never move). */
    public static double requireProbability(String field, double p) {
        if (p < 0 || p >= 1) {
            throw new ConfigException(field, "must be in [0, 1)", p);
        }
        return p;
    }
}
