package io.vyre.runtime.program;

import io.vyre.runtime.bytecode.PatternsConstant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * What a backend compiles from a literal set (a Vectorscan database, a DFA in device memory), shared by
 * content: the tenants of a job load the same set once per subtask, and compile and hold it once. Entries
 * are reference counted by holder (a runtime's constant handle, or any key naming one). The first holder of
 * a set compiles it outside the lock (a million patterns take most of a minute); holders of the same set
 * that arrive meanwhile wait for that compilation, holders of other sets do not.
 *
 * @param <V> the compiled form
 */
public final class SharedCompilations<V> {
    private static final class Entry<V> {
        final CompletableFuture<V> value = new CompletableFuture<>();
        int holders;
    }

    private final Map<PatternsConstant, Entry<V>> byContent = new HashMap<>();
    private final Map<Object, PatternsConstant> byHandle = new HashMap<>();

    /**
     * The compiled form of {@code set} for {@code handle}: shared when an equal set is held or being compiled,
     * else compiled by this call. A compilation that fails fails every holder waiting for it and holds nothing.
     */
    public V acquire(Object handle, PatternsConstant set, Function<PatternsConstant, V> compile) {
        Entry<V> e;
        boolean compiles = false;
        synchronized (this) {
            PatternsConstant held = byHandle.get(handle);
            if (held != null) {
                e = byContent.get(held);
            } else {
                e = byContent.get(set);
                if (e == null) {
                    e = new Entry<>();
                    byContent.put(set, e);
                    compiles = true;
                }
                e.holders++;
                byHandle.put(handle, set);
            }
        }
        if (compiles) {
            try {
                e.value.complete(compile.apply(set));
            } catch (RuntimeException | Error failure) {
                e.value.completeExceptionally(failure);
            }
        }
        try {
            return e.value.join();
        } catch (CompletionException failure) {
            release(handle);
            Throwable cause = failure.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw failure;
        }
    }

    /**
     * Lets {@code handle} go; returns the compiled form when that was its last holder (to free), else null
     * (also for a compilation that failed).
     */
    public synchronized V release(Object handle) {
        PatternsConstant set = byHandle.remove(handle);
        if (set == null) {
            return null;
        }
        Entry<V> e = byContent.get(set);
        if (--e.holders > 0) {
            return null;
        }
        byContent.remove(set);
        return e.value.isCompletedExceptionally() ? null : e.value.getNow(null);
    }

    /** Distinct compiled forms held. */
    public synchronized int size() {
        return byContent.size();
    }
}
