// Microbenchmark of what a ring round trip is made of, outside the megakernel: a host thread writes a sequence
// number into page-locked, device-mapped memory (as the work ring is), one warp of a persistent kernel polls it
// and answers into host memory, the host spins until it sees the answer. Variants of the kernel side give the
// floor of the link and the cost of each step the megakernel's ring warp adds (the system fence before DONE,
// device-memory atomics, a 16-word slot read by half-warps, polls kept in flight back to back). Then each step
// alone, timed on the GPU with %globaltimer. tools/gpu/run.sh rttbench runs it.
//
//   rtt_bench [ROUND_TRIPS]   prints one line per variant: p50, p90, p99, mean in microseconds
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

typedef unsigned int u32;
typedef unsigned long long u64;

#define CHECK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { \
    fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e_)); exit(1); } } while (0)

// host words, each on its own 64-byte line (in u32): the request slot (16 words), the answer, the result. The host
// stops the kernel by writing STOP as the sequence.
#define H_SLOT 0
#define H_ANSWER 32
#define H_RESULT 48
#define H_GATES 128    // three gate words, each on its own line (SHUTDOWN, CONTROL_GENERATION, DOORBELL)
#define H_STORES 192   // the lines a ring-like answer writes before its fence
#define H_WORDS 512
#define STOP 0xffffffffu

enum Variant {
    FLOOR,          // lane 0 polls one word, answers with one store
    FENCE,          // a result store, fence.acq_rel.sys, the answer (what publish_batch does)
    FENCE_ATOMICS,  // + two device atomics whose values the answer carries (a metric and ATOMIC_ADD)
    SLOT_WARP,      // the ring warp's poll: two 16-word slots by half-warps, shuffles, a seal; then FENCE_ATOMICS
    RING_LIKE,      // SLOT_WARP plus the gate words on three more lines, seven stores to host lines before the fence
    PIPELINED,      // FLOOR with four polls in flight, issued a quarter of a round trip apart
    PIPELINED_FENCE_ATOMICS,
    VARIANTS
};
static const char* NAMES[] = {"floor", "fence", "fence+atomics", "slot-warp", "ring-like", "pipelined", "pipelined+fence+atomics"};

__device__ __forceinline__ u64 now_ns() {
    u64 t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__device__ __forceinline__ void fence_system() { asm volatile("fence.acq_rel.sys;" ::: "memory"); }

__device__ __forceinline__ void answer(volatile u32* h, u32* dev, u32 seq, int variant) {
    if (variant == FLOOR || variant == PIPELINED) {
        h[H_ANSWER] = seq;
        return;
    }
    u32 result = seq;
    if (variant != FENCE) {
        u32 a = atomicAdd(dev, 1u);        // the op's metric
        u32 b = atomicAdd(dev + 32, seq);  // the op itself
        result = a ^ b;                    // stored: waits for both values, as the ring warp's stores do
    }
    h[H_RESULT] = result;
    fence_system();
    h[H_ANSWER] = seq;
}

extern "C" __global__ void rtt_kernel(volatile u32* h, u32* dev, int variant) {
    u32 lane = threadIdx.x & 31;
    u32 want = 1;
    if (variant == SLOT_WARP || variant == RING_LIKE) {
        bool ring = variant == RING_LIKE;
        while (true) {
            u32 a = h[H_SLOT + (lane & 15)];   // two slots' words, as a poll of want = 2 reads them
            u32 b = h[H_SLOT + 16 + (lane & 15)];
            u32 gate = ring && lane < 3 ? h[H_GATES + 16 * lane] : 0;
            if (__shfl_sync(0xffffffffu, gate, 0) == STOP) return;
            u32 seq = __shfl_sync(0xffffffffu, a, 0);
            u32 seal = 2166136261u;
            for (int w = 1; w < 16; w++) seal = (seal ^ __shfl_sync(0xffffffffu, a, w)) * 16777619u;
            seal ^= __shfl_sync(0xffffffffu, b, 0);
            if (seq == STOP) return;
            if (seq == want) {
                if (lane == 0 && seal == 0x9e3779b9u) h[H_RESULT + 1] = seal;  // keeps the seal computed
                if (lane == 0 && ring) for (int k = 0; k < 7; k++) h[H_STORES + 16 * k] = seq;
                if (lane == 0) answer(h, dev, seq, FENCE_ATOMICS);
                want++;
            }
            __syncwarp();
        }
    }
    if (lane != 0) return;
    if (variant == PIPELINED || variant == PIPELINED_FENCE_ATOMICS) {
        int inner = variant == PIPELINED ? FLOOR : FENCE_ATOMICS;
        u32 p0 = h[H_SLOT]; __nanosleep(250);
        u32 p1 = h[H_SLOT]; __nanosleep(250);
        u32 p2 = h[H_SLOT]; __nanosleep(250);
        u32 p3 = h[H_SLOT];
        while (true) {
            // each check waits for the oldest poll only; the others stay in flight
#define CHECK_POLL(p) \
            if (p == want) { answer(h, dev, want, inner); want++; } \
            else if (p == STOP) return; \
            p = h[H_SLOT];
            CHECK_POLL(p0)
            CHECK_POLL(p1)
            CHECK_POLL(p2)
            CHECK_POLL(p3)
#undef CHECK_POLL
        }
    }
    while (true) {
        u32 seq = h[H_SLOT];
        if (seq == want) {
            answer(h, dev, seq, variant);
            want++;
        } else if (seq == STOP) {
            return;
        }
    }
}

// Each step alone, timed on the GPU: a chain of dependent operations, mean ns per operation.
extern "C" __global__ void steps_kernel(volatile u32* h, u32* dev, u32 zero, u64* out) {
    const int n = 2000;
    u32 v = 0;
    u64 t0 = now_ns();
    for (int i = 0; i < n; i++) v = h[H_SLOT + (v & zero)];                   // read of host memory
    u64 t1 = now_ns();
    for (int i = 0; i < n; i++) { h[H_RESULT] = i; fence_system(); }          // host store + system fence
    u64 t2 = now_ns();
    for (int i = 0; i < n; i++) v = atomicAdd(dev + (v & zero), 1u);          // device atomic, value used
    u64 t3 = now_ns();
    for (int i = 0; i < n; i++) {                                              // acquire load of device memory
        u32 r;
        asm volatile("ld.acquire.gpu.global.u32 %0, [%1];" : "=r"(r) : "l"(dev + 64 + (v & zero)) : "memory");
        v = r;
    }
    u64 t4 = now_ns();
    for (int i = 0; i < n; i++) { h[H_RESULT] = i; v = h[H_RESULT + (v & zero)]; }  // host store, then its read
    u64 t5 = now_ns();
    for (int i = 0; i < n; i++) fence_system();                               // system fence alone
    u64 t6 = now_ns();
    out[0] = (t1 - t0) / n;
    out[1] = (t2 - t1) / n;
    out[2] = (t3 - t2) / n;
    out[3] = (t4 - t3) / n;
    out[4] = (t5 - t4) / n;
    out[5] = (t6 - t5) / n;
    out[6] = v;
}

extern "C" __global__ void empty_kernel(u32* word) {
    if (threadIdx.x == 0) atomicAdd(word, 1u);
}

static double now_us() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void report(const char* name, std::vector<double>& us) {
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double u : us) sum += u;
    size_t n = us.size();
    printf("%-26s p50 %6.2f us  p90 %6.2f  p99 %6.2f  mean %6.2f  (%zu round trips)\n", name, us[n / 2],
           us[n * 9 / 10], us[n * 99 / 100], sum / n, n);
}

int main(int argc, char** argv) {
    int trips = argc > 1 ? atoi(argv[1]) : 100000;
    CHECK(cudaSetDeviceFlags(cudaDeviceMapHost));
    u32* hostWords;
    CHECK(cudaHostAlloc((void**) &hostWords, H_WORDS * sizeof(u32), cudaHostAllocMapped | cudaHostAllocPortable));
    volatile u32* h = hostWords;
    u32* hDev;
    CHECK(cudaHostGetDevicePointer((void**) &hDev, hostWords, 0));
    u32* dev;
    CHECK(cudaMalloc((void**) &dev, 4096));
    CHECK(cudaMemset(dev, 0, 4096));
    cudaStream_t stream;
    CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));

    u64* steps;
    CHECK(cudaMallocManaged((void**) &steps, 8 * sizeof(u64)));
    steps_kernel<<<1, 1, 0, stream>>>(hDev, dev, 0, steps);
    CHECK(cudaStreamSynchronize(stream));
    steps_kernel<<<1, 1, 0, stream>>>(hDev, dev, 0, steps);
    CHECK(cudaStreamSynchronize(stream));
    printf("steps (GPU, ns each): host read %llu, host store + fence.sys %llu, device atomic %llu, device acquire load %llu,"
           " host store then read %llu, fence.sys alone %llu\n", steps[0], steps[1], steps[2], steps[3], steps[4], steps[5]);

    for (int variant = 0; variant < VARIANTS; variant++) {
        for (int w = 0; w < H_WORDS; w++) h[w] = 0;
        rtt_kernel<<<1, 32, 0, stream>>>(hDev, dev, variant);
        std::vector<double> us;
        us.reserve(trips);
        int warmup = trips / 10;
        for (u32 seq = 1; seq <= (u32) (trips + warmup); seq++) {
            double t0 = now_us();
            h[H_SLOT] = seq;
            double deadline = t0 + 1e6;
            while (h[H_ANSWER] != seq) {
                if (now_us() > deadline) { fprintf(stderr, "%s: no answer to %u\n", NAMES[variant], seq); exit(1); }
            }
            double t1 = now_us();
            if (seq > (u32) warmup) us.push_back(t1 - t0);
        }
        h[H_SLOT] = STOP;
        CHECK(cudaStreamSynchronize(stream));
        report(NAMES[variant], us);
    }

    std::vector<double> us;
    for (int i = 0; i < trips / 4 + 1000; i++) {
        double t0 = now_us();
        empty_kernel<<<1, 32, 0, stream>>>(dev);
        CHECK(cudaStreamSynchronize(stream));
        if (i >= 1000) us.push_back(now_us() - t0);
    }
    report("launch + synchronize", us);
    return 0;
}
