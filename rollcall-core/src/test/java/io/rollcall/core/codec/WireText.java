package io.rollcall.core.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte strings written the way the protocol reference writes them: hex, with "quoted" ASCII runs. */
final class WireText {
    private static final Pattern TOKEN = Pattern.compile("\"([^\"]*)\"|([0-9a-fA-F]+)|(\\S)");

    private WireText() {
    }

    /**
     * @param text e.g. {@code 00 85 a4"Node" a4"vec1"}
     * @return the bytes it denotes
     */
    static byte[] bytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            if (m.group(1) != null) {
                out.writeBytes(m.group(1).getBytes(StandardCharsets.US_ASCII));
            } else if (m.group(2) != null) {
                out.writeBytes(HexFormat.of().parseHex(m.group(2)));
            } else {
                throw new IllegalArgumentException("not hex or a quoted string: " + m.group(3));
            }
        }
        return out.toByteArray();
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
