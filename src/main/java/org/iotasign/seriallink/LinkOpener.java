package org.iotasign.seriallink;

import java.io.IOException;

/** Opens (or reopens, after the transport failed) the link to the peer. */
@FunctionalInterface
public interface LinkOpener {
    Link open() throws IOException;
}
