package io.vyre.runtime.backend;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closing Agrona agent threads (CPU kernel workers, IO pumps) in bounded time: {@link AgentRunner#close(int,
 * java.util.function.Consumer)} retries as long as a thread lives, so a thread that is hung, or blocked in a system
 * call on a dead device, would hold whoever closes it (a Flink task cancelling) forever.
 */
public final class AgentRunners {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunners.class);
    private static final int RETRY_MS = 100;

    private AgentRunners() {
    }

    /**
     * An agent's runner and the daemon thread it runs on. The thread is known from its start: a runner knows its thread
     * only once the thread has begun to run, so closing by the runner alone missed a worker started just before a
     * close, which then outlived it (it exits without running the agent, but it was alive after the close returned).
     */
    public record Started(AgentRunner runner, Thread thread) {
    }

    /** Starts {@code runner} on a new daemon thread named {@code threadName}. */
    public static Started start(AgentRunner runner, String threadName) {
        Thread[] created = new Thread[1];
        AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            created[0] = t;
            return t;
        });
        return new Started(runner, created[0]);
    }

    /**
     * Closes every runner by {@code deadline} ({@link System#nanoTime()}) in all, interrupting threads that do not
     * stop, and waits for their threads to end; a thread still alive then is left running and logged.
     *
     * @return whether every thread ended: if not, memory it may still touch must not be freed
     */
    public static boolean closeWithin(List<Started> agents, long deadline, String what) {
        for (Started agent : agents) {
            try {
                agent.runner().close((int) Math.max(1, Math.min(RETRY_MS, remainingMillis(deadline))), thread -> {
                    if (System.nanoTime() - deadline > 0) {
                        throw new GaveUp();
                    }
                    thread.interrupt();
                });
            } catch (GaveUp e) {
                LOG.error("{}: {} did not stop in time (hung, or blocked in a system call); leaving it running", what,
                    agent.runner().agent().roleName());
            }
        }
        return agents.stream().allMatch(agent -> ended(agent.thread(), deadline));
    }

    private static boolean ended(Thread t, long deadline) {
        long millis = remainingMillis(deadline);
        if (millis > 0 && t.isAlive()) {
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return !t.isAlive();
    }

    private static long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    /** Thrown out of AgentRunner's close loop once the deadline passed. */
    private static final class GaveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GaveUp() {
            super(null, null, false, false);
        }
    }
}
