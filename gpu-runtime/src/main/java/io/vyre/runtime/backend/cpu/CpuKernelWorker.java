package io.vyre.runtime.backend.cpu;

import static io.vyre.runtime.protocol.ControlBlockDescriptor.offset;
import static io.vyre.runtime.protocol.WorkRingDescriptor.ARG_COUNT;
import static io.vyre.runtime.protocol.WorkRingDescriptor.OPCODE_WORD;
import static io.vyre.runtime.protocol.WorkRingDescriptor.TENANT_WORD;

import io.vyre.runtime.backend.KernelEnvironment;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.protocol.ControlBlock;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.protocol.WorkRingClaims;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of the CPU megakernel, the counterpart of a GPU block: per duty cycle it advances the
 * heartbeat, exits on SHUTDOWN, claims one slot, checks its tenant and quota, runs its op (or its
 * program for CALL) and completes it. Every claimed slot ends DONE, with an error when it failed.
 */
final class CpuKernelWorker implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(CpuKernelWorker.class);

    private final String roleName;
    private final KernelEnvironment env;
    private final ControlBlock control;
    private final AtomicBuffer controlBuffer;
    private final WorkRingClaims claims;
    private final SlotScheduler scheduler;
    private final Interpreter interpreter;
    private final ResidentTables tables;
    private final Invocation inv;
    private final int[] slotOperands = new int[ARG_COUNT];
    private long cycles;
    private final TimeTally times;

    CpuKernelWorker(String roleName, KernelEnvironment env, WorkRingClaims claims, KernelIoPort io,
                    ResidentTables tables, IdleStrategy ioIdle, TimeTally times) {
        this.times = times;
        this.roleName = roleName;
        this.env = env;
        this.control = env.control();
        this.controlBuffer = control.buffer();
        this.claims = claims;
        this.scheduler = new SlotScheduler(claims);
        this.tables = tables;
        this.interpreter = new Interpreter(env, io, tables, ioIdle);
        this.inv = new Invocation(env.limits().maxRecords(), env.limits().maxMatches());
    }

    @Override
    public String roleName() {
        return roleName;
    }

    @Override
    public void onClose() {
        interpreter.close();
    }

    @Override
    public int doWork() {
        // the heartbeat is one word every worker shares: advanced per slot, and every 64th idle cycle
        if ((++cycles & 63) == 0) {
            control.beat();
        }
        if (control.isShutdownRequested()) {
            throw new AgentTerminationException("SHUTDOWN");
        }
        int slot = scheduler.claimNext();
        if (slot == SlotScheduler.NONE) {
            return 0;
        }
        control.beat();
        if (slot == SlotScheduler.CONTENDED) {
            return 1;
        }
        run(slot);
        return 1;
    }

    private void run(int slot) {
        long claimed = System.nanoTime();
        inv.reset();
        for (int i = 0; i < ARG_COUNT; i++) {
            inv.regs[i] = claims.arg(slot, i);
        }
        int opcodeWord = claims.word(slot, OPCODE_WORD);
        int tenant = claims.word(slot, TENANT_WORD);
        inv.tenant = tenant;
        try {
            admit(tenant);
            Opcode op = Opcode.fromCode(opcodeWord);
            if (op == null || !op.allowedInSlot()) {
                throw new SlotFault(SlotError.UNKNOWN_OPCODE, opcodeWord);
            }
            int priority = claims.priority(slot);
            if (priority < 0 || priority >= WorkRingDescriptor.PRIORITY_LEVELS) {
                throw new SlotFault(SlotError.BAD_OPERAND, priority);
            }
            if (op == Opcode.CALL) {
                call();
            } else {
                for (int i = 0; i < op.arity(); i++) {
                    slotOperands[i] = inv.regs[i];
                }
                interpreter.execute(op, 0, slotOperands, inv);
            }
            complete(slot, claimed, inv.regs[Instruction.RESULT_REGISTER], 0, inv.regs[Instruction.DETAIL_REGISTER]);
        } catch (SlotFault f) {
            complete(slot, claimed, inv.regs[Instruction.RESULT_REGISTER],
                WorkRingDescriptor.errorWord(f.error.code(), inv.opIndex), f.detail);
        } catch (RuntimeException | Error e) {
            LOG.error("{}: slot {} (opcode 0x{}) failed inside the CPU megakernel at op {}", roleName, slot,
                Integer.toHexString(opcodeWord), inv.opIndex, e);
            complete(slot, claimed, 0, WorkRingDescriptor.errorWord(SlotError.INTERNAL.code(), inv.opIndex), 0);
        }
        env.waiters().done(slot);
    }

    /** Counts the slot's time, then completes it (so a host that saw it done finds it counted). */
    private void complete(int slot, long claimedNanos, int result, int error, int detail) {
        times.add(System.nanoTime() - claimedNanos);
        claims.complete(slot, result, error, detail);
    }

    private void call() {
        controlBuffer.getAndAddInt(offset(ControlBlockDescriptor.metricWord(Opcode.CALL.metricIndex())), 1);
        int handle = inv.regs[0];
        CpuProgram program = env.programs().program(handle) == null ? null : tables.program(handle);
        if (program == null) {
            throw new SlotFault(SlotError.UNKNOWN_HANDLE, handle);
        }
        inv.program = program;
        for (int i = 0; i < program.opcodes.length; i++) {
            inv.opIndex = i;
            interpreter.execute(program.opcodes[i], program.masks[i], program.operands[i], inv);
        }
    }

    /** Tenant mask, then quota: a slot that fails either runs nothing. */
    private void admit(int tenant) {
        if (!control.isTenantAllowed(tenant)) {
            throw new SlotFault(SlotError.TENANT_DENIED, tenant);
        }
        int fairness = offset(ControlBlockDescriptor.fairnessWord(tenant));
        long quota = control.tenantQuota(tenant);
        while (true) {
            int used = controlBuffer.getIntVolatile(fairness);
            if (Integer.toUnsignedLong(used) >= quota) {
                throw new SlotFault(SlotError.QUOTA_EXHAUSTED, tenant);
            }
            if (controlBuffer.compareAndSetInt(fairness, used, used + 1)) {
                return;
            }
        }
    }
}
