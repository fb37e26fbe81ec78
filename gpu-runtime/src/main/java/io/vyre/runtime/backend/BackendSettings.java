package io.vyre.runtime.backend;

import java.util.List;

/**
 * Settings a backend is created with.
 *
 * @param cpuWorkers worker threads of the CPU megakernel
 * @param devices    CUDA device ordinals to choose from (empty: all visible)
 * @param ownerIndex index of the owner (a Flink subtask), used to pick a device round-robin
 * @param watchdogNanos how long the kernel's heartbeat may stand still before the backend is declared faulted
 * @param gpuBlocks  blocks of the CUDA kernel (one schedules, the others work); 0 = one per multiprocessor
 * @param deviceArenaBytes device memory for programs and pattern tables (CUDA), allocated in blocks of this size; a larger table gets a block of its own
 * @param cpuMatchEngine how the CPU megakernel runs MATCH
 */
public record BackendSettings(int cpuWorkers, List<Integer> devices, int ownerIndex, long watchdogNanos, int gpuBlocks,
                              long deviceArenaBytes, MatchEngine cpuMatchEngine) {
    public BackendSettings {
        devices = List.copyOf(devices);
        if (cpuMatchEngine == null) {
            throw new IllegalArgumentException("cpuMatchEngine must be AUTO, VECTORSCAN or JAVA_DFA");
        }
        if (cpuWorkers < 1) {
            throw new IllegalArgumentException("cpuWorkers must be at least 1, got " + cpuWorkers);
        }
        if (gpuBlocks != 0 && gpuBlocks < 2) {
            throw new IllegalArgumentException("gpuBlocks must be 0 (one per multiprocessor) or at least 2, got " + gpuBlocks);
        }
    }

    /** The device this owner uses: the configured list (or 0..visible-1) taken round-robin by owner index. */
    public int pickDevice(int visibleDevices) {
        if (!devices.isEmpty()) {
            return devices.get(Math.floorMod(ownerIndex, devices.size()));
        }
        return Math.floorMod(ownerIndex, Math.max(1, visibleDevices));
    }
}
