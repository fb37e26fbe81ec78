package io.vyre.runtime.program;

import io.vyre.runtime.bytecode.PatternsConstant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a backend compiles from a literal set (a Vectorscan database, a DFA in device memory), shared by
 * content within one runtime: the tenants of a job load the same set once per subtask, and compile and hold
 * it once. Entries are reference counted by holder (a runtime's constant handle, or any key naming one). Compiling happens under the lock, so tenants
 * that load the same set at once wait for one compilation instead of each running their own.
 *
 * @param <V> the compiled form
 */
public final class SharedCompilations<V> {
    private static final class Entry<V> {
        final V value;
        int holders;

        Entry(V value) {
            this.value = value;
        }
    }

    private final Map<PatternsConstant, Entry<V>> byContent = new HashMap<>();
    private final Map<Object, PatternsConstant> byHandle = new HashMap<>();

    /** The compiled form of {@code set} for {@code handle}: shared when an equal set is held, else compiled. */
    public synchronized V acquire(Object handle, PatternsConstant set, Function<PatternsConstant, V> compile) {
        PatternsConstant held = byHandle.get(handle);
        if (held != null) {
            return byContent.get(held).value;
        }
        Entry<V> e = byContent.get(set);
        if (e == null) {
            e = new Entry<>(compile.apply(set));
            byContent.put(set, e);
        }
        e.holders++;
        byHandle.put(handle, set);
        return e.value;
    }

    /** The compiled form held for {@code handle}, or null. */
    public synchronized V get(Object handle) {
        PatternsConstant set = byHandle.get(handle);
        return set == null ? null : byContent.get(set).value;
    }

    /** Lets {@code handle} go; returns the compiled form when that was its last holder (to free), else null. */
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
        return e.value;
    }

    /** Distinct compiled forms held. */
    public synchronized int size() {
        return byContent.size();
    }

    /** Empties the table and returns every compiled form it held (to free). */
    public synchronized List<V> clear() {
        List<V> all = new ArrayList<>();
        byContent.values().forEach(e -> all.add(e.value));
        byContent.clear();
        byHandle.clear();
        return all;
    }
}
