package org.iotasign.cli;

import org.iotasign.Hint;
import org.iotasign.IotasignException;

/**
 * The one place that words a {@link Hint} in the command line's option names. Every
 * IotasignException the CLI shows goes through {@link #message}.
 */
public final class Hints {
    private Hints() {
    }

    /** The exception's one-line message as the user reads it: its text with its hint worded. */
    public static String message(IotasignException e) {
        return e.hint().map(h -> worded(h, e.getMessage())).orElse(e.getMessage());
    }

    /** {@code what} (the domain's text) with {@code hint} worded around it. */
    static String worded(Hint hint, String what) {
        return switch (hint) {
            case REPLACE_OUTPUT -> what + ": choose another output name or pass --force to replace it";
            case EXTRACT_FOLDER -> "--extract " + what;
            case GIVE_FIRMWARE -> what + ": give the firmware with --firmware";
            case NAME_PORT -> what + ": check the cable and pass --port";
            case CHECK_PORT -> what + ": check --port";
            case SERVE_PORT -> "--port " + what;
            case SERVE_ADDRESS -> "--bind " + what;
            case SERVE_PORT_TAKEN -> what + ": choose another --port or stop what is using it";
            case SHARE_THRESHOLD -> "--threshold " + what;
            case SHARE_COUNT -> "--shares " + what;
            case GIVE_SHARES -> what + ": pass --share FILE once per share";
            case ACCEPT_EXISTING_TOKEN -> what + ": use it, or pass --if-absent to accept an existing token";
            case ENDPOINT -> "--endpoint " + what;
            case CHECK_STORE_ADDRESS -> what + ": check --endpoint and --region";
            case CHECK_BUCKET -> what + ": create it, or check the name, --endpoint and --path-style";
            case CHECK_STORE_ACCESS -> what + ": check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE), "
                    + "the bucket policy and --region";
            case CHECK_STORE_NETWORK -> what + ": check --endpoint, the network and try again";
        };
    }
}
