package io.vyre.runtime.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.protocol.SlotResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real races: several host threads publish and take through a small ring while several workers claim.
 * Every slot must complete exactly once, with its own result, and the counters must add up.
 */
class RingStressTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void shouldCompleteEverySlotExactlyOnceUnderContention(long seed) throws Exception {
        int publishers = 4;
        int perPublisher = 5_000;
        try (VyreRuntime rt = VyreRuntime.open(new VyreRuntimeContext().name("stress").backend(BackendKind.CPU)
            .cpuWorkers(4).ringCapacity(16).lanes(1).ingestBufferBytes(4096).outputRegionWords(16))) {
            rt.control().allowTenant(1);
            rt.control().denyTenant(2);
            int counter = ControlBlockDescriptor.OBSERVABLE_BASE;
            AtomicLong expectedSum = new AtomicLong();
            AtomicLong denied = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(publishers);
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                long threadSeed = seed * 31 + p;
                done.add(pool.submit(() -> {
                    Random rnd = new Random(threadSeed);
                    List<long[]> inFlight = new ArrayList<>();
                    for (int i = 0; i < perPublisher; i++) {
                        int delta = 1 + rnd.nextInt(100);
                        int tenant = rnd.nextInt(10) == 0 ? 2 : rnd.nextInt(2);
                        Instruction op = rnd.nextInt(50) == 0 ? Instruction.of(Opcode.BATCH_FENCE)
                            : Instruction.of(Opcode.ATOMIC_ADD, counter, delta);
                        long seq = rt.publish(op, tenant, rnd.nextInt(6));
                        inFlight.add(new long[] {seq, op.opcode() == Opcode.ATOMIC_ADD ? delta : 0, tenant});
                        if (inFlight.size() > 3 || rnd.nextBoolean()) {
                            check(rt, inFlight.remove(rnd.nextInt(inFlight.size())), expectedSum, denied);
                        }
                    }
                    for (long[] f : inFlight) {
                        check(rt, f, expectedSum, denied);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            long total = (long) publishers * perPublisher;
            assertThat(rt.control().doneCount()).isEqualTo(total);
            assertThat(rt.control().failedCount()).isEqualTo(denied.get());
            assertThat(Integer.toUnsignedLong(rt.control().observable(0))).isEqualTo(expectedSum.get());
            assertThat(rt.ringOccupancy()).isZero();
        }
    }

    private static void check(VyreRuntime rt, long[] f, AtomicLong expectedSum, AtomicLong denied) {
        SlotResult r;
        try {
            r = rt.await(f[0], Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            StringBuilder b = new StringBuilder("waiting for " + f[0] + ", tail " + rt.ring().published() + "\n");
            for (int i = 0; i < rt.ring().capacity(); i++) {
                org.agrona.concurrent.AtomicBuffer m = rt.ring().buffer();
                b.append(i).append(": status ").append(rt.ring().status(i)).append(" seq ")
                    .append(m.getInt(io.vyre.runtime.protocol.WorkRingDescriptor.wordOffset(i, 12))).append(" op ")
                    .append(m.getInt(io.vyre.runtime.protocol.WorkRingDescriptor.wordOffset(i, 1))).append(" prio ")
                    .append(m.getInt(io.vyre.runtime.protocol.WorkRingDescriptor.wordOffset(i, 3))).append("\n");
            }
            System.out.println(b);
            throw e;
        }
        assertThat(r.sequence()).isEqualTo(f[0]);
        if (f[2] == 2) {
            assertThat(r.error()).isEqualTo(SlotError.TENANT_DENIED);
            denied.incrementAndGet();
        } else {
            assertThat(r.ok()).as(r.describe()).isTrue();
            expectedSum.addAndGet(f[1]);
        }
    }
}
