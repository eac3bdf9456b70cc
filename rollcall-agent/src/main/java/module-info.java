/**
 * The {@code rollcall} command: the agent daemon, its HTTP API, event handlers and data directory,
 * and the client commands. A user of the library like any other: of Rollcall it reads only the
 * exported API package of {@code io.rollcall} (ArchitectureTest checks the same on the classes).
 *
 * <p>The one exception is the bundled {@code rollcall sim} command: the simulator drives core's
 * engine, which {@code io.rollcall} does not export, so it is no module and stays on the class path;
 * the agent's build lets this module read the class path ({@code --add-reads
 * io.rollcall.agent=ALL-UNNAMED}) for that entry point alone ({@code Main} calls {@code SimCli.run}).
 * The shaded {@code rollcall.jar} runs on the class path, where descriptors are not consulted.
 */
module io.rollcall.agent {
    requires io.rollcall;
    requires io.rollcall.micrometer;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires simpleclient;
    requires javax.jmdns;
    requires org.yaml.snakeyaml;
    requires java.net.http;
    // sun.misc.Signal, reached by reflection (Signals).
    requires jdk.unsupported;

    provides java.lang.System.LoggerFinder with io.rollcall.agent.LineLoggerFinder;
}
