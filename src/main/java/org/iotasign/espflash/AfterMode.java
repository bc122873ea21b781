package org.iotasign.espflash;

/** What to do after flashing ({@code --after}), named as in esptool. */
public enum AfterMode {
    /** Pulse RTS (EN) for 100 ms: the chip reboots and runs the new firmware if GPIO0 is high. */
    HARD_RESET("hard_reset"),
    /** FLASH_BEGIN(0,0) then FLASH_END(run user code): works without modem lines, e.g. on a pty. */
    SOFT_RESET("soft_reset"),
    /** Stay in the loader. */
    NO_RESET("no_reset");

    private final String cliName;

    AfterMode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static AfterMode parse(String s) {
        for (AfterMode m : values()) {
            if (m.cliName.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not one of hard_reset, soft_reset, no_reset");
    }
}
