package io.rollcall.core;

/**
 * The one parser of addresses as users type them, {@code host:port}, {@code [v6]:port}, a bare IPv6
 * literal, or a host alone (then the default port): core's {@link Endpoint#parse} and the public
 * {@code io.rollcall.HostAndPort} (the agent's flags, its HTTP API, the configuration, seed texts)
 * all parse here, so every place accepts exactly the same text. Parsing never touches DNS.
 * Stateless.
 */
public final class AddressSyntax {
    /** Longest DNS name (RFC 1035: 253 characters in text form). */
    public static final int MAX_NAME_CHARS = 253;

    private AddressSyntax() {
    }

    /**
     * A parsed address, before either side wraps it in its own type.
     *
     * @param host an IP literal (without brackets) or a DNS name
     * @param port 0 to 65535
     */
    public record Parsed(String host, int port) {
    }

    /**
     * @param text        the address
     * @param defaultPort the port when the text names none
     * @return the host and port
     * @throws IllegalArgumentException with a one-line reason naming the text
     */
    public static Parsed parse(String text, int defaultPort) {
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
                throw new IllegalArgumentException("expected ':port' after ']' in address '" + text + "'");
            }
            if (IpLiterals.parse(host) == null || host.indexOf(':') < 0) {
                throw new IllegalArgumentException("'[" + host + "]' is not an IPv6 address in '" + text + "'");
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            port = port(t.substring(t.indexOf(':') + 1), text);
        } else if (t.indexOf(':') >= 0 && IpLiterals.parse(t) == null) {
            throw new IllegalArgumentException("bad address '" + text + "' (write an IPv6 address with a port as [v6]:port)");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("address '" + text + "' has no host");
        }
        if (IpLiterals.parse(host) == null) {
            String problem = nameProblem(host);
            if (problem != null) {
                throw new IllegalArgumentException("bad host name in address '" + text + "': " + problem);
            }
        }
        return new Parsed(host, port);
    }

    /**
     * @param name a DNS name
     * @return why it cannot be one, or null; underscores are allowed (SRV names need them)
     */
    private static String nameProblem(String name) {
        if (name.length() > MAX_NAME_CHARS) {
            return "longer than " + MAX_NAME_CHARS + " characters";
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        for (String label : n.split("\\.", -1)) {
            if (label.isEmpty()) {
                return "empty label";
            }
            if (label.length() > 63) {
                return "label longer than 63 characters";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok) {
                    return "character '" + c + "' is not allowed";
                }
            }
        }
        return null;
    }

    private static int port(String digits, String whole) {
        try {
            int p = Integer.parseInt(digits);
            if (p < 0 || p > 0xFFFF) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in address '" + whole + "'");
        }
    }
}
