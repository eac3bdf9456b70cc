package io.rollcall.agent;

import io.rollcall.RollcallConfig;
import java.net.InetSocketAddress;

/** Parses the addresses users type: {@code host:port}, {@code [v6]:port}, or a host alone (port 7946). */
final class Addresses {
    private Addresses() {
    }

    /**
     * @param text the address
     * @return an unresolved socket address (resolved when used)
     * @throws IllegalArgumentException with a one-line reason
     */
    static InetSocketAddress parse(String text) {
        return parse(text, RollcallConfig.DEFAULT_PORT);
    }

    static InetSocketAddress parse(String text, int defaultPort) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        String host = t;
        int port = defaultPort;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in address '" + text + "'");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (rest.startsWith(":")) {
                port = port(rest.substring(1), text);
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("bad address '" + text + "'");
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            port = port(t.substring(t.indexOf(':') + 1), text);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("address '" + text + "' has no host");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static int port(String digits, String whole) {
        try {
            int p = Integer.parseInt(digits);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in address '" + whole + "'");
        }
    }
}
