package io.vyre.runtime.memory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Output regions a runtime allocated, by handle. */
public final class OutputRegions {
    private final Map<Integer, OutputRegion> regions = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    public OutputRegion register(NativeBuffer memory) {
        OutputRegion region = new OutputRegion(next.getAndIncrement(), memory);
        regions.put(region.handle(), region);
        return region;
    }

    public OutputRegion lookup(int handle) {
        return regions.get(handle);
    }

    public OutputRegion remove(int handle) {
        return regions.remove(handle);
    }

    /** A snapshot of the regions. */
    public java.util.List<OutputRegion> all() {
        return new java.util.ArrayList<>(regions.values());
    }

    public int size() {
        return regions.size();
    }
}
