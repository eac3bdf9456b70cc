package io.rollcall.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small network of Linux network namespaces made for one test: a hub namespace holding a bridge
 * (10.77.0.1/24) and, when asked, dnsmasq serving names under {@code rc.test} at 10.77.0.1; and
 * "pods", each a namespace with one veth into the bridge, its own address, and
 * {@code /etc/netns/NAME/resolv.conf} pointing at that dnsmasq, so a process started with
 * {@code ip netns exec} uses the system resolver unchanged. Everything is torn down by
 * {@link #close()}: processes by PID, namespaces and /etc/netns directories by name.
 */
final class NetLab implements AutoCloseable {
    static final String HUB_IP = "10.77.0.1";
    static final String DOMAIN = "rc.test";
    /** Kubernetes' cluster domain, which the lab's dnsmasq also answers for (Services' names). */
    static final String CLUSTER_DOMAIN = "cluster.local";

    private final String prefix;
    private final Path root;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, String> podIfaces = new LinkedHashMap<>();
    private final Path hostsDir;
    private final Path dnsConf;
    private Process dnsmasq;
    private final List<String> srvRecords = new ArrayList<>();
    private int vethCount;

    /** @return the output of a short command run in {@code ns}, or null if it failed */
    String exec(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return capture(cmd).orNull();
    }

    /** @return whether this machine lets us make namespaces (root, iproute2, dnsmasq) */
    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/dnsmasq"))
                && capture(List.of("ip", "netns", "list")).exit() == 0;
    }

    /** What a short command printed (stdout and stderr) and its exit status; -1 if it could not run or took over 30 s. */
    record Output(int exit, String text) {
        String orNull() {
            return exit == 0 ? text : null;
        }
    }

    static Output capture(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Output(-1, out + " (timed out)");
            }
            return new Output(p.exitValue(), out);
        } catch (IOException e) {
            return new Output(-1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(-1, "interrupted");
        }
    }

    NetLab(Path root) throws IOException {
        this.root = root;
        // Short: interface names have at most 15 characters; unique per run so parallel runs never meet.
        this.prefix = "rl" + Long.toString(ProcessHandle.current().pid() % 100_000, 36) + Long.toString(System.nanoTime() % 1_296, 36);
        this.hostsDir = Files.createDirectories(root.resolve("hosts.d"));
        this.dnsConf = root.resolve("dnsmasq.conf");
        try {
            String hub = addNamespace("hub");
            run("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
            run("ip", "-n", hub, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
            run("ip", "-n", hub, "addr", "add", HUB_IP + "/24", "dev", "br0");
            run("ip", "-n", hub, "link", "set", "br0", "up");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String hub() {
        return prefix + "-hub";
    }

    private String addNamespace(String name) throws IOException {
        String ns = prefix + "-" + name;
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
        Path etc = Path.of("/etc/netns", ns);
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("resolv.conf"), "nameserver " + HUB_IP + "\noptions timeout:1 attempts:2\n");
        return ns;
    }

    /**
     * @param name the pod's name (also its namespace's suffix)
     * @param ip   its address in 10.77.0.0/24
     * @return the namespace
     */
    String pod(String name, String ip) throws IOException {
        String ns = addNamespace(name);
        String host = prefix + "h" + (vethCount++);
        run("ip", "link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "link", "set", host, "netns", hub());
        run("ip", "-n", hub(), "link", "set", host, "master", "br0");
        run("ip", "-n", hub(), "link", "set", host, "up");
        run("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        // Multicast DNS needs a route for 224.0.0.251 in a namespace with no default route.
        run("ip", "-n", ns, "route", "add", "224.0.0.0/4", "dev", "eth0");
        podIfaces.put(ns, host);
        return ns;
    }

    /**
     * Two namespaces joined by one veth pair and nothing else (a two-host LAN): {@code eth0} in each,
     * addresses in 10.78.0.0/24, a route for multicast.
     *
     * @return the two namespaces
     */
    List<String> pair(String nameA, String ipA, String nameB, String ipB) throws IOException {
        String a = addNamespace(nameA);
        String b = addNamespace(nameB);
        run("ip", "-n", a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
        for (String[] nsIp : new String[][] {{a, ipA}, {b, ipB}}) {
            run("ip", "-n", nsIp[0], "addr", "add", nsIp[1] + "/24", "dev", "eth0");
            run("ip", "-n", nsIp[0], "link", "set", "eth0", "up");
            run("ip", "-n", nsIp[0], "route", "add", "224.0.0.0/4", "dev", "eth0");
        }
        // hashicorp/mdns (Serf) gives up a whole browse if it cannot send its IPv6 query: wait until the
        // link-local IPv6 addresses have passed duplicate address detection.
        for (String ns : List.of(a, b)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                String v6 = exec(ns, "ip", "-6", "addr", "show", "dev", "eth0");
                if (v6 != null && v6.contains("fe80") && !v6.contains("tentative")) {
                    break;
                }
                AgentProcess.sleep(100);
            }
        }
        return List.of(a, b);
    }

    /**
     * Three namespaces in a line, {@code left - middle - right}, each end joined to the middle by a
     * veth pair of its own: 10.79.1.2 (left) to 10.79.1.1 (middle), 10.79.2.2 (right) to 10.79.2.1
     * (middle). The ends route everything through the middle, which does not forward: each end reaches
     * both of the middle's addresses, and never the other end.
     *
     * @return the left, middle and right namespaces
     */
    List<String> chain(String left, String middle, String right) throws IOException {
        String l = addNamespace(left);
        String m = addNamespace(middle);
        String r = addNamespace(right);
        String[][] links = {{l, "10.79.1.2", "10.79.1.1", "ethl"}, {r, "10.79.2.2", "10.79.2.1", "ethr"}};
        for (String[] link : links) {
            run("ip", "-n", link[0], "link", "add", "eth0", "type", "veth", "peer", "name", link[3], "netns", m);
            run("ip", "-n", link[0], "addr", "add", link[1] + "/24", "dev", "eth0");
            run("ip", "-n", link[0], "link", "set", "eth0", "up");
            run("ip", "-n", link[0], "route", "add", "default", "via", link[2]);
            run("ip", "-n", m, "addr", "add", link[2] + "/24", "dev", link[3]);
            run("ip", "-n", m, "link", "set", link[3], "up");
        }
        // A new namespace does not forward by default; say so, since the test depends on it.
        run("ip", "netns", "exec", m, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0");
        return List.of(l, m, r);
    }

    /** Adds a second address to a namespace's {@code eth0} (another host on the same side). */
    void addAddress(String ns, String cidr) throws IOException {
        run("ip", "-n", ns, "addr", "add", cidr, "dev", "eth0");
    }

    /** Gives a pod a new address in place of its old one, as a rescheduled pod gets. */
    void readdress(String ns, String ip) throws IOException {
        run("ip", "-n", ns, "addr", "flush", "dev", "eth0");
        run("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        run("ip", "-n", ns, "route", "replace", "224.0.0.0/4", "dev", "eth0");
    }

    /** Replaces the A records of {@code name}.rc.test (none: the name stops existing). dnsmasq rereads at once. */
    void setRecords(String name, List<String> ips) throws IOException {
        setHostRecords(name + "." + DOMAIN, ips);
    }

    /**
     * Replaces the A records of a full name under rc.test or {@value #CLUSTER_DOMAIN} (a Kubernetes
     * Service's name); none: the name stops existing. dnsmasq rereads at once.
     */
    void setHostRecords(String fqdn, List<String> ips) throws IOException {
        Path file = hostsDir.resolve(fqdn);
        Path tmp = root.resolve(fqdn + ".tmp");
        StringBuilder b = new StringBuilder();
        for (String ip : ips) {
            b.append(ip).append(' ').append(fqdn).append('\n');
        }
        if (ips.isEmpty()) {
            Files.deleteIfExists(file);
        } else {
            Files.writeString(tmp, b.toString(), StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // Give dnsmasq's inotify watch a moment to reread the directory.
        AgentProcess.sleep(300);
    }

    /** Sets the SRV records ({@code target:port}) of {@code _service._proto.rc.test}; restarts dnsmasq. */
    void setSrv(String service, List<String> targets) throws IOException, InterruptedException {
        srvRecords.clear();
        for (String t : targets) {
            String[] hp = t.split(":");
            srvRecords.add("srv-host=" + service + "." + DOMAIN + "," + hp[0] + "." + DOMAIN + "," + hp[1]);
        }
        startDns();
    }

    /** Starts (or restarts) dnsmasq in the hub, answering for rc.test and cluster.local only, with TTL 0. */
    void startDns() throws IOException, InterruptedException {
        stopDns();
        List<String> conf = new ArrayList<>(List.of("no-resolv", "no-hosts", "no-poll", "bind-interfaces", "listen-address=" + HUB_IP,
                "local=/" + DOMAIN + "/", "local=/" + CLUSTER_DOMAIN + "/", "local-ttl=0", "hostsdir=" + hostsDir, "user=root", "group=root", "cache-size=0"));
        conf.addAll(srvRecords);
        Files.write(dnsConf, conf, StandardCharsets.US_ASCII);
        dnsmasq = start(hub(), root.resolve("dnsmasq.log"), "/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=" + dnsConf,
                "--pid-file=", "--log-facility=-");
        // Ready when it answers: poll the log for its start line rather than sleeping a fixed time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !Files.readString(root.resolve("dnsmasq.log")).contains("started")) {
            if (!dnsmasq.isAlive()) {
                throw new IOException("dnsmasq exited: " + Files.readString(root.resolve("dnsmasq.log")));
            }
            AgentProcess.sleep(50);
        }
        AgentProcess.sleep(200);
    }

    void stopDns() throws InterruptedException {
        if (dnsmasq != null) {
            stop(dnsmasq);
            processes.remove(dnsmasq);
            dnsmasq = null;
        }
    }

    /** Starts a process in a namespace, output to {@code log}; it is killed by PID at {@link #close()}. */
    Process start(String ns, Path log, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(p);
        return p;
    }

    /**
     * @return the HTTP body of GET {@code url} asked from inside {@code ns} (the test's own namespace has
     *         no route into the lab), with the token header, or null if it failed
     */
    String httpGet(String ns, String url, String token) {
        return exec(ns, "python3", "-c",
                "import sys,urllib.request\n"
                        + "try:\n  r = urllib.request.Request(sys.argv[1], headers={'X-Rollcall-Token': sys.argv[2]})\n"
                        + "  sys.stdout.write(urllib.request.urlopen(r, timeout=5).read().decode())\n"
                        + "except Exception as e:\n  sys.exit(1)\n", url, token);
    }

    static void stop(Process p) throws InterruptedException {
        // ip netns exec execs the command, so the PID we hold is the process itself.
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        for (String ns : namespaces) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException | RuntimeException e) {
                System.err.println("could not delete namespace " + ns + ": " + e.getMessage());
            }
            Path etc = Path.of("/etc/netns", ns);
            try (Stream<Path> files = Files.exists(etc) ? Files.walk(etc) : Stream.empty()) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove " + etc + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    static void run(String... command) throws IOException {
        Output out = capture(List.of(command));
        if (out.exit() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + out.exit() + ": " + out.text().trim());
        }
    }
}
