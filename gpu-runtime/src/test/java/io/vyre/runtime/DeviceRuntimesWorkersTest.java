package io.vyre.runtime;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Program;
import io.vyre.runtime.bytecode.Vir0Program.Reg;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CPU runtime a task manager shares grows its workers to what its tenants need: a sink that only writes
 * gets the few it asks for, and the pool grows to two per core when a tenant that scans joins.
 */
class DeviceRuntimesWorkersTest {
    private static final Vir0Program WRITE = Vir0Program.builder().op(Opcode.INPUT, Reg.r(1), Reg.r(2))
        .op(Opcode.WRITE_BACK, Reg.r(3), Reg.r(4), Reg.r(5)).build();
    private static final Vir0Program SCAN = StandardPrograms.scan(List.of("needle".getBytes(US_ASCII)), false);

    @AfterEach
    void clearProperty() {
        System.clearProperty(DeviceRuntimes.CPU_SCAN_WORKERS_PROPERTY);
    }

    private static VyreRuntimeContext owner(String name, Vir0Program program) {
        return new VyreRuntimeContext().name(name).backend(BackendKind.CPU).cpuWorkers(1).tenants(4).lanes(1)
            .ingestBufferBytes(1 << 16).outputRegionWords(1 << 12).workload(List.of(program));
    }

    @Test
    void shouldStartFewWorkersForAWriterAndGrowThemWhenAScannerJoins() {
        DeviceRuntimes registry = DeviceRuntimes.shared();
        int scanning = 2 * Runtime.getRuntime().availableProcessors();
        assertThat(registry.openRuntimes()).as("runtimes other tests left open").isZero();
        try (VyreTenant writer = registry.openTenant(owner("writer", WRITE))) {
            VyreRuntime shared = writer.runtime();
            assertThat(shared.control().workers()).isEqualTo(1);
            assertThat(shared.backend().description()).contains("1 worker,");
            try (VyreTenant scanner = registry.openTenant(owner("scanner", SCAN))) {
                assertThat(scanner.runtime()).isSameAs(shared);
                assertThat(shared.control().workers()).isEqualTo(scanning);
            }
            // a pool never shrinks while the runtime runs: another writer leaves it as it is
            try (VyreTenant another = registry.openTenant(owner("another", WRITE))) {
                assertThat(another.runtime()).isSameAs(shared);
                assertThat(shared.control().workers()).isEqualTo(scanning);
            }
        }
    }

    @Test
    void shouldGiveAnOwnerWithoutAWorkloadTwoWorkersPerCore() {
        VyreRuntimeContext unknown = owner("unknown", SCAN).workload(List.of());
        assertThat(DeviceRuntimes.cpuWorkersFor(unknown)).isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        assertThat(DeviceRuntimes.cpuWorkersFor(owner("w", WRITE).cpuWorkers(3))).isEqualTo(3);
    }

    @Test
    void shouldLetTheJvmPropertySetTheWorkersOfAScanningTenantButNotShrinkAnOwnersAsk() {
        System.setProperty(DeviceRuntimes.CPU_SCAN_WORKERS_PROPERTY, " 24 ");
        assertThat(DeviceRuntimes.cpuWorkersFor(owner("scanner", SCAN))).isEqualTo(24);
        assertThat(DeviceRuntimes.cpuWorkersFor(owner("scanner", SCAN).cpuWorkers(40))).isEqualTo(40);
        assertThat(DeviceRuntimes.cpuWorkersFor(owner("w", WRITE).cpuWorkers(3))).as("a writer").isEqualTo(3);

        System.setProperty(DeviceRuntimes.CPU_SCAN_WORKERS_PROPERTY, "0");
        assertThatThrownBy(() -> DeviceRuntimes.cpuWorkersFor(owner("scanner", SCAN)))
            .isInstanceOf(VyreRuntimeException.class)
            .hasMessage("-Dvyre.cpu.scan-workers=0 is not a worker count in [1, 256]: remove it for two workers per"
                + " core (" + Math.min(256, 2 * Runtime.getRuntime().availableProcessors()) + " here)");
    }
}
