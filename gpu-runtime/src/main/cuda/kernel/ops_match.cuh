// MATCH: every occurrence of every pattern of a literal set, overlaps included, with the Aho-Corasick DFA
// compiled on the host (AhoCorasickDfa). One input can use many SMs: it is cut into tiles of
// match_tile_bytes, which the block that runs the slot (the owner) publishes as a job on the job board;
// idle worker blocks take tiles of it too. Matches go straight into the owner's match scratch through one
// atomic counter; their order does not matter (readers sort).
#pragma once
#include "invocation.cuh"

/** A MATCH shared through the job board (JOB_BYTES per worker, device memory). */
struct Job {
    /** generation << 40 | tiles << 24 | next tile: one atomicAdd takes a tile of exactly one generation. */
    unsigned long long claims;
    u32 done;          // tiles of this generation scanned
    u32 matchCount;    // matches found (may pass maxMatches: the owner then fails OUTPUT_OVERFLOW)
    u64 input;         // const u8*: the input's device mirror
    u64 constant;      // const u64*: the patterns constant's table entry
    u64 matches;       // u32*: [start, pattern id, length] triples
    u64 limit;         // only matches starting below it count
    u32 length;        // input bytes
    u32 maxMatches;
    u32 reserved[(JOB_BYTES - 56) / 4];
};
static_assert(sizeof(Job) == JOB_BYTES, "struct Job must be KernelContract.JOB_BYTES long");

#define JOB_GENERATION_SHIFT 40
#define JOB_TILES_SHIFT 24
#define JOB_FIELD_MASK 0xffffffull
#define NO_TILE 0xffffffffu

__device__ __forceinline__ Job* job_of(const KernelEnv& env, u32 worker) {
    return (Job*) (env.jobs + (u64) worker * JOB_BYTES);
}

/** The DFA of a patterns constant (its table entry). */
struct Dfa {
    const u8* classOf;
    const u32* next;
    const u32* outStart;
    const u32* outPatterns;
    const u32* patternLength;
    u32 classes;
    u32 maxLength;
};

__device__ __forceinline__ Dfa dfa_of(const u64* constant) {
    Dfa d;
    d.classOf = (const u8*) table_word(constant + 1);
    d.next = (const u32*) table_word(constant + 2);
    d.outStart = (const u32*) table_word(constant + 3);
    d.outPatterns = (const u32*) table_word(constant + 4);
    d.patternLength = (const u32*) table_word(constant + 5);
    d.classes = (u32) (table_word(constant + 6) >> 32);
    d.maxLength = (u32) table_word(constant + 7);
    return d;
}

/**
 * Bytes per tile of an input of `length` bytes: MATCH_TILE_BYTES, or MATCH_SMALL_TILE_BYTES for an input of at most
 * MATCH_SMALL_INPUT_BYTES (a chunk of the connector), so that one chunk spreads over 16 SMs.
 */
__device__ __forceinline__ u64 match_tile_bytes(u64 length) {
    return length <= MATCH_SMALL_INPUT_BYTES ? MATCH_SMALL_TILE_BYTES : MATCH_TILE_BYTES;
}

/** One step of the automaton: the next state | DFA_MATCH_FLAG (the rows of shallow states stay in L1). */
__device__ __forceinline__ u32 dfa_step(const Dfa& dfa, u32 state, u32 cls) {
    return __ldg(dfa.next + state * dfa.classes + cls);
}

/** Records the patterns ending at byte `end` in `state` that start inside [.., segmentEnd) and below the limit. */
__device__ __noinline__ void report(const Dfa& dfa, u32 state, u64 end, u64 segmentEnd, u64 limit, u32* matches,
                                       u32 maxMatches, u32* matchCount) {
    for (u32 k = __ldg(dfa.outStart + state), to = __ldg(dfa.outStart + state + 1); k < to; k++) {
        u32 id = __ldg(dfa.outPatterns + k);
        u32 length = __ldg(dfa.patternLength + id);
        u64 start = end + 1 - length;
        if (start < segmentEnd && start < limit) {
            u32 at = atomicAdd(matchCount, 1u);
            if (at < maxMatches) {
                matches[3 * (u64) at] = (u32) start;
                matches[3 * (u64) at + 1] = id;
                matches[3 * (u64) at + 2] = length;
            }
        }
    }
}

/**
 * Runs one automaton again over `valid` bytes of `word` from `state`, reporting the patterns that end there:
 * the scan loops below only note that a word reached a matching state and come here, out of line, so that
 * their own code stays small enough for the instruction cache.
 */
__device__ __noinline__ void report_word(const Dfa& dfa, const u8* classOf, u32 state, u32 word, u32 valid,
                                         u64 first, u64 segmentEnd, u64 limit, u32* matches, u32 maxMatches,
                                         u32* matchCount) {
    for (u32 b = 0; b < valid; b++) {
        u32 n = dfa_step(dfa, state, classOf[(word >> (8 * b)) & 0xff]);
        state = n & DFA_STATE_MASK;
        if (n & DFA_MATCH_FLAG) report(dfa, state, first + b, segmentEnd, limit, matches, maxMatches, matchCount);
    }
}

/**
 * Scans one tile with the whole block. The tile is cut into BLOCK_THREADS x MATCH_STREAMS_PER_THREAD
 * segments (multiples of 16 bytes); each thread runs that many automata in lockstep, one byte of each per
 * step, so its table lookups are independent and in flight together (a thread's lookups are a chain of
 * dependent loads: the parallelism comes from the streams). Each automaton starts in the start state at its
 * segment's first byte and runs maxLength - 1 bytes past its end, so every match that starts inside the
 * segment is found there and nowhere else. Offsets within the tile fit 32 bits (a tile is at most 1 MiB).
 *
 * A thread's automata advance together: stream k reads byte `progress` of its span (its segment and the
 * overlap), which starts k x BLOCK_THREADS segments after stream 0's, so one counter locates them all. The
 * loops take 4 bytes of every automaton per iteration and only note whether one reached a matching state;
 * report_word then runs those bytes again to record the matches. While every span of the thread has 16 whole
 * bytes left, the thread runs without bounds checks; the spans' last bytes go through the checked loop.
 */
__device__ __noinline__ void scan_tile(const u8* in, u64 length, u64 limit, const u64* constant, u32 tile,
                                       u32* matches, u32 maxMatches, u32* matchCount) {
    __shared__ u8 classOf[256];
    const int S = MATCH_STREAMS_PER_THREAD;
    Dfa dfa = dfa_of(constant);
    for (u32 i = threadIdx.x; i < 256; i += blockDim.x) classOf[i] = dfa.classOf[i];
    __syncthreads();
    const u32 streams = BLOCK_THREADS * S;
    const u64 tileBytes = match_tile_bytes(length);
    const u64 tileStart = (u64) tile * tileBytes;
    const u32 tileLength = (u32) (min(length, tileStart + tileBytes) - tileStart);
    const u32 reach = (u32) min(length - tileStart, (u64) tileLength + dfa.maxLength - 1);  // bytes a stream may read
    const u32 segment = (((tileLength + streams - 1) / streams) + 15) & ~15u;
    const u32 stride = BLOCK_THREADS * segment;  // from one stream of a thread to its next
    const u8* base = in + tileStart + threadIdx.x * segment;  // stream 0's first byte
    // Stream k's segment is [first, end) of the tile and it reads [first, first + span); empty past the tile.
    auto first = [&](int k) { return min((threadIdx.x + (u32) k * BLOCK_THREADS) * segment, tileLength); };
    auto end = [&](int k) { return min(first(k) + segment, tileLength); };
    auto span = [&](int k) { return first(k) < end(k) ? min(end(k) + dfa.maxLength - 1, reach) - first(k) : 0u; };
    u32 whole = span(0);
#pragma unroll
    for (int k = 1; k < S; k++) whole = min(whole, span(k));
    whole &= ~15u;
    u32 state[S];
#pragma unroll
    for (int k = 0; k < S; k++) state[k] = 0;
    u32 progress = 0;
    // Whole chunks: every span of the thread has 16 bytes left.
    for (; progress < whole; progress += 16) {
        uint4 chunk[S];
#pragma unroll
        for (int k = 0; k < S; k++) chunk[k] = __ldcg((const uint4*) (base + (u64) k * stride + progress));
#pragma unroll 1
        for (u32 w = 0; w < 16; w += 4) {
            u32 word[S], from[S], flagged = 0;
#pragma unroll
            for (int k = 0; k < S; k++) {
                word[k] = chunk[k].x;
                chunk[k] = make_uint4(chunk[k].y, chunk[k].z, chunk[k].w, 0);
                from[k] = state[k];
            }
#pragma unroll
            for (u32 b = 0; b < 4; b++) {
#pragma unroll
                for (int k = 0; k < S; k++) {
                    u32 n = dfa_step(dfa, state[k], classOf[(word[k] >> (8 * b)) & 0xff]);
                    flagged |= n;
                    state[k] = n & DFA_STATE_MASK;
                }
            }
            if (flagged & DFA_MATCH_FLAG) {
#pragma unroll 1
                for (int k = 0; k < S; k++) {
                    report_word(dfa, classOf, from[k], word[k], 4, tileStart + first(k) + progress + w,
                                tileStart + end(k), limit, matches, maxMatches, matchCount);
                }
            }
        }
    }
    // The rest, 4 bytes at a time with bounds: the spans' last bytes (the overlap past the segment, a short
    // tile's end). A word may be read past the span (device mirrors are padded); those bytes are not stepped.
    while (true) {
        u32 word[S], from[S], valid[S], flagged = 0;
        bool active = false;
#pragma unroll
        for (int k = 0; k < S; k++) {
            u32 left = span(k);
            valid[k] = progress < left ? min(4u, left - progress) : 0;
            active |= valid[k] != 0;
            word[k] = valid[k] ? __ldcg((const u32*) (base + (u64) k * stride + progress)) : 0;
            from[k] = state[k];
        }
        if (!active) break;
#pragma unroll
        for (u32 b = 0; b < 4; b++) {
#pragma unroll
            for (int k = 0; k < S; k++) {
                if (b < valid[k]) {
                    u32 n = dfa_step(dfa, state[k], classOf[(word[k] >> (8 * b)) & 0xff]);
                    flagged |= n;
                    state[k] = n & DFA_STATE_MASK;
                }
            }
        }
        if (flagged & DFA_MATCH_FLAG) {
#pragma unroll 1
            for (int k = 0; k < S; k++) {
                if (valid[k]) {
                    report_word(dfa, classOf, from[k], word[k], valid[k], tileStart + first(k) + progress,
                                tileStart + end(k), limit, matches, maxMatches, matchCount);
                }
            }
        }
        progress += 4;
    }
    __syncthreads();
}

/**
 * MATCH run by the block that owns the slot. One tile: scans it alone. More: publishes a job, takes tiles
 * until none is left, then waits for the helpers' tiles. Sets matchCount, or OUTPUT_OVERFLOW.
 */
__device__ void op_match(const KernelEnv& env, Invocation& inv, u32 worker, const u64* constant, u64 limit, u32* matches) {
    __shared__ u32 tiles, tile, found;
    Job* job = job_of(env, worker);
    u64 length = inv.inputLength;
    if (threadIdx.x == 0) {
        tiles = (u32) max((u64) 1, (length + match_tile_bytes(length) - 1) / match_tile_bytes(length));
        found = 0;
    }
    __syncthreads();
    if (tiles == 1) {
        scan_tile(inv.input, length, limit, constant, 0, matches, env.maxMatches, &found);
    } else {
        if (threadIdx.x == 0) {
            u32 generation = (u32) (*((volatile unsigned long long*) &job->claims) >> JOB_GENERATION_SHIFT) + 1;
            if ((generation & JOB_FIELD_MASK) == 0) generation = 1;
            job->done = 0;
            job->matchCount = 0;
            job->input = (u64) inv.input;
            job->constant = (u64) constant;
            job->matches = (u64) matches;
            job->limit = limit;
            job->length = (u32) length;
            job->maxMatches = env.maxMatches;
            __threadfence();
            atomicExch(&job->claims, ((u64) generation << JOB_GENERATION_SHIFT) | ((u64) tiles << JOB_TILES_SHIFT));
            store_release_gpu(env.jobBoard + worker, generation);
            atomicAdd(counter(env, DC_ACTIVE_JOBS), 1u);
        }
        while (true) {
            if (threadIdx.x == 0) {
                u64 claim = atomicAdd(&job->claims, 1ull);
                u32 taken = (u32) (claim & JOB_FIELD_MASK);
                tile = taken < tiles ? taken : NO_TILE;
            }
            __syncthreads();
            if (tile == NO_TILE) break;
            scan_tile(inv.input, length, limit, constant, tile, matches, env.maxMatches, &job->matchCount);
            if (threadIdx.x == 0) {
                __threadfence();
                atomicAdd(&job->done, 1u);
            }
        }
        if (threadIdx.x == 0) {
            store_release_gpu(env.jobBoard + worker, 0);
            atomicSub(counter(env, DC_ACTIVE_JOBS), 1u);
            Backoff backoff(256);
            while (load_acquire_gpu(&job->done) < tiles) backoff.pause();
            found = load_relaxed(&job->matchCount);
        }
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        inv.matched = 1;
        if (found > env.maxMatches) {
            inv.matchCount = env.maxMatches;
            FAIL(inv, E_OUTPUT_OVERFLOW, (u64) env.maxMatches * 2);
        } else {
            inv.matchCount = found;
        }
    }
    __syncthreads();
}

/**
 * An idle worker takes a tile of another block's MATCH, if one is left (warp 0 looks, the block scans).
 * Returns whether it scanned one.
 */
__device__ bool help_match(const KernelEnv& env, u32 worker) {
    __shared__ u32 owner, tile;
    if (threadIdx.x < 32) {
        u32 lane = threadIdx.x;
        u32 chosen = NO_TILE, chosenTile = NO_TILE;
        u32 active = __shfl_sync(FULL_MASK, lane == 0 ? load_relaxed(counter(env, DC_ACTIVE_JOBS)) : 0, 0);
        if (active != 0) {
            for (u32 base = 0; base < env.workers && chosen == NO_TILE; base += 32) {
                u32 j = base + lane;
                u32 rotated = j < env.workers ? (j + worker) % env.workers : 0;
                bool posted = j < env.workers && load_relaxed(env.jobBoard + rotated) != 0;
                u32 candidates = __ballot_sync(FULL_MASK, posted);
                if (lane == 0) {
                    while (candidates && chosen == NO_TILE) {
                        u32 c = __ffs(candidates) - 1;
                        candidates &= candidates - 1;
                        u32 o = (base + c + worker) % env.workers;
                        u64 claim = atomicAdd(&job_of(env, o)->claims, 1ull);
                        u32 taken = (u32) (claim & JOB_FIELD_MASK);
                        u32 tiles = (u32) ((claim >> JOB_TILES_SHIFT) & 0xffff);
                        if (taken < tiles) {
                            chosen = o;
                            chosenTile = taken;
                        }
                    }
                }
                chosen = __shfl_sync(FULL_MASK, chosen, 0);
            }
        }
        if (lane == 0) {
            __threadfence();
            owner = chosen;
            tile = chosenTile;
        }
    }
    __syncthreads();
    if (owner == NO_TILE) return false;
    Job* job = job_of(env, owner);
    scan_tile((const u8*) __ldcg(&job->input), __ldcg(&job->length), __ldcg(&job->limit),
              (const u64*) __ldcg(&job->constant), tile, (u32*) __ldcg(&job->matches), __ldcg(&job->maxMatches),
              &job->matchCount);
    if (threadIdx.x == 0) {
        __threadfence();
        atomicAdd(&job->done, 1u);
    }
    __syncthreads();
    return true;
}
