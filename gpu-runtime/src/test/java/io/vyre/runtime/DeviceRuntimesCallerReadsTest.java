package io.vyre.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.backend.BackendKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whether a shared CPU runtime's workers read their own slots' bytes (the owner's setting, the JVM property above
 * it), and how many pumps it then keeps: fewer, since they only write the sinks' files.
 */
class DeviceRuntimesCallerReadsTest {
    @AfterEach
    void clearProperties() {
        System.clearProperty(DeviceRuntimes.CPU_CALLER_READS_PROPERTY);
        System.clearProperty(DeviceRuntimes.IO_PUMPS_PROPERTY);
    }

    @Test
    void shouldTakeTheOwnersSettingUnlessTheJvmPropertySaysOtherwise() {
        assertThat(DeviceRuntimes.callerReads(new VyreRuntimeContext())).as("the default").isTrue();
        assertThat(DeviceRuntimes.callerReads(new VyreRuntimeContext().callerReads(false))).isFalse();

        System.setProperty(DeviceRuntimes.CPU_CALLER_READS_PROPERTY, " FALSE ");
        assertThat(DeviceRuntimes.callerReads(new VyreRuntimeContext())).isFalse();
        System.setProperty(DeviceRuntimes.CPU_CALLER_READS_PROPERTY, "true");
        assertThat(DeviceRuntimes.callerReads(new VyreRuntimeContext().callerReads(false))).isTrue();
    }

    @Test
    void shouldNameTheOwnersSettingWhenThePropertyIsNoBoolean() {
        System.setProperty(DeviceRuntimes.CPU_CALLER_READS_PROPERTY, "yes");

        assertThatThrownBy(() -> DeviceRuntimes.callerReads(new VyreRuntimeContext()))
            .isInstanceOf(VyreRuntimeException.class)
            .hasMessage("-Dvyre.cpu.caller-reads=yes is not true or false: remove it for the owner's setting (true)");
    }

    @Test
    void shouldKeepOnePumpPerEightCoresWhereWorkersReadAndOnePerTwoWherePumpsDo() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(DeviceRuntimes.ioPumps(true)).isEqualTo(Math.max(1, cores / 8));
        assertThat(DeviceRuntimes.ioPumps(false)).isEqualTo(Math.max(1, cores / 2));

        System.setProperty(DeviceRuntimes.IO_PUMPS_PROPERTY, "3");
        assertThat(DeviceRuntimes.ioPumps(true)).as("the property decides").isEqualTo(3);
    }

    @Test
    void shouldLetTheWorkersOfASharedCpuRuntimeReadForThemselves() {
        DeviceRuntimes registry = DeviceRuntimes.shared();
        assertThat(registry.openRuntimes()).as("runtimes other tests left open").isZero();
        VyreRuntimeContext owner = new VyreRuntimeContext().name("owner").backend(BackendKind.CPU).cpuWorkers(1)
            .tenants(2).lanes(1).ingestBufferBytes(1 << 16).outputRegionWords(1 << 12);
        try (VyreTenant tenant = registry.openTenant(owner)) {
            assertThat(tenant.runtime().callerReads()).isNotNull();
            assertThat(tenant.runtime().pumps()).hasSize(Math.min(3, DeviceRuntimes.ioPumps(true)));
        }
        System.setProperty(DeviceRuntimes.CPU_CALLER_READS_PROPERTY, "false");
        try (VyreTenant tenant = registry.openTenant(owner)) {
            assertThat(tenant.runtime().callerReads()).as("every read through the pumps").isNull();
            assertThat(tenant.runtime().pumps()).hasSize(Math.min(3, DeviceRuntimes.ioPumps(false)));
        }
    }
}
