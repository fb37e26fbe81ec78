package io.vyre.runtime.backend;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.Lane;
import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreRuntimeContext;
import io.vyre.runtime.VyreRuntimeException;
import io.vyre.runtime.VyreTenant;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.io.IoPath;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.protocol.SlotResult;
import io.vyre.runtime.testing.NaiveScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants of one runtime, against each backend: every tenant's results exact while the others run, fail or
 * leave; no tenant can name another's files; closing a tenant drains only its own slots. Subclasses name
 * the backend; backends that cannot run here skip themselves in a {@code @BeforeAll}.
 */
public abstract class TenantContractTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CHUNK = 1 << 14;

    @TempDir
    Path dir;
    private VyreRuntime rt;

    protected abstract BackendKind backend();

    /** The context of a runtime for {@code tenants} tenants; subclasses adjust it (e.g. fewer GPU blocks). */
    protected VyreRuntimeContext context(int tenants) {
        return new VyreRuntimeContext().name("tenants").backend(backend()).ioPath(IoPath.AUTO).cpuWorkers(4)
            .tenants(tenants).ioPumps(Math.min(2, tenants + 1)).ioQueueSlots(8).ringCapacity(256).lanes(1).ingestBufferBytes(CHUNK)
            .outputRegionWords(1 << 14).watchdogTimeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void closeRuntime() {
        if (rt != null) {
            rt.close();
        }
    }

    private VyreTenant tenant(String name) {
        return rt.openTenant(name, 3, CHUNK, 1 << 14, 6);
    }

    private static byte[] letters(Random rnd, int n, int alphabet) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + rnd.nextInt(alphabet));
        }
        return b;
    }

    /**
     * What one tenant's scan found, chunk by chunk with a pipeline of its lanes (ingest buffers of at least 16 KiB),
     * or the error it met.
     */
    public static List<NaiveScan.Match> scan(VyreTenant t, Path file, List<byte[]> patterns) throws Exception {
        int handle = t.registerFileForRead(file);
        LoadedProgram program = t.load(StandardPrograms.scan(patterns, false));
        long size = Files.size(file);
        int overlap = patterns.stream().mapToInt(p -> p.length).max().orElseThrow() - 1;
        List<NaiveScan.Match> found = new ArrayList<>();
        ArrayDeque<long[]> inFlight = new ArrayDeque<>();
        List<Lane> lanes = new ArrayList<>();
        for (long start = 0; start < size || !inFlight.isEmpty(); ) {
            if (start < size && inFlight.size() < t.lanes().size()) {
                Lane lane = t.acquireLane();
                lane.output().reset();
                int count = (int) Math.min(CHUNK, size - start);
                int limit = start + count >= size ? StandardPrograms.NO_LIMIT : count - overlap;
                long seq = t.publishCall(program, 0, handle, (int) start, 0, count, lane.ingestHandle(), limit,
                    lane.output().handle());
                lanes.add(lane);
                inFlight.add(new long[] {seq, start, lanes.size() - 1});
                start += limit == StandardPrograms.NO_LIMIT ? count : limit;
                continue;
            }
            long[] next = inFlight.poll();
            SlotResult r = t.await(next[0], WAIT);
            Lane lane = lanes.get((int) next[2]);
            if (!r.ok()) {
                throw new AssertionError(t.name() + ": " + r.describe());
            }
            long base = next[1];
            lane.output().forEachMatch((off, id) -> found.add(new NaiveScan.Match(base + off, id)));
            t.releaseLane(lane);
        }
        found.sort(null);
        return found;
    }

    @Test
    void shouldKeepEveryTenantExactWhileAnotherFailsAndLeaves() throws Exception {
        rt = VyreRuntime.open(context(5));
        Random rnd = new Random(11);
        List<byte[]> patterns = List.of("ab".getBytes(US_ASCII), "abc".getBytes(US_ASCII), "cab".getBytes(US_ASCII),
            "bb".getBytes(US_ASCII));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path f = dir.resolve("tenant-" + i + ".txt");
            Files.write(f, letters(rnd, 200_000 + 7_919 * i, 3));
            files.add(f);
        }
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<List<NaiveScan.Match>>> scans = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path f = files.get(i);
                scans.add(pool.submit(() -> {
                    try (VyreTenant t = tenant("good-" + f.getFileName())) {
                        return scan(t, f, patterns);
                    }
                }));
            }
            // the failing tenant: reads past its file, then leaves with slots in flight that nobody takes
            Future<SlotError> failing = pool.submit(() -> {
                VyreTenant t = tenant("failing");
                int handle = t.registerFileForRead(files.get(3));
                LoadedProgram program = t.load(StandardPrograms.scan(patterns, false));
                Lane lane = t.acquireLane();
                SlotResult r = t.await(t.publishCall(program, 0, handle, (int) Files.size(files.get(3)) - 10, 0,
                    CHUNK, lane.ingestHandle(), StandardPrograms.NO_LIMIT, lane.output().handle()), WAIT);
                t.releaseLane(lane);
                for (int k = 0; k < 3; k++) {
                    Lane l = t.acquireLane();
                    t.publishCall(program, 0, handle, k * CHUNK, 0, CHUNK, l.ingestHandle(), StandardPrograms.NO_LIMIT,
                        l.output().handle());
                }
                t.close();
                return r.error();
            });
            assertThat(failing.get(60, TimeUnit.SECONDS)).isEqualTo(SlotError.IO_ERROR);
            for (int i = 0; i < 3; i++) {
                assertThat(scans.get(i).get(120, TimeUnit.SECONDS)).as("tenant %d", i)
                    .isEqualTo(NaiveScan.find(Files.readAllBytes(files.get(i)), patterns, false));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rt.openTenants()).isZero();
        assertThat(rt.backend().fault()).isNull();
        // a tenant joining afterwards gets a freed id and recycled lanes, and is exact too
        int laneIndexCeiling = 3 * 4 + 1;
        try (VyreTenant late = tenant("late")) {
            assertThat(late.id()).isBetween(1, 5);
            assertThat(late.lanes()).allSatisfy(l -> assertThat(l.index()).isLessThan(laneIndexCeiling));
            assertThat(scan(late, files.get(3), patterns))
                .isEqualTo(NaiveScan.find(Files.readAllBytes(files.get(3)), patterns, false));
        }
    }

    @Test
    void shouldNotLetATenantNameAnotherTenantsFile() throws Exception {
        rt = VyreRuntime.open(context(2));
        Path secret = dir.resolve("secret.txt");
        Files.write(secret, "the secret abc".getBytes(US_ASCII));
        try (VyreTenant owner = tenant("owner"); VyreTenant other = tenant("other")) {
            int handle = owner.registerFileForRead(secret);
            LoadedProgram program = other.load(StandardPrograms.scan(List.of("abc".getBytes(US_ASCII)), false));
            Lane lane = other.acquireLane();
            SlotResult r = other.await(other.publishCall(program, 0, handle, 0, 0, 14, lane.ingestHandle(),
                StandardPrograms.NO_LIMIT, lane.output().handle()), WAIT);
            assertThat(r.error()).as(r.describe()).isEqualTo(SlotError.IO_ERROR);
            assertThat(IoError.fromCode(r.detail())).isEqualTo(IoError.UNKNOWN_SOURCE_HANDLE);
            assertThatThrownBy(() -> other.refreshFileBounds(handle)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not registered by this tenant");
            assertThatThrownBy(() -> owner.releaseLane(lane)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one of this tenant's lanes");
            other.releaseLane(lane);

            // the owner itself reads it
            LoadedProgram own = owner.load(StandardPrograms.scan(List.of("abc".getBytes(US_ASCII)), false));
            Lane ownLane = owner.acquireLane();
            ownLane.output().reset();
            SlotResult ok = owner.await(owner.publishCall(own, 0, handle, 0, 0, 14, ownLane.ingestHandle(),
                StandardPrograms.NO_LIMIT, ownLane.output().handle()), WAIT);
            assertThat(ok.ok()).as(ok.describe()).isTrue();
            assertThat(ok.result()).isEqualTo(1);
            owner.releaseLane(ownLane);
        }
    }

    @Test
    void shouldRefuseATenantBeyondTheRuntimesRoomWithTheSettingToRaise() {
        rt = VyreRuntime.open(context(1));
        try (VyreTenant only = tenant("only")) {
            assertThatThrownBy(() -> tenant("second")).isInstanceOf(VyreRuntimeException.class)
                .hasMessageContaining("all 1 tenants of this runtime are open").hasMessageContaining("tenants");
            assertThat(only.id()).isEqualTo(1);
        }
        try (VyreTenant again = tenant("again")) {
            assertThat(again.id()).isEqualTo(1);
        }
    }

    @Test
    void shouldShareOneRuntimePerDeviceAcrossOwnersAndCloseItWithTheLast() throws Exception {
        DeviceRuntimes registry = DeviceRuntimes.shared();
        long before = registry.runtimesOpened();
        Path file = dir.resolve("shared.txt");
        Files.write(file, letters(new Random(3), 100_000, 3));
        List<byte[]> patterns = List.of("abc".getBytes(US_ASCII), "ca".getBytes(US_ASCII));
        List<VyreTenant> tenants = new ArrayList<>();
        Set<VyreRuntime> runtimes = new HashSet<>();
        try {
            for (int i = 0; i < 3; i++) {
                // one device named: on a machine with several GPUs, owners would otherwise spread over them
                VyreTenant t = registry.openTenant(context(0).name("owner-" + i).ownerIndex(i).devices(List.of(0))
                    .lanes(2).ingestBufferBytes(CHUNK));
                tenants.add(t);
                runtimes.add(t.runtime());
            }
            assertThat(runtimes).hasSize(1);
            assertThat(registry.runtimesOpened()).isEqualTo(before + 1);
            VyreRuntime shared = tenants.get(0).runtime();
            assertThat(shared.openTenants()).isEqualTo(3);
            for (VyreTenant t : tenants) {
                assertThat(scan(t, file, patterns)).isEqualTo(NaiveScan.find(Files.readAllBytes(file), patterns, false));
            }
            tenants.remove(0).close();
            assertThat(shared.isClosed()).isFalse();
            tenants.remove(0).close();
            tenants.remove(0).close();
            assertThat(shared.isClosed()).isTrue();
        } finally {
            tenants.forEach(VyreTenant::close);
        }
        try (VyreTenant next = registry.openTenant(context(0).name("next").lanes(2).ingestBufferBytes(CHUNK))) {
            assertThat(registry.runtimesOpened()).isEqualTo(before + 2);
            assertThat(next.runtime().isClosed()).isFalse();
        }
    }

    @Test
    void shouldOpenAnotherRuntimeOnTheDeviceWhenOneIsFull() {
        DeviceRuntimes registry = DeviceRuntimes.shared();
        long before = registry.runtimesOpened();
        try (VyreTenant first = registry.openTenant(context(1).name("first").lanes(1).ingestBufferBytes(CHUNK));
             VyreTenant second = registry.openTenant(context(1).name("second").lanes(1).ingestBufferBytes(CHUNK))) {
            assertThat(first.runtime()).isNotSameAs(second.runtime());
            assertThat(registry.runtimesOpened()).isEqualTo(before + 2);
        }
        assertThat(registry.openRuntimes()).isZero();
    }

    @Test
    void shouldNotStallOtherTenantsBehindOneThatNeverTakesItsResults() throws Exception {
        rt = VyreRuntime.open(context(2).ringCapacity(16));
        Path file = dir.resolve("busy.txt");
        Files.write(file, letters(new Random(9), 50_000, 3));
        List<byte[]> patterns = List.of("abc".getBytes(US_ASCII), "bb".getBytes(US_ASCII));
        try (VyreTenant idle = tenant("never-takes"); VyreTenant busy = tenant("busy")) {
            int handle = idle.registerFileForRead(file);
            LoadedProgram program = idle.load(StandardPrograms.scan(patterns, false));
            List<Long> untaken = new ArrayList<>();
            for (Lane lane : idle.lanes()) {
                untaken.add(idle.publishCall(program, 0, handle, 0, 0, 1000, lane.ingestHandle(),
                    StandardPrograms.NO_LIMIT, lane.output().handle()));
            }
            // the busy tenant cycles the 16-slot ring many times over past the idle tenant's done slots
            for (int round = 0; round < 10; round++) {
                assertThat(scan(busy, file, patterns)).isEqualTo(NaiveScan.find(Files.readAllBytes(file), patterns, false));
            }
            for (long seq : untaken) {
                assertThat(idle.await(seq, WAIT).ok()).isTrue();
            }
        }
    }

    @Test
    void shouldFailAPublisherWaitingForItsQuotaPromptlyWhenTheTenantCloses() throws Exception {
        rt = VyreRuntime.open(context(1));
        Path file = dir.resolve("quota.txt");
        Files.write(file, letters(new Random(4), 4_000, 3));
        VyreTenant t = rt.openTenant("quota", 2, CHUNK, 1 << 14, 1);
        int handle = t.registerFileForRead(file);
        LoadedProgram program = t.load(StandardPrograms.scan(List.of("ab".getBytes(US_ASCII)), false));
        Lane first = t.lanes().get(0);
        Lane second = t.lanes().get(1);
        t.publishCall(program, 0, handle, 0, 0, 4_000, first.ingestHandle(), StandardPrograms.NO_LIMIT,
            first.output().handle());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // its one slot in flight is never taken: the second publish waits for the quota until the close
            Future<Long> blocked = pool.submit(() -> t.publishCall(program, 0, handle, 0, 0, 4_000,
                second.ingestHandle(), StandardPrograms.NO_LIMIT, second.output().handle()));
            Thread.sleep(100);
            assertThat(blocked).isNotDone();
            t.close();
            assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(VyreRuntimeException.class)
                .hasMessageContaining("the tenant is closed");
        } finally {
            pool.shutdownNow();
        }
        assertThat(rt.openTenants()).isZero();
        try (VyreTenant next = tenant("next")) {
            assertThat(next.id()).as("the drained tenant's id is free again").isEqualTo(1);
        }
    }
}
