/**
 * Rollcall: peer-to-peer membership and failure detection, wire-compatible with HashiCorp memberlist
 * and Serf. Only the {@code io.rollcall} package is public API; everything under
 * {@code io.rollcall.core} is implementation and may change.
 */
module io.rollcall {
    // msgpack-core ships no module descriptor: this is its file-name-derived automatic module name.
    requires msgpack.core;
    // re2j ships no module descriptor either: its file-name-derived name.
    requires re2j;
    // The JDK's DNS provider (jdk.naming.dns) answers SRV and uncached A/AAAA queries for discovery.
    requires java.naming;

    exports io.rollcall;
}
