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

    private static AgentRunners.Started start(Agent agent) {
        return AgentRunners.start(new AgentRunner(new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null,
            agent), agent.roleName());
    }

    @Test
    void shouldCloseRunnersThatStop() {
        List<AgentRunners.Started> runners = List.of(start(new Hanging("a")), start(new Hanging("b")));
        assertThat(AgentRunners.closeWithin(runners, System.nanoTime() + TimeUnit.SECONDS.toNanos(5), "test")).isTrue();
        assertThat(runners).allMatch(r -> r.runner().isClosed() && !r.thread().isAlive());
    }

    /**
     * Closed right after their start, most threads have not begun to run, and a runner knows its thread only once it
     * runs: every thread must still have ended when the close returns (before, such a worker outlived its kernel's
     * close, which CI saw as a live thread after a runtime closed).
     */
    @Test
    void shouldEndThreadsClosedBeforeTheyBeganToRun() {
        for (int i = 0; i < 200; i++) {
            List<AgentRunners.Started> runners = List.of(start(new Hanging("a" + i)), start(new Hanging("b" + i)));
            assertThat(AgentRunners.closeWithin(runners, System.nanoTime() + TimeUnit.SECONDS.toNanos(5), "test"))
                .isTrue();
            assertThat(runners).as("round %d", i).noneMatch(r -> r.thread().isAlive());
        }
    }

    @Test
    void shouldGiveUpOnHungThreadsByTheDeadlineAndSayNotEverythingStopped() throws Exception {
        Hanging stuck = new Hanging("stuck");
        List<AgentRunners.Started> runners = List.of(start(new Hanging("fine")), start(stuck),
            start(new Hanging("fine too")));
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
