package org.iotasign.selftest;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Whether the machine looks air-gapped: no network interface other than loopback is up.
 * An interface counts when the kernel has it administratively up, with or without a
 * cable or an address: a signer that can be brought online by plugging a cable in is not
 * air-gapped.
 */
public final class NetworkCheck {
    /** A non-loopback interface that is up, with its addresses (possibly none). */
    public record UpInterface(String name, String displayName, List<String> addresses) {
    }

    private NetworkCheck() {
    }

    public static List<UpInterface> upInterfaces() {
        List<UpInterface> up = new ArrayList<>();
        List<NetworkInterface> all;
        try {
            all = Collections.list(NetworkInterface.getNetworkInterfaces());
        } catch (SocketException e) {
            // The JVM cannot see the interfaces: report that as an interface we cannot rule out.
            return List.of(new UpInterface("?", "cannot list network interfaces: " + e.getMessage(), List.of()));
        }
        for (NetworkInterface ni : all) {
            try {
                if (!ni.isUp() || ni.isLoopback()) {
                    continue;
                }
            } catch (SocketException e) {
                // State unknown: count it, an air-gap check must not pass on doubt.
            }
            List<String> addresses = new ArrayList<>();
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                addresses.add(a.getHostAddress());
            }
            up.add(new UpInterface(ni.getName(), ni.getDisplayName(), addresses));
        }
        up.sort((a, b) -> a.name().compareTo(b.name()));
        return up;
    }
}
