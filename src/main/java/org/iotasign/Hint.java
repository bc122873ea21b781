package org.iotasign;

/**
 * What the user can do about a failure, or which of their inputs the message is about,
 * in the domain's terms. The domain raises an {@link IotasignException} that says what is
 * wrong and carries a hint; the command line words the hint with its own option names
 * ({@code cli.Hints}), so no package but {@code cli} names a flag.
 */
public enum Hint {
    /** The output file exists: choose another name, or ask for it to be replaced. */
    REPLACE_OUTPUT,
    /** The message is about the folder the verified files were to be extracted into. */
    EXTRACT_FOLDER,
    /** The release lacks its firmware: give the firmware file. */
    GIVE_FIRMWARE,
    /** A serial port was not found: check the cable and name the port. */
    NAME_PORT,
    /** A serial port could not be opened: check which port was named. */
    CHECK_PORT,
    /** The TCP port to serve on is out of range (the message is about that port). */
    SERVE_PORT,
    /** The address to serve on is not one of this machine's (the message is about that address). */
    SERVE_ADDRESS,
    /** The TCP port to serve on is taken: choose another or free it. */
    SERVE_PORT_TAKEN,
    /** The share threshold is too low (the message is about the threshold). */
    SHARE_THRESHOLD,
    /** Too many shares were asked for (the message is about the share count). */
    SHARE_COUNT,
    /** No share files were given: give each once. */
    GIVE_SHARES,
    /** The token exists already: use it, or accept an existing one. */
    ACCEPT_EXISTING_TOKEN,
    /** The message is about the object store's endpoint as given. */
    ENDPOINT,
    /** The S3 client cannot be set up: check the endpoint and region. */
    CHECK_STORE_ADDRESS,
    /** The bucket is not there: create it, or check its name, the endpoint and the addressing style. */
    CHECK_BUCKET,
    /** The store refused access: check the credentials, the bucket policy and the region. */
    CHECK_STORE_ACCESS,
    /** The store could not be reached: check the endpoint and the network, and try again. */
    CHECK_STORE_NETWORK
}
