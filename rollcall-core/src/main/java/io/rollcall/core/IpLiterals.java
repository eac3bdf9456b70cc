package io.rollcall.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IP literals without ever consulting DNS. */
public final class IpLiterals {
    private IpLiterals() {
    }

    /**
     * @param host an IPv4 dotted quad or an IPv6 literal (no brackets)
     * @return the 4 or 16 address bytes, or null if the text is not a literal
     */
    public static byte[] parse(String host) {
        if (host.isEmpty()) {
            return null;
        }
        if (host.indexOf(':') >= 0) {
            // The JDK parses IPv6 literals itself without a lookup when the text contains ':'.
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                boolean ok = Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%';
                if (!ok) {
                    return null;
                }
            }
            try {
                return InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                int d = Character.digit(p.charAt(j), 10);
                if (d < 0) {
                    return null;
                }
                v = v * 10 + d;
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }
}
