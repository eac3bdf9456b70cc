package io.rollcall.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipView;
import io.rollcall.Profile;
import io.rollcall.Rollcall;
import io.rollcall.RollcallConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rollcall logs through {@link System.Logger}; with {@code slf4j-jdk-platform-logging} on the class
 * path, that output goes to SLF4J (here slf4j-simple, writing to the file the pom names).
 */
class LoggingToSlf4jTest {
    @Test
    void rollcallsOwnLogLinesReachSlf4j() throws Exception {
        assertThat(System.LoggerFinder.getLoggerFinder().getClass().getName()).startsWith("org.slf4j");
        CountDownLatch called = new CountDownLatch(1);
        try (Rollcall a = Rollcall.start(RollcallConfig.builder("slf4j-a").bind("127.0.0.1:0").profile(Profile.LOCAL).build())) {
            a.subscribe(new MembershipListener() {
                @Override
                public void onSnapshot(MembershipView view, boolean resync) {
                    called.countDown();
                    throw new IllegalStateException("a listener bug, logged by Rollcall");
                }

                @Override
                public void onChange(MembershipChange change) {
                }
            });
            assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();
        }
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !(Files.exists(log) && Files.readString(log).contains("a listener bug"))) {
            Thread.sleep(20);
        }
        assertThat(Files.readString(log)).contains("WARN io.rollcall.core.view.SubscriberChannel")
                .contains("a listener bug, logged by Rollcall");
    }
}
