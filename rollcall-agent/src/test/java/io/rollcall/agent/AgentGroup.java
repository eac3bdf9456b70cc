package io.rollcall.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The agents and other processes one test started, each killed by PID after the test. Register with
 * {@code @RegisterExtension final AgentGroup agents = new AgentGroup();}.
 */
final class AgentGroup implements AfterEachCallback {
    private final List<AgentProcess> agents = new ArrayList<>();
    private final List<ProcessHandle> others = new ArrayList<>();

    /** Starts an agent (see {@link AgentProcess#start(Path, String, String, List)}) that this group stops. */
    AgentProcess start(Path root, String name, String ip, List<String> extra) throws IOException {
        AgentProcess a = AgentProcess.start(root, name, ip, extra);
        agents.add(a);
        return a;
    }

    /** @return the agent, started some other way, which this group stops after the test */
    AgentProcess own(AgentProcess agent) {
        agents.add(agent);
        return agent;
    }

    /** @return the process, which this group kills after the test (its children first) */
    Process own(Process process) {
        others.add(process.toHandle());
        return process;
    }

    /** Kills this process too after the test (one a process of ours started). */
    void own(long pid) {
        ProcessHandle.of(pid).ifPresent(others::add);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        agents.forEach(AgentProcess::kill);
        for (int i = others.size() - 1; i >= 0; i--) {
            ProcessHandle p = others.get(i);
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // Killed and not yet reaped: nothing more a test can do.
            }
        }
    }
}
