package io.vyre.runtime.io;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One of the two capability tables ({@code io_source_capability_table}, {@code
 * io_destination_capability_table}) through which every IO handle resolves. The kernel can name
 * nothing the host did not register here.
 */
public final class CapabilityTable {
    private final String name;
    private final Map<Integer, Capability> entries = new ConcurrentHashMap<>();

    public CapabilityTable(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The capability of {@code handle}, or {@code null} when the table does not hold it. */
    public Capability lookup(int handle) {
        return entries.get(handle);
    }

    void put(Capability capability) {
        entries.put(capability.handle(), capability);
    }

    /** Replaces the entry of {@code handle} atomically, only if it is still there. */
    void replaceIfPresent(int handle, java.util.function.UnaryOperator<Capability> change) {
        entries.computeIfPresent(handle, (h, c) -> change.apply(c));
    }

    Capability remove(int handle) {
        return entries.remove(handle);
    }

    /** A snapshot of the entries. */
    public java.util.List<Capability> entries() {
        return new java.util.ArrayList<>(entries.values());
    }

    public int size() {
        return entries.size();
    }

    public String describeMissing(int handle) {
        return "handle " + Integer.toUnsignedString(handle) + " is not in " + name + " (it holds "
            + new TreeSet<>(entries.keySet()) + ")";
    }
}
