package io.vyre.runtime.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.bytecode.PatternsConstant;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Equal literal sets are compiled once; a slow compilation holds up only the holders of the same set. */
class SharedCompilationsTest {
    private static PatternsConstant set(String... patterns) {
        return new PatternsConstant(java.util.Arrays.stream(patterns).map(p -> p.getBytes(StandardCharsets.US_ASCII))
            .toList(), false);
    }

    @Test
    void shouldCompileOnceForHoldersOfEqualSetsAndLetGoWithTheLast() throws Exception {
        SharedCompilations<String> table = new SharedCompilations<>();
        AtomicInteger compiles = new AtomicInteger();
        CountDownLatch slow = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> table.acquire(1, set("a", "b"), s -> {
            compiles.incrementAndGet();
            try {
                slow.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "ab";
        }));
        while (compiles.get() == 0) {
            Thread.onSpinWait();
        }
        // another set compiles while the first is still compiling
        assertThat(table.acquire(2, set("c"), s -> "c")).isEqualTo("c");
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> table.acquire(3, set("a", "b"), s -> {
            compiles.incrementAndGet();
            return "again";
        }));
        assertThat(second).as("waits for the compilation in progress").isNotDone();
        slow.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ab");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("ab");
        assertThat(compiles.get()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.release(1)).isNull();
        assertThat(table.release(3)).isEqualTo("ab");
        assertThat(table.release(3)).isNull();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void shouldFailEveryHolderOfACompilationThatFailedAndHoldNothing() {
        SharedCompilations<String> table = new SharedCompilations<>();
        assertThatThrownBy(() -> table.acquire(1, set("x"), s -> {
            throw new IllegalArgumentException("too large: split it");
        })).hasMessageContaining("split it");
        assertThat(table.size()).isZero();
        assertThat(table.release(1)).as("nothing held for the failed handle").isNull();
        assertThat(table.acquire(1, set("x"), s -> "x")).as("a later load compiles afresh").isEqualTo("x");
        assertThat(List.of(table.size())).containsExactly(1);
    }
}
