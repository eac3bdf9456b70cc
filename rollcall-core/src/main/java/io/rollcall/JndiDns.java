package io.rollcall;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * DNS queries through the JDK's own DNS provider (JNDI, module jdk.naming.dns). With the URL
 * {@code dns:} and no server in it, that provider asks the servers of the system resolver's
 * configuration ({@code /etc/resolv.conf} on Linux) and caches nothing, so a record that changed is
 * seen at the next query, and no library is needed for SRV.
 */
final class JndiDns {
    /** Asks the system resolver's servers. */
    static final JndiDns SYSTEM = new JndiDns("dns:");
    /** First wait for an answer; the provider doubles it at each of its retries. */
    private static final String TIMEOUT_INITIAL_MILLIS = "1000";
    private static final String RETRIES = "2";

    private final String url;

    JndiDns(String url) {
        this.url = url;
    }

    /**
     * @param name a DNS name
     * @param type a record type: A, AAAA, SRV
     * @return each record's text; empty if the name exists without such records
     * @throws UnknownHostException if the name does not exist
     * @throws IOException          if no server answered
     */
    List<String> lookup(String name, String type) throws IOException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("java.naming.provider.url", url);
        env.put("com.sun.jndi.dns.timeout.initial", TIMEOUT_INITIAL_MILLIS);
        env.put("com.sun.jndi.dns.timeout.retries", RETRIES);
        DirContext ctx = null;
        try {
            ctx = new InitialDirContext(env);
            // A trailing dot: the name is absolute, the resolver's search domains are not tried.
            String absolute = name.endsWith(".") ? name : name + ".";
            Attributes attrs = ctx.getAttributes(absolute, new String[] {type});
            Attribute attr = attrs.get(type);
            List<String> out = new ArrayList<>();
            if (attr != null) {
                NamingEnumeration<?> values = attr.getAll();
                while (values.hasMore()) {
                    out.add(String.valueOf(values.next()));
                }
            }
            return out;
        } catch (NameNotFoundException e) {
            throw new UnknownHostException("DNS name '" + name + "' does not exist");
        } catch (NamingException e) {
            throw new IOException("DNS " + type + " query for '" + name + "' failed: "
                    + (e.getExplanation() != null ? e.getExplanation() : e.getClass().getSimpleName()));
        } finally {
            if (ctx != null) {
                try {
                    ctx.close();
                } catch (NamingException ignored) {
                    // Nothing was held open for us.
                }
            }
        }
    }
}
