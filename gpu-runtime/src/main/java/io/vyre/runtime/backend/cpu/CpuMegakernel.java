package io.vyre.runtime.backend.cpu;

import static io.vyre.runtime.protocol.ControlBlockDescriptor.FAULT_CODE;
import static io.vyre.runtime.protocol.ControlBlockDescriptor.KERNEL_STATE;
import static io.vyre.runtime.protocol.ControlBlockDescriptor.STATE_EXITED;
import static io.vyre.runtime.protocol.ControlBlockDescriptor.STATE_FAULTED;
import static io.vyre.runtime.protocol.ControlBlockDescriptor.STATE_RUNNING;
import static io.vyre.runtime.protocol.ControlBlockDescriptor.WORKERS;
import static io.vyre.runtime.protocol.ControlBlockDescriptor.offset;

import io.vyre.runtime.backend.AgentRunners;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.BackendSettings;
import io.vyre.runtime.backend.KernelEnvironment;
import io.vyre.runtime.backend.MatchEngine;
import io.vyre.runtime.backend.MegakernelBackend;
import io.vyre.runtime.backend.cpu.vectorscan.Vectorscan;
import io.vyre.runtime.io.IoCompletionPublisher;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.WorkRingClaims;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pure-Java megakernel: a few worker threads play the GPU's blocks over exactly the same ring,
 * control block, IO queue and bytecode. It claims slots by CAS on the shared status words (the GPU
 * cannot, on PCIe, and claims in device memory instead). The reference semantics and the default.
 */
public final class CpuMegakernel implements MegakernelBackend {
    private static final Logger LOG = LoggerFactory.getLogger(CpuMegakernel.class);

    private final BackendSettings settings;
    private final boolean vectorscan;
    private final ResidentTables tables;
    private final List<AgentRunners.Started> runners = new ArrayList<>();
    private final TimeTally slotTimes = new TimeTally();
    private volatile String fault;
    /** How long {@link #close} waits for its workers in all before it leaves a hung one running. */
    private static final long CLOSE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** False once a worker did not stop at close: the shared memory it may still touch must not be freed. */
    private volatile boolean stopped = true;
    private KernelEnvironment env;
    private WorkRingClaims claims;
    private KernelIoPort io;
    private ErrorHandler onError;
    private boolean closed;

    public CpuMegakernel(BackendSettings settings) {
        this.settings = settings;
        String reason = Vectorscan.unavailableReason();
        if (settings.cpuMatchEngine() == MatchEngine.VECTORSCAN && reason != null) {
            throw new IllegalStateException("cpuMatchEngine=VECTORSCAN was requested but Vectorscan cannot run here: "
                + reason + ". Use AUTO to fall back to the Java DFA");
        }
        vectorscan = settings.cpuMatchEngine() != MatchEngine.JAVA_DFA && reason == null;
        if (settings.cpuMatchEngine() == MatchEngine.AUTO && reason != null) {
            Vectorscan.logFallbackOnce();
        }
        tables = new ResidentTables(vectorscan);
    }

    @Override
    public BackendKind kind() {
        return BackendKind.CPU;
    }

    @Override
    public String description() {
        int workers = env == null ? settings.cpuWorkers() : workers();
        return "cpu megakernel, " + workers + " worker" + (workers == 1 ? "" : "s") + ", MATCH on " + matchEngine();
    }

    @Override
    public String matchEngine() {
        return vectorscan ? "vectorscan " + Vectorscan.version().split(" ")[0] : "java-dfa";
    }

    @Override
    public void launch(KernelEnvironment environment) {
        this.env = environment;
        for (LoadedProgram p : environment.programs().programs()) {
            tables.add(p);
        }
        claims = new WorkRingClaims(environment.ring(), environment.ringCapacity(), environment.control().buffer());
        io = new KernelIoPort(environment.ioQueue(), environment.control(), environment.limits().ioWaitNanos(),
            environment.callerReads());
        onError = t -> {
            if (t instanceof AgentTerminationException) {
                return;
            }
            fault = "CPU megakernel worker failed: " + t;
            environment.control().buffer().putIntVolatile(offset(FAULT_CODE), 1);
            environment.control().buffer().putIntVolatile(offset(KERNEL_STATE), STATE_FAULTED);
            LOG.error("{}: CPU megakernel worker failed", environment.name(), t);
        };
        environment.control().buffer().putIntVolatile(offset(KERNEL_STATE), STATE_RUNNING);
        workersWanted(settings.cpuWorkers());
    }

    /**
     * Starts workers until {@code workers} run (a tenant that scans asks for more than one that only writes);
     * never stops any while the kernel runs. Idle workers are not free: each idle turn reads the whole ring.
     */
    @Override
    public synchronized void workersWanted(int workers) {
        if (env == null || closed) {
            return;
        }
        while (runners.size() < workers) {
            String role = "vyre-cpu-kernel-" + env.name() + "-" + runners.size();
            CpuKernelWorker worker = new CpuKernelWorker(role, env, claims, io, tables, idleStrategy(), slotTimes);
            runners.add(AgentRunners.start(new AgentRunner(claimIdleStrategy(claims.capacity()), onError, null, worker),
                role));
        }
        env.control().buffer().putIntVolatile(offset(WORKERS), runners.size());
    }

    /** Workers running now. */
    public synchronized int workers() {
        return runners.size();
    }

    /**
     * How an idle worker waits for work: every idle duty cycle reads the status of every ring slot (cache lines
     * the host and the other workers write), so it spins for about 4,096 such reads, not a fixed number of
     * cycles, before it yields and parks: with 16 workers on a 512-slot ring, spinning 200 cycles kept idle
     * workers scanning the ring, with the other workers and the IO pumps, for most of their time.
     */
    static BackoffIdleStrategy claimIdleStrategy(int ringCapacity) {
        return new BackoffIdleStrategy(Math.max(1, 4096 / ringCapacity), 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(100));
    }

    static BackoffIdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(200, 50, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    }

    @Override
    public void programLoaded(LoadedProgram program) {
        tables.add(program);
    }

    @Override
    public void programUnloaded(LoadedProgram program) {
        tables.remove(program);
    }

    @Override
    public IoCompletionPublisher ioCompletions() {
        // the workers read completions from the queue's slot words (KernelIoPort)
        return (request, completion) -> env.ioQueue().complete(completion);
    }

    /** Its workers run in this process and wake the host thread waiting for each slot they complete. */
    @Override
    public boolean wakesWaiters() {
        return true;
    }

    @Override
    public String fault() {
        return fault;
    }

    @Override
    public boolean sharedMemoryReleasable() {
        return stopped;
    }

    /** How long the workers held the slots they ran so far (tests). */
    TimeTally slotTimes() {
        return slotTimes;
    }

    /** The workers' IO requests so far and how long they waited for them (tests). */
    TimeTally ioWaits() {
        return io.waits();
    }

    /** Of those requests, the READs the workers served themselves (tests). */
    TimeTally ioServedByWorkers() {
        return io.servedHere();
    }

    /** Of the waits for a pump, upper bounds on the parts before it claimed each request (tests). */
    TimeTally ioClaimWaits() {
        return io.claimWaits();
    }

    /**
     * Where the slots' time went, for the close log: a chunk's round trip as its owner sees it, less the time a
     * worker held its slot, is the time it waited in the ring for a worker (and for its owner to notice it done).
     */
    private void logTimes() {
        if (slotTimes.count() == 0) {
            return;
        }
        TimeTally pumped = io.claimWaits();
        LOG.info("{}: CPU megakernel stopped: {} slots, each held {} ms by its worker on average; {} IO requests, {} ms"
            + " waited for each on average; {} read by their worker itself, {} ms each; {} served by a pump, at most {} ms"
            + " of the wait for each before the pump claimed it", env.name(), slotTimes.count(),
            millis(slotTimes), io.waits().count(), millis(io.waits()), io.servedHere().count(), millis(io.servedHere()),
            pumped.count(), millis(pumped));
    }

    private static String millis(TimeTally tally) {
        return String.format(Locale.ROOT, "%.3f", tally.meanMillis());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;  // a second close must not free what a worker left running by the first may still touch
            }
            closed = true;  // no worker starts after this
        }
        if (env == null) {
            tables.free();  // never launched: no worker ever scanned
            return;
        }
        env.control().requestShutdown();
        stopped = AgentRunners.closeWithin(runners, System.nanoTime() + CLOSE_NANOS, env.name() + " CPU megakernel");
        runners.clear();
        if (stopped) {
            tables.free();
        } else {
            LOG.error("{}: a CPU megakernel worker did not stop; its Vectorscan databases, ring and buffers are not"
                + " freed so it cannot touch freed memory", env.name());
        }
        env.control().buffer().putIntVolatile(offset(WORKERS), 0);
        logTimes();
        if (fault == null) {
            env.control().buffer().putIntVolatile(offset(KERNEL_STATE), STATE_EXITED);
        }
    }
}
