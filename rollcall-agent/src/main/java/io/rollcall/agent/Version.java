package io.rollcall.agent;

/** What {@code rollcall version} prints. */
final class Version {
    static final String NUMBER = versionFromManifest();
    static final String TEXT = "rollcall " + NUMBER;
    static final String PROTOCOLS = "memberlist protocol 1-5 (speaks 2), Serf delegate protocol 2-5 (speaks 5)";

    private Version() {
    }

    private static String versionFromManifest() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
