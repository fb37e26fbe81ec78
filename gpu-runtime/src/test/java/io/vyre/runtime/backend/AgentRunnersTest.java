package io.vyre.runtime.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.Test;

class AgentRunnersTest {
    /** An agent whose duty cycle can hang, deaf to interrupts, until released (a thread stuck in a kernel or driver). */
    private static final class Hanging implements Agent {
        final AtomicBoolean hang = new AtomicBoolean();
        final AtomicBoolean release = new AtomicBoolean();
        final String name;

        Hanging(String name) {
            this.name = name;
        }

        @Override
        public int doWork() {
            while (hang.get() && !release.get()) {
                Thread.onSpinWait();
            }
            return 0;
        }

        @Override
        public String roleName() {
            return name;
        }
    }

    private static AgentRunner start(Agent agent) {
        AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    @Test
    void shouldCloseRunnersThatStop() {
        List<AgentRunner> runners = List.of(start(new Hanging("a")), start(new Hanging("b")));
        assertThat(AgentRunners.closeWithin(runners, System.nanoTime() + TimeUnit.SECONDS.toNanos(5), "test")).isTrue();
        assertThat(runners).allMatch(AgentRunner::isClosed);
    }

    @Test
    void shouldGiveUpOnHungThreadsByTheDeadlineAndSayNotEverythingStopped() throws Exception {
        Hanging stuck = new Hanging("stuck");
        List<AgentRunner> runners = List.of(start(new Hanging("fine")), start(stuck), start(new Hanging("fine too")));
        stuck.hang.set(true);
        Thread.sleep(20);
        Thread thread = runners.get(1).thread();
        long start = System.nanoTime();

        boolean stopped = AgentRunners.closeWithin(runners, start + TimeUnit.MILLISECONDS.toNanos(500), "test");

        assertThat(stopped).as("a thread is still running").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the deadline")
            .isLessThan(Duration.ofSeconds(3));
        assertThat(thread.isAlive()).isTrue();
        stuck.release.set(true);
        thread.join(5_000);
        assertThat(thread.isAlive()).as("it ends once released").isFalse();
    }
}
