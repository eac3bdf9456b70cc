package io.rollcall.agent;

import io.rollcall.PrintableText;
import io.rollcall.sim.SimCli;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code rollcall} command: {@code agent} runs a node; {@code members}, {@code join},
 * {@code leave}, {@code info}, {@code monitor} and {@code tags} talk to a running agent;
 * {@code version}; {@code sim} runs the simulator. Any failure is one line on stderr and a non-zero
 * exit status, never a stack trace.
 */
public final class Main {
    static final String USAGE = String.join(System.lineSeparator(),
            "usage: rollcall <command> [options]",
            "",
            "  agent      run a node (rollcall agent --help)",
            "  members    list members          [--status alive|suspect|failed|left] [--format table|json]",
            "  join       join the cluster through ADDR...",
            "  leave      leave the cluster gracefully; the agent then exits",
            "  info       identity, addresses, configuration and counters",
            "  why        NAME [--format text|json]   why a member is in its state: its decision records",
            "  monitor    stream membership events as JSON lines",
            "  tags       tags set KEY=VALUE... | tags delete KEY...",
            "  keys       keys list | install KEY | use KEY | remove KEY   (every member, Serf agents too)",
            "  event      [--coalesce true|false] NAME [PAYLOAD]   send a Serf user event to every member",
            "  query      [--node NAME]... [--tag KEY=REGEXP]... [--timeout DURATION] [--no-ack] [--relay-factor N]",
            "             [--format text|json] NAME [PAYLOAD]   ask every member (as serf query); prints acks and answers",
            "  rtt        NAME [NAME]   estimated round trip between two members (default: this agent's node), as serf rtt",
            "  version    print the version",
            "  sim        run simulator scenarios (rollcall sim --help)",
            "",
            "commands that talk to an agent take --agent URL (or ROLLCALL_AGENT; default http://127.0.0.1:7947)",
            "and --token TOKEN (or ROLLCALL_HTTP_TOKEN) when the agent requires one");

    static final String AGENT_USAGE = String.join(System.lineSeparator(),
            "usage: rollcall agent [flags]      (each flag also as ROLLCALL_<FLAG>, e.g. ROLLCALL_BIND)",
            "  --node NAME            node name (default: from the data directory, else the host name)",
            "  --bind IP:PORT         UDP and TCP address (default 0.0.0.0:7946)",
            "  --advertise IP:PORT    address peers are told to use (default: the bind address)",
            "  --join ADDR            join at start; exit 3 if none answers (repeatable)",
            "  --retry-join ADDR      keep trying in the background; also heals partitions (repeatable)",
            "                         ADDR: IP[:PORT], [V6]:PORT, HOST[:PORT] (every A/AAAA record),",
            "                         dns+NAME:PORT (A/AAAA), dnssrv+_SERVICE._PROTO.NAME (SRV)",
            "  --discover CLUSTER     find peers by multicast DNS, with Serf's -discover CLUSTER",
            "  --seed-refresh-interval DURATION   ask seeds again this often (default 60s)",
            "  --data-dir DIR         identity and remembered members (default ./data)",
            "  --http IP:PORT         HTTP API (default 127.0.0.1:7947)",
            "  --tag KEY=VALUE        a tag (repeatable)",
            "  --profile lan|wan|local timing profile (default lan)",
            "  --event-handler [FILTER=]CMD   run CMD for events (repeatable); FILTER as Serf's, e.g.",
            "                         member-join,user:deploy,query:uptime; a query handler's output is its answer",
            "  --log-level LEVEL      trace, debug, info, warn or error (default info)",
            "  --config FILE          JSON or YAML file with the same settings (flags win)",
            "  --encrypt BASE64KEY    encrypt gossip (AES-GCM, as serf -encrypt)",
            "  --keyring-file FILE    gossip keys, kept current as keys change (Serf's format)",
            "  --gossip-verify-incoming true|false / --gossip-verify-outgoing true|false   for migrating to encryption",
            "  --label NAME           cluster label (memberlist 0.3+; Serf 0.9.4 cannot talk to labelled nodes)",
            "  --allow-cidr CIDR      accept gossip only from these networks (repeatable)",
            "  --http-token TOKEN     require this token on every HTTP request (required off loopback)",
            "  --memory-budget SIZE   heap peers may make the agent fill, e.g. 24MiB (default 40% of -Xmx, at most 50%)",
            "  --bootstrap-node NAME  the node that may form the cluster alone (ready without joining)",
            "exit status: 0 left and stopped, 1 could not start, 2 bad flags, 3 could not join,",
            "             4 data directory unusable, 130 second signal (stopped without leaving)");

    private Main() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            // A usage error: the text goes where errors go, so a script sees nothing on stdout.
            System.err.println(USAGE);
            return ExitCode.USAGE.status;
        }
        if (args[0].equals("help") || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println(USAGE);
            return ExitCode.OK.status;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (command) {
                case "agent":
                    if (rest.contains("--help") || rest.contains("-h")) {
                        System.out.println(AGENT_USAGE);
                        return ExitCode.OK.status;
                    }
                    return new Agent(AgentSettings.parse(rest, System.getenv())).run();
                case "sim":
                    return SimCli.run(rest.toArray(new String[0]), System.out, System.err);
                case "version":
                    System.out.println(Version.TEXT);
                    System.out.println(Version.PROTOCOLS);
                    return ExitCode.OK.status;
                case "members", "join", "leave", "info", "monitor", "tags", "keys", "event", "query", "why", "rtt":
                    return new Cli(System.getenv(), System.out).run(command, rest);
                default:
                    throw new AgentSettings.UsageException("unknown command '" + command + "' (see 'rollcall help')");
            }
        } catch (AgentSettings.UsageException e) {
            // Every one-line error is escaped: it may quote a flag's value or what an agent or its peers answered.
            System.err.println("rollcall: " + PrintableText.escape(e.getMessage()));
            return ExitCode.USAGE.status;
        } catch (Cli.CliException e) {
            System.err.println("rollcall: " + PrintableText.escape(e.getMessage()));
            return ExitCode.START.status;
        } catch (RuntimeException | Error e) {
            System.err.println("rollcall: unexpected error: " + PrintableText.escape(String.valueOf(e)));
            return ExitCode.START.status;
        }
    }
}
