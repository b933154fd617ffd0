package org.chiltepin.gen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Versions recorded at build time (from the POM) for --version and manifests. */
final class Version implements IVersionProvider {
    private static final Properties PROPS = load();

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/chiltepin.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static String chiltepin() {
        return PROPS.getProperty("version", "unknown");
    }

    static String spinalHdl() {
        return PROPS.getProperty("spinalhdl", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"chiltepin " + chiltepin() + " (SpinalHDL " + spinalHdl() + ", Java " + Runtime.version() + ")"};
    }
}
