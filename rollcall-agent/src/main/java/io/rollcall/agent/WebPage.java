package io.rollcall.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The agent's web page at {@code /}: three files inside the jar (no CDN, so it works offline), read
 * once at start. They hold no cluster data, so they are served without the token; the page asks for
 * the token and sends it with every API request in a header.
 */
final class WebPage {
    /**
     * Scripts and styles from the agent only, no inline code, fetches to the agent only, no framing:
     * even a peer's name that slipped past the page's escaping could not run or load anything.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String HEADERS = "Content-Security-Policy: " + CONTENT_SECURITY_POLICY + "\r\n"
            + "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n"
            + "Cache-Control: no-cache\r\n";

    /** A file of the page and its media type. */
    private record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets;

    WebPage() {
        this.assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/ui/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/ui/app.css", load("app.css", "text/css; charset=utf-8"));
    }

    /** @return whether {@code path} is one of the page's files */
    boolean serves(String path) {
        return assets.containsKey(path);
    }

    void send(String path, PlainHttpServer.Response response) throws IOException {
        Asset a = assets.get(path);
        response.send(200, a.contentType(), a.bytes(), HEADERS);
    }

    private static Asset load(String file, String contentType) {
        try (InputStream in = WebPage.class.getResourceAsStream("ui/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the web page's " + file + " is missing from the jar");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web page's " + file, e);
        }
    }
}
