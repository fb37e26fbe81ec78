// Microbenchmark of the megakernel's MATCH scan (kernel/ops_match.cuh: scan_tile) from device memory, outside
// the megakernel: one block per SM takes 1 MiB tiles of 256 MiB of log text, as the megakernel's workers do,
// with the DFA tables ScanTablesDump wrote. Build variants with -DSTREAMS=n (automata per thread). Checks every
// run's occurrence count against the count the Java DFA found. tools/gpu/run.sh scanbench runs it.
//
//   scan_bench DIR PATTERNS REPEATS   prints: streams, GB/s (median of REPEATS), occurrences, expected
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>
#include <vector>
#include "../../../gpu-runtime/src/main/cuda/vyre_protocol.h"
#ifdef STREAMS
#undef MATCH_STREAMS_PER_THREAD
#define MATCH_STREAMS_PER_THREAD STREAMS
#endif
#include "../../../gpu-runtime/src/main/cuda/kernel/ops_match.cuh"

extern "C" __global__ void __launch_bounds__(BLOCK_THREADS, 1) bench_scan(const u8* in, u64 length, const u64* constant,
                                                                      u32 tiles, u32* matches, u32 maxMatches,
                                                                      u32* count) {
    for (u32 t = blockIdx.x; t < tiles; t += gridDim.x) {
        scan_tile(in, length, length, constant, t, matches, maxMatches, count);
    }
}

#define CHECK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { \
    fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e_)); exit(1); } } while (0)

static std::vector<char> slurp(const std::string& path) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) { perror(path.c_str()); exit(1); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    std::vector<char> b(n);
    if (fread(b.data(), 1, n, f) != (size_t) n) { perror("read"); exit(1); }
    fclose(f);
    return b;
}

static u64 upload(const void* host, size_t bytes) {
    void* d;
    CHECK(cudaMalloc(&d, std::max(bytes, (size_t) 16)));
    CHECK(cudaMemcpy(d, host, bytes, cudaMemcpyHostToDevice));
    return (u64) d;
}

int main(int argc, char** argv) {
    if (argc < 4) { fprintf(stderr, "usage: scan_bench DIR PATTERNS REPEATS\n"); return 2; }
    std::string dir = argv[1];
    int repeats = atoi(argv[3]);
    std::vector<char> text = slurp(dir + "/text-" + argv[2] + ".bin");
    std::vector<char> dfa = slurp(dir + "/dfa-" + argv[2] + ".bin");
    const u32* h = (const u32*) dfa.data();
    u32 states = h[0], classes = h[1], maxLength = h[2], outStartLen = h[3], outPatLen = h[4], patterns = h[5];
    u64 expected = *(const u64*) (h + 6);
    const char* p = dfa.data() + 32;
    u64 entry[CONST_WORDS] = {0};
    entry[0] = KIND_PATTERNS | 1ull << 8;
    entry[1] = upload(p, 256); p += 256;
    entry[2] = upload(p, 4ull * states * classes); p += 4ull * states * classes;
    entry[3] = upload(p, 4ull * outStartLen); p += 4ull * outStartLen;
    entry[4] = upload(p, 4ull * outPatLen); p += 4ull * outPatLen;
    entry[5] = upload(p, 4ull * patterns); p += 4ull * patterns;
    entry[6] = states | (u64) classes << 32;
    entry[7] = maxLength;
    const u64* constant = (const u64*) upload(entry, sizeof(entry));
    const u64 length = (u64) text.size() * 32;
    std::vector<char> input(length + MIRROR_PADDING);  // the padding a device mirror has past its bytes
    for (int c = 0; c < 32; c++) memcpy(input.data() + (size_t) c * text.size(), text.data(), text.size());
    u8* in = (u8*) upload(input.data(), length + MIRROR_PADDING);
    const u32 maxMatches = 1u << 24;
    u32* matches;
    u32* count;
    CHECK(cudaMalloc(&matches, 12ull * maxMatches));
    CHECK(cudaMalloc(&count, 4));
    int device = 0, sms = 0;
    CHECK(cudaGetDevice(&device));
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
    cudaFuncAttributes attr;
    CHECK(cudaFuncGetAttributes(&attr, bench_scan));
    u32 tiles = (u32) ((length + MATCH_TILE_BYTES - 1) / MATCH_TILE_BYTES);
    // preferred carveout: -1 leaves it to the driver, 0 asks for the most L1 (the DFA rows are read through it)
    for (int carveout : {-1, 0}) {
        CHECK(cudaFuncSetAttribute(bench_scan, cudaFuncAttributePreferredSharedMemoryCarveout, carveout));
        std::vector<float> ms;
        u32 found = 0;
        cudaEvent_t a, b;
        CHECK(cudaEventCreate(&a));
        CHECK(cudaEventCreate(&b));
        for (int r = 0; r < repeats + 1; r++) {
            CHECK(cudaMemset(count, 0, 4));
            CHECK(cudaEventRecord(a));
            bench_scan<<<sms, BLOCK_THREADS>>>(in, length, constant, tiles, matches, maxMatches, count);
            CHECK(cudaEventRecord(b));
            CHECK(cudaEventSynchronize(b));
            CHECK(cudaGetLastError());
            float t;
            CHECK(cudaEventElapsedTime(&t, a, b));
            if (r > 0) ms.push_back(t);  // the first run warms the caches
            CHECK(cudaMemcpy(&found, count, 4, cudaMemcpyDeviceToHost));
        }
        std::sort(ms.begin(), ms.end());
        float median = ms[ms.size() / 2];
        printf("%u patterns (%u states x %u classes), streams %d, %d registers, carveout %d, %d SMs x 1 block, %u tiles: "
               "%.1f GB/s (median %.3f ms, best %.3f ms), occurrences %u, expected %llu: %s\n", patterns, states,
               classes, MATCH_STREAMS_PER_THREAD, attr.numRegs, carveout, sms, tiles, length / (median * 1e6), median,
               ms[0], found, expected, found == expected ? "OK" : "MISMATCH");
    }
    return 0;
}
