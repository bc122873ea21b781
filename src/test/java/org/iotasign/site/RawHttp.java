package org.iotasign.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request target byte for byte, with no client-side normalisation, so that
 * traversal attempts reach the server exactly as an attacker would send them.
 */
final class RawHttp {
    record Reply(int status, String head, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private RawHttp() {
    }

    static Reply send(int port, String method, String target) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String raw = all.toString(StandardCharsets.ISO_8859_1);
            int split = raw.indexOf("\r\n\r\n");
            String head = split < 0 ? raw : raw.substring(0, split);
            byte[] body = split < 0 ? new byte[0] : raw.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(head.substring(9, 12));
            return new Reply(status, head, body);
        }
    }
}
