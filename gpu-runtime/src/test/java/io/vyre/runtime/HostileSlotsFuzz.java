package io.vyre.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.Vir0Validator;
import io.vyre.runtime.protocol.SlotResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Hostile work-ring slots into a megakernel: any opcode word, priority and arguments, written into the ring as
 * a buggy or hostile host could (bypassing the host's validation). Every slot must end in a result (OK or a
 * named error) within a bound, the kernel must keep serving the next slot, and the host's validator must refuse
 * with a message whatever it does not accept. Tries: jqwik's default (1,000 per property in CI; {@code mvn verify
 * -Pnightly} raises it to 1,000,000; {@code -Djqwik.tries.default=N} anywhere). The figures are printed at the
 * end for docs/RELIABILITY.md. One subclass per backend: the CPU megakernel in CI, CUDA on the GPU machine.
 */
public abstract class HostileSlotsFuzz {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private final AtomicLong cases = new AtomicLong();
    private final AtomicLong refusedByValidator = new AtomicLong();
    private final AtomicLong kernelOk = new AtomicLong();
    private final AtomicLong kernelError = new AtomicLong();
    private VyreRuntime rt;

    /** The backend the slots go into. */
    protected abstract BackendKind backend();

    @BeforeProperty
    void open() {
        rt = VyreRuntime.open(new VyreRuntimeContext().name("fuzz").backend(backend()).cpuWorkers(2)
            .ringCapacity(64).lanes(2).ingestBufferBytes(1 << 12).outputRegionWords(1 << 10)
            .watchdogTimeout(Duration.ofSeconds(10)));
    }

    @AfterProperty
    void close() {
        System.out.printf("hostile slots into %s: %,d cases, %,d refused by the host's validator, kernel results: %,d"
            + " OK, %,d named errors (each within the bound, each followed by a served probe)%n",
            rt == null ? backend() : rt.backend().description(), cases.get(), refusedByValidator.get(), kernelOk.get(),
            kernelError.get());
        if (rt != null) {
            rt.close();
        }
    }

    @Provide
    Arbitrary<Integer> words() {
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 16)),
            net.jqwik.api.Tuple.of(2, Arbitraries.of(-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 16, 1 << 30)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers()));
    }

    @Provide
    Arbitrary<Integer> opcodes() {
        List<Integer> known = java.util.Arrays.stream(Opcode.values()).map(Opcode::code).toList();
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.of(known)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0xFFFF)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    }

    @Property
    void anySlotEndsInAResultAndTheKernelKeepsServing(@ForAll("opcodes") int opcode,
                                                     @ForAll @IntRange(min = -1, max = 9) int priority,
                                                     @ForAll @Size(max = 7) List<@net.jqwik.api.From("words") Integer> args) {
        cases.incrementAndGet();
        refusedOrAcceptedByTheValidator(opcode, priority, args);
        int[] words = args.stream().mapToInt(Integer::intValue).toArray();
        long seq;
        while ((seq = rt.ring().tryPublish(opcode, 0, priority, words)) < 0) {
            Thread.onSpinWait();
        }
        SlotResult result = rt.await(seq, BOUND);
        (result.ok() ? kernelOk : kernelError).incrementAndGet();
        if (!result.ok()) {
            assertThat(result.describe()).as("an error names what went wrong").isNotBlank();
        }
        SlotResult probe = rt.await(rt.publish(Instruction.of(Opcode.NOP)), BOUND);
        assertThat(probe.ok()).as("the kernel still serves after slot %s", result.describe()).isTrue();
    }

    private void refusedOrAcceptedByTheValidator(int opcode, int priority, List<Integer> args) {
        Opcode op = java.util.Arrays.stream(Opcode.values()).filter(o -> o.code() == opcode).findFirst().orElse(null);
        if (op == null) {
            refusedByValidator.incrementAndGet();
            return;
        }
        try {
            Vir0Validator.validateSlot(Instruction.of(op, args.stream().mapToInt(Integer::intValue).toArray()), 0,
                priority);
        } catch (RuntimeException e) {
            refusedByValidator.incrementAndGet();
            assertThat(e.getMessage()).as("a refusal names the problem").isNotBlank();
        }
    }
}
