package io.vyre.runtime.backend.cuda;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.backend.TenantContractTest;
import io.vyre.runtime.testing.NaiveScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several GPUs in one task manager: owners (subtasks) without configured devices spread over the visible GPUs by
 * owner index, one shared runtime per GPU, and every tenant's scan is exact while the others scan on both GPUs at
 * once. Skips without CUDA or with fewer than two GPUs.
 */
class CudaMultiDeviceTest {
    private static final int CHUNK = 1 << 16;

    @TempDir
    Path dir;

    @Test
    void shouldSpreadOwnersOverTheVisibleGpusAndKeepEachExact() throws Exception {
        CudaTests.assumeCuda();
        JCudaDriver.cuInit(0);
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        assumeThat(count[0]).as("this machine has %d GPU(s); the test needs two", count[0]).isGreaterThanOrEqualTo(2);

        Random rnd = new Random(61);
        byte[] data = new byte[3_000_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + rnd.nextInt(4));
        }
        Path file = Files.write(dir.resolve("multi.txt"), data);
        List<byte[]> patterns = List.of("abca".getBytes(US_ASCII), "dd".getBytes(US_ASCII), "cab".getBytes(US_ASCII));
        List<NaiveScan.Match> expected = NaiveScan.find(data, patterns, false);

        List<VyreTenant> tenants = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int owner = 0; owner < 4; owner++) {
                tenants.add(DeviceRuntimes.shared().openTenant(new VyreRuntimeContext().name("owner-" + owner)
                    .backend(BackendKind.CUDA).ownerIndex(owner).lanes(2).ingestBufferBytes(CHUNK)
                    .outputRegionWords(1 << 18)));
            }
            Set<String> runtimes = new TreeSet<>();
            for (VyreTenant t : tenants) {
                runtimes.add(t.runtime().context().name());
            }
            assertThat(runtimes).as("owners 0 and 2 on GPU 0, 1 and 3 on GPU 1").containsExactly("vyre-cuda0",
                "vyre-cuda1");
            assertThat(tenants.get(0).runtime()).isSameAs(tenants.get(2).runtime());
            assertThat(tenants.get(1).runtime()).isSameAs(tenants.get(3).runtime());

            List<Future<List<NaiveScan.Match>>> scans = new ArrayList<>();
            for (VyreTenant t : tenants) {
                scans.add(pool.submit(() -> TenantContractTest.scan(t, file, patterns)));
            }
            for (Future<List<NaiveScan.Match>> f : scans) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
            tenants.forEach(VyreTenant::close);
        }
        assertThat(tenants).allSatisfy(t -> assertThat(t.runtime().isClosed()).isTrue());
    }
}
