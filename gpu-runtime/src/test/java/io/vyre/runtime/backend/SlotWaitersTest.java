package io.vyre.runtime.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Waiters park for a minute here, so that only the kernel's wake-up can end a wait within the test's seconds. */
class SlotWaitersTest {
    private static final long A_MINUTE = TimeUnit.MINUTES.toNanos(1);

    /**
     * A thread that waits on {@code index} of {@code waiters} as the runtime does (parks again after a spurious
     * return) until {@code done} is set, returned once it is parked.
     */
    private static Thread parkedWaiter(SlotWaiters waiters, int index, AtomicBoolean done) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            waiters.enter(index);
            entered.countDown();
            try {
                while (!done.get()) {
                    waiters.park();
                }
            } finally {
                waiters.leave(index);
            }
        });
        t.setDaemon(true);
        t.start();
        entered.await();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (LockSupport.getBlocker(t) != waiters && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(LockSupport.getBlocker(t)).as("the waiter parked").isSameAs(waiters);
        return t;
    }

    @Test
    void shouldWakeTheThreadWaitingForTheSlotTheKernelCompleted() throws Exception {
        SlotWaiters waiters = new SlotWaiters(8, A_MINUTE);
        AtomicBoolean done = new AtomicBoolean();
        Thread waiter = parkedWaiter(waiters, 5, done);

        done.set(true);
        waiters.done(13);  // the sequence's index in a ring of 8
        waiter.join(10_000);
        assertThat(waiter.isAlive()).as("woken by done, not by its minute's timeout").isFalse();
    }

    @Test
    void shouldKeepTheFirstWaiterOfASlotAndTakeTheNextOnceItLeft() throws Exception {
        SlotWaiters waiters = new SlotWaiters(4, A_MINUTE);
        AtomicBoolean done = new AtomicBoolean();
        Thread first = parkedWaiter(waiters, 2, done);
        waiters.enter(2);  // a second thread (here the test's) waiting for the same slot: the first one stays
        waiters.leave(2);  // and leaving does not remove the first

        done.set(true);
        waiters.done(2);
        first.join(10_000);
        assertThat(first.isAlive()).as("the first waiter was woken").isFalse();

        AtomicBoolean doneToo = new AtomicBoolean();
        Thread next = parkedWaiter(waiters, 2, doneToo);  // the first one left: the slot takes the next waiter
        doneToo.set(true);
        waiters.done(2);
        next.join(10_000);
        assertThat(next.isAlive()).as("the next waiter of the slot was woken").isFalse();
        assertThat(waiters.wakeUps()).isEqualTo(2);
    }

    @Test
    void shouldRefuseARingThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new SlotWaiters(6, A_MINUTE)).hasMessageContaining("not a power of two");
    }
}
