package org.iotasign.espflash;

/** How to get the chip into its ROM loader before flashing ({@code --before}), named as in esptool. */
public enum ResetMode {
    /** DTR/RTS classic sequence: hold EN low, release it with GPIO0 low. */
    DEFAULT_RESET("default_reset"),
    /** The chip is already in the loader (GPIO0 held low while it was reset by hand). */
    NO_RESET("no_reset");

    private final String cliName;

    ResetMode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static ResetMode parse(String s) {
        for (ResetMode m : values()) {
            if (m.cliName.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not one of default_reset, no_reset");
    }
}
