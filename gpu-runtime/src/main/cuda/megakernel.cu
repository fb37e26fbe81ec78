// The vyre-flink persistent megakernel: the GPU as a VIR0 interpreter.
//
// Launched once per runtime (cooperatively, so every block is resident) and never re-dispatched.
// Block 0, warp 0 is the scheduler: the only reader of the host-visible doorbell. It copies newly
// published slots into device memory, hands them to the worker blocks through a device-memory queue
// (device-scope atomics only: the host may not be atomically shared over PCIe) and holds BATCH_FENCE
// slots until every earlier slot is done. Block 0, warp 1 is the completer: the only writer of
// host-visible ring and control words, it publishes completions (kernel-owned control words first, then
// the slot's results, then DONE) without waiting behind the scheduler's PCIe reads.
//
// Blocks 1..N-1 are workers: each claims one slot at a time and interprets its instruction, or the
// program a CALL names, with the whole block working on data-parallel ops. Inputs are copied from the
// page-locked ingest buffers with 16-byte loads into per-block device scratch; results go back to
// host-mapped output regions. The semantics are the CPU megakernel's (backend/cpu/Interpreter.java);
// the same contract suite runs against both.
#include "vyre_protocol.h"

typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned char u8;

#define BLOCK 512
#define WARPS (BLOCK / 32)
#define MAX_PENDING_FENCES 256u

struct Env {
    volatile u32* ring;
    u32 cap;
    volatile u32* control;
    volatile u32* io;
    u32 ioSlots;
    const u64* buffers;
    u32 bufferCount;
    const u64* outputs;
    u32 outputCount;
    const u64* constants;
    u32 constantCount;
    const u64* programs;
    u32 programCount;
    u32* state;
    u8* scratch;
    u64 scratchBytes;
    u32* records;
    u32 maxRecords;
    u32* matches;
    u32 maxMatches;
    u64 ioWaitNanos;
};

__device__ __forceinline__ u64 now_ns() {
    u64 t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__device__ __forceinline__ u64 ld64(const u64* p) { return __ldcg(p); }

__device__ __forceinline__ volatile u32* dev_control(const Env& e) { return (volatile u32*) (e.state + D_CONTROL); }
__device__ __forceinline__ volatile u32* slot_state(const Env& e) { return (volatile u32*) (e.state + D_HEADER_WORDS); }
__device__ __forceinline__ volatile u32* work_queue(const Env& e) { return (volatile u32*) (e.state + D_HEADER_WORDS + e.cap); }
__device__ __forceinline__ volatile u32* completions(const Env& e) { return (volatile u32*) (e.state + D_HEADER_WORDS + 2 * e.cap); }
__device__ __forceinline__ volatile u32* slot_copy(const Env& e) { return (volatile u32*) (e.state + D_HEADER_WORDS + 3 * e.cap); }
__device__ __forceinline__ u32* io_abandoned(const Env& e) { return e.state + D_HEADER_WORDS + 3 * e.cap + e.cap * RING_SLOT_WORDS; }

// Control words the kernel owns (kept in device memory, mirrored to the host by the scheduler).
__device__ __forceinline__ bool kernel_owned(u32 w) {
    return w == C_DONE_COUNT || (w >= C_TENANT_FAIRNESS_BASE && w < C_METRICS_BASE + C_METRICS_SLOTS)
        || w == C_HEARTBEAT || w == C_KERNEL_STATE || w == C_FAULT_CODE || w == C_FAILED_COUNT || w == C_WORKERS
        || (w >= C_OBSERVABLE_BASE && w < C_CONTROL_WORDS);
}

// ---------------------------------------------------------------------------------------------------
// Block-wide helpers (every thread of the block must call them)
// ---------------------------------------------------------------------------------------------------

__device__ u32 block_exclusive_scan(u32 v, u32* total) {
    __shared__ u32 warp_sums[WARPS];
    __shared__ u32 s_total;
    u32 lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    u32 x = v;
    for (int o = 1; o < 32; o <<= 1) {
        u32 y = __shfl_up_sync(0xffffffffu, x, o);
        if (lane >= o) x += y;
    }
    if (lane == 31) warp_sums[warp] = x;
    __syncthreads();
    if (warp == 0) {
        u32 w = lane < WARPS ? warp_sums[lane] : 0;
        for (int o = 1; o < 32; o <<= 1) {
            u32 y = __shfl_up_sync(0xffffffffu, w, o);
            if (lane >= o) w += y;
        }
        if (lane < WARPS) warp_sums[lane] = w;
        if (lane == WARPS - 1) s_total = w;
    }
    __syncthreads();
    u32 before = (warp == 0 ? 0 : warp_sums[warp - 1]) + x - v;
    *total = s_total;
    __syncthreads();
    return before;
}

__device__ u32 block_min(u32 v) {
    __shared__ u32 s_min;
    if (threadIdx.x == 0) s_min = 0xffffffffu;
    __syncthreads();
    for (int o = 16; o > 0; o >>= 1) v = min(v, __shfl_down_sync(0xffffffffu, v, o));
    if ((threadIdx.x & 31) == 0) atomicMin(&s_min, v);
    __syncthreads();
    u32 r = s_min;
    __syncthreads();
    return r;
}

// Copies len bytes from page-locked host memory (read fresh over PCIe, 16 bytes per load) into scratch.
__device__ void copy_in(u8* dst, const u8* host, u32 len) {
    u32 n16 = len >> 4;
    const uint4* src = (const uint4*) host;
    uint4* d = (uint4*) dst;
    for (u32 i = threadIdx.x; i < n16; i += blockDim.x) d[i] = __ldcv(src + i);
    for (u32 i = (n16 << 4) + threadIdx.x; i < len; i += blockDim.x) dst[i] = ((volatile const u8*) host)[i];
    __syncthreads();
}

// ---------------------------------------------------------------------------------------------------
// Worker state
// ---------------------------------------------------------------------------------------------------

struct Inv {
    u32 regs[16];
    u32 err, detail, op_index;
    u32 has_input, input_handle, input_len;
    u32 framed, record_count;
    u32 matched, match_count;
    u32 const_base;  // 0xffffffff: a slot-level op (constant operands are global handles)
    u32 scratch_u32;
};

#define FAIL(inv, code, d) do { (inv).err = (code); (inv).detail = (u32) (d); } while (0)

__device__ __forceinline__ u32 operand_value(const Inv& inv, u32 mask, const u32* ops, int k) {
    return (mask >> k) & 1 ? inv.regs[ops[k] & 15] : ops[k];
}

__device__ bool lookup_buffer(const Env& e, u32 handle, u64* ptr, u64* cap) {
    if (handle >= e.bufferCount) return false;
    const u64* b = e.buffers + (u64) handle * BUF_WORDS;
    if (ld64(b + 2) == 0) return false;
    *ptr = ld64(b);
    *cap = ld64(b + 1);
    return true;
}

__device__ bool lookup_output(const Env& e, u32 handle, u64* ptr, u32* capWords) {
    if (handle >= e.outputCount) return false;
    const u64* o = e.outputs + (u64) handle * OUTE_WORDS;
    if (ld64(o + 2) == 0) return false;
    *ptr = ld64(o);
    *capWords = (u32) ld64(o + 1);
    return true;
}

// The constant an operand names, or null (with UNKNOWN_HANDLE set) when it is missing or of the wrong kind.
__device__ const u64* lookup_constant(const Env& e, Inv& inv, u32 value, u32 kind) {
    u32 handle = inv.const_base == 0xffffffffu ? value : inv.const_base + value;
    if (handle < e.constantCount) {
        const u64* c = e.constants + (u64) handle * CONST_WORDS;
        u64 w0 = ld64(c);
        if ((w0 & 0xff) == kind && ((w0 >> 8) & 1)) return c;
    }
    FAIL(inv, E_UNKNOWN_HANDLE, handle);
    return 0;
}

__device__ u32 read_control(const Env& e, u32 w) {
    return kernel_owned(w) ? dev_control(e)[w] : e.control[w];
}

// Posts one IO request and waits for its completion (thread 0 only). Returns bytes, or sets an error.
__device__ u32 io_request(const Env& e, Inv& inv, u32 op, u32 src, u32 dst, u64 offset, u32 count, u32 tag) {
    u32 ticket = atomicAdd(e.state + D_IO_TICKET, 1u);
    u32 slot = ticket % e.ioSlots;
    volatile u32* s = e.io + (u64) slot * IO_SLOT_WORDS;
    u64 deadline = now_ns() + e.ioWaitNanos;
    u32 ns = 64;
    u32 st;
    while ((st = s[IO_STATUS]) != S_EMPTY) {
        if ((st == IO_STATUS_OK || st == IO_STATUS_ERROR) && atomicCAS(io_abandoned(e) + slot, 1u, 0u) == 1u) {
            s[IO_STATUS] = S_EMPTY;
            continue;
        }
        if (*((volatile u32*) e.state + D_STOP)) { FAIL(inv, E_SHUTDOWN, 0); return 0; }
        if (now_ns() > deadline) { FAIL(inv, E_IO_ERROR, 0); return 0; }
        __nanosleep(ns);
        if (ns < 2048) ns <<= 1;
    }
    s[IO_OP_TYPE] = op;
    s[IO_SRC_HANDLE] = src;
    s[IO_DST_HANDLE] = dst;
    s[IO_OFFSET_LO] = (u32) offset;
    s[IO_OFFSET_HI] = (u32) (offset >> 32);
    s[IO_BYTE_COUNT] = count;
    s[IO_TAG] = tag;
    __threadfence_system();
    s[IO_STATUS] = S_PUBLISHED;
    ns = 64;
    while ((st = s[IO_STATUS]) != IO_STATUS_OK && st != IO_STATUS_ERROR) {
        if (*((volatile u32*) e.state + D_STOP)) { atomicExch(io_abandoned(e) + slot, 1u); FAIL(inv, E_SHUTDOWN, 0); return 0; }
        if (now_ns() > deadline) { atomicExch(io_abandoned(e) + slot, 1u); FAIL(inv, E_IO_ERROR, 0); return 0; }
        __nanosleep(ns);
        if (ns < 2048) ns <<= 1;
    }
    __threadfence_system();
    u32 bytes = s[IO_BYTE_COUNT];
    u32 errTag = s[IO_TAG];
    s[IO_STATUS] = S_EMPTY;
    if (st == IO_STATUS_OK) return bytes;
    if (errTag == IOERR_SHORT_READ) FAIL(inv, E_SHORT_READ, bytes);
    else FAIL(inv, E_IO_ERROR, errTag);
    return 0;
}

// ---------------------------------------------------------------------------------------------------
// Data-parallel ops (called by the whole block; shared Inv)
// ---------------------------------------------------------------------------------------------------

__device__ void ensure_records(const Env& e, Inv& inv, u32* rec) {
    if (!inv.framed) {
        __syncthreads();
        if (threadIdx.x == 0) {
            rec[0] = 0;
            rec[1] = inv.input_len;
            rec[2] = 0;
            inv.record_count = 1;
            inv.framed = 1;
        }
        __syncthreads();
    }
}

__device__ void op_match(const Env& e, Inv& inv, const u8* in, const u64* c, u64 limit, u32* mat) {
    __shared__ u8 cls[256];
    __shared__ u32 s_count;
    const u8* classOf = (const u8*) ld64(c + 1);
    const u32* next = (const u32*) ld64(c + 2);
    const u32* outStart = (const u32*) ld64(c + 3);
    const u32* outPatterns = (const u32*) ld64(c + 4);
    const u32* patLen = (const u32*) ld64(c + 5);
    u32 C = (u32) (ld64(c + 6) >> 32);
    u32 maxLen = (u32) ld64(c + 7);
    for (u32 i = threadIdx.x; i < 256; i += blockDim.x) cls[i] = classOf[i];
    if (threadIdx.x == 0) s_count = 0;
    __syncthreads();
    u32 len = inv.input_len;
    u32 seg = (len + blockDim.x - 1) / blockDim.x;
    u64 start = (u64) threadIdx.x * seg;
    u64 end = min((u64) len, start + seg);
    if (start < end) {
        u64 stop = min((u64) len, end + maxLen - 1);
        u32 s = 0;
        for (u64 i = start; i < stop; i++) {
            u32 n = __ldg(next + (u64) s * C + cls[in[i]]);
            s = n & DFA_STATE_MASK;
            if (n & DFA_MATCH_FLAG) {
                for (u32 k = __ldg(outStart + s), to = __ldg(outStart + s + 1); k < to; k++) {
                    u32 id = __ldg(outPatterns + k);
                    u32 L = __ldg(patLen + id);
                    u64 st = i + 1 - L;
                    if (st < end && st < limit) {
                        u32 idx = atomicAdd(&s_count, 1u);
                        if (idx < e.maxMatches) {
                            mat[3 * (u64) idx] = (u32) st;
                            mat[3 * (u64) idx + 1] = id;
                            mat[3 * (u64) idx + 2] = L;
                        }
                    }
                }
            }
        }
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        inv.matched = 1;
        if (s_count > e.maxMatches) {
            inv.match_count = e.maxMatches;
            FAIL(inv, E_OUTPUT_OVERFLOW, (u64) e.maxMatches * 2);
        } else {
            inv.match_count = s_count;
        }
    }
    __syncthreads();
}

__device__ void op_frame_delim(const Env& e, Inv& inv, const u8* in, u32 delim, u64 own, u32 flags, u32* rec) {
    __shared__ u32 s_pos0, s_done;
    u32* T = rec + 3 * ((u64) e.maxRecords + 1);  // delimiter positions, up to maxRecords + 1
    u32 len = inv.input_len;
    u32 last = flags & FLAG_FINAL;
    u32 seg = (len + blockDim.x - 1) / blockDim.x;
    if (threadIdx.x == 0) { inv.record_count = 0; inv.framed = 1; s_done = 0; s_pos0 = 0; }
    __syncthreads();
    if (flags & FLAG_STARTS_INSIDE_RECORD) {
        u32 first = 0xffffffffu;
        u32 a = threadIdx.x * seg, b = min(len, a + seg);
        for (u32 i = a; i < b; i++) if (in[i] == delim) { first = i; break; }
        u32 d = block_min(first);
        if (threadIdx.x == 0) {
            if (d == 0xffffffffu) { inv.regs[9] = last ? len : 0; s_done = 1; }
            else s_pos0 = d + 1;
        }
        __syncthreads();
        if (s_done) return;
    }
    u32 pos0 = s_pos0;
    u32 span = len > pos0 ? len - pos0 : 0;
    u32 seg2 = (span + blockDim.x - 1) / blockDim.x;
    u32 a = pos0 + threadIdx.x * seg2, b = min(len, a + seg2);
    u32 mine = 0;
    for (u32 i = a; i < b; i++) mine += in[i] == delim;
    u32 total;
    u32 k = block_exclusive_scan(mine, &total);
    u32 keep = e.maxRecords + 1;
    for (u32 i = a; i < b && k < keep; i++) if (in[i] == delim) T[k++] = i;
    __syncthreads();
    if (threadIdx.x == 0) {
        u32 stored = min(total, keep);
        u64 bound = min(own, (u64) len);
        // R = number of complete records k < stored whose start (k == 0 ? pos0 : T[k-1] + 1) < bound
        u32 R = 0;
        if (stored > 0 && pos0 < bound) {
            u32 lo = 0, hi = stored - 1;  // count j in [0, stored - 1) with T[j] + 1 < bound
            while (lo < hi) { u32 mid = (lo + hi) >> 1; if ((u64) T[mid] + 1 < bound) lo = mid + 1; else hi = mid; }
            R = 1 + lo;
        }
        if (R > e.maxRecords) {
            FAIL(inv, E_TOO_MANY_RECORDS, e.maxRecords);
        } else {
            u32 pos = R == 0 ? pos0 : T[R - 1] + 1;
            u32 trailing = 0;
            if (R == total && pos < len && pos < own) {
                if (last) {
                    if (R + 1 > e.maxRecords) FAIL(inv, E_TOO_MANY_RECORDS, e.maxRecords);
                    else { trailing = 1; rec[3 * (u64) R] = pos; rec[3 * (u64) R + 1] = len - pos; rec[3 * (u64) R + 2] = 0; pos = len; }
                } else if (!(flags & FLAG_TAIL)) {
                    FAIL(inv, E_RECORD_INCOMPLETE, pos);
                }
            }
            inv.record_count = R + trailing;
            inv.regs[9] = pos;
            s_done = R;
        }
    }
    __syncthreads();
    if (inv.err) return;
    u32 R = s_done;
    for (u32 r = threadIdx.x; r < R; r += blockDim.x) {
        u32 st = r == 0 ? pos0 : T[r - 1] + 1;
        rec[3 * (u64) r] = st;
        rec[3 * (u64) r + 1] = T[r] - st;
        rec[3 * (u64) r + 2] = 0;
    }
    __syncthreads();
}

__device__ void op_frame_fixed(const Env& e, Inv& inv, u32 length, u64 own, u32 flags, u32* rec) {
    __shared__ u32 s_full;
    u64 len = inv.input_len;
    if (threadIdx.x == 0) {
        inv.framed = 1;
        inv.record_count = 0;
        u64 bound = min(len, own);
        u64 K = (bound + length - 1) / length;       // record starts below the bound
        u64 full = len / length;                     // records that fit whole
        u64 nFull = min(K, full);
        s_full = 0;
        if (nFull > e.maxRecords) {
            FAIL(inv, E_TOO_MANY_RECORDS, e.maxRecords);
        } else {
            u64 pos = nFull * length;
            u32 count = (u32) nFull;
            if (K > nFull) {  // the last start below the bound holds a partial record
                if (flags & FLAG_FINAL) {
                    if (nFull + 1 > e.maxRecords) FAIL(inv, E_TOO_MANY_RECORDS, e.maxRecords);
                    else { rec[3 * nFull] = (u32) pos; rec[3 * nFull + 1] = (u32) (len - pos); rec[3 * nFull + 2] = 0; count++; pos = len; }
                } else if (!(flags & FLAG_TAIL)) {
                    FAIL(inv, E_RECORD_INCOMPLETE, pos);
                }
            } else {
                pos = K * length;
            }
            inv.record_count = count;
            inv.regs[9] = (u32) min(pos, len);
            s_full = (u32) nFull;
        }
    }
    __syncthreads();
    if (inv.err) return;
    for (u32 r = threadIdx.x; r < s_full; r += blockDim.x) {
        rec[3 * (u64) r] = r * length;
        rec[3 * (u64) r + 1] = length;
        rec[3 * (u64) r + 2] = 0;
    }
    __syncthreads();
}

// Evaluates an expression over one record (one thread). Mirrors backend/cpu/ExprEvaluator.java.
__device__ int expr_eval(const u32* code, u32 count, const u32* litTable, const u8* litBytes, const u8* in,
                         u32 recStart, u32 recLen) {
    int ints[X_REGISTERS];
    u32 offs[X_REGISTERS], lens[X_REGISTERS];
    for (int r = 0; r < X_REGISTERS; r++) { ints[r] = 0; offs[r] = 0; lens[r] = 0; }
    for (u32 i = 0; i < count; i++) {
        u32 op = code[4 * i], dst = code[4 * i + 1] & 7, a = code[4 * i + 2], b = code[4 * i + 3];
        switch (op) {
            case X_CONST_INT: ints[dst] = (int) a; break;
            case X_RECORD: offs[dst] = recStart; lens[dst] = recLen; break;
            case X_FIELD: {
                u32 sep = b & 0xff, index = b >> 8, s0 = offs[a & 7], e0 = s0 + lens[a & 7], fs = s0, n = 0;
                bool found = false;
                for (u32 p = s0; p <= e0; p++) {
                    if (p == e0 || in[p] == sep) {
                        if (n == index) { offs[dst] = fs; lens[dst] = p - fs; found = true; break; }
                        n++;
                        fs = p + 1;
                    }
                }
                if (!found) { offs[dst] = e0; lens[dst] = 0; }
                break;
            }
            case X_LENGTH: ints[dst] = (int) lens[a & 7]; break;
            case X_CONTAINS: case X_STARTS_WITH: case X_ENDS_WITH: case X_EQUALS: {
                u32 lo = litTable[2 * b], ll = litTable[2 * b + 1], so = offs[a & 7], sl = lens[a & 7];
                bool r = false;
                if (op == X_CONTAINS) {
                    if (ll == 0) r = true;
                    for (u32 p = 0; !r && p + ll <= sl; p++) {
                        bool m = true;
                        for (u32 k = 0; k < ll && m; k++) m = in[so + p + k] == litBytes[lo + k];
                        r = m;
                    }
                } else {
                    int at = op == X_ENDS_WITH ? (int) sl - (int) ll : 0;
                    bool m = at >= 0 && (u32) at + ll <= sl && (op != X_EQUALS || sl == ll);
                    for (u32 k = 0; k < ll && m; k++) m = in[so + at + k] == litBytes[lo + k];
                    r = m;
                }
                ints[dst] = r ? 1 : 0;
                break;
            }
            case X_EQ: ints[dst] = ints[a & 7] == ints[b & 7]; break;
            case X_NE: ints[dst] = ints[a & 7] != ints[b & 7]; break;
            case X_LT: ints[dst] = ints[a & 7] < ints[b & 7]; break;
            case X_LE: ints[dst] = ints[a & 7] <= ints[b & 7]; break;
            case X_GT: ints[dst] = ints[a & 7] > ints[b & 7]; break;
            case X_GE: ints[dst] = ints[a & 7] >= ints[b & 7]; break;
            case X_AND: ints[dst] = (ints[a & 7] & ints[b & 7]) != 0; break;
            case X_OR: ints[dst] = (ints[a & 7] | ints[b & 7]) != 0; break;
            case X_NOT: ints[dst] = ints[a & 7] == 0; break;
            case X_RET: return ints[a & 7];
            default: return 0;
        }
    }
    return 0;
}

__device__ void op_filter_project(const Env& e, Inv& inv, const u8* in, const u64* c, bool filter, u32* rec) {
    __shared__ u32 s_code[4 * X_MAX_INSTRUCTIONS];
    __shared__ u32 s_kept;
    const u32* code = (const u32*) ld64(c + 1);
    u32 count = (u32) ld64(c + 2);
    const u32* litTable = (const u32*) ld64(c + 3);
    const u8* litBytes = (const u8*) ld64(c + 4);
    for (u32 i = threadIdx.x; i < 4 * count; i += blockDim.x) s_code[i] = code[i];
    ensure_records(e, inv, rec);
    if (threadIdx.x == 0) s_kept = 0;
    __syncthreads();
    u32 n = inv.record_count;
    for (u32 base = 0; base < n; base += blockDim.x) {
        u32 r = base + threadIdx.x;
        u32 st = 0, ln = 0, val = 0;
        int v = 0;
        if (r < n) {
            st = rec[3 * (u64) r]; ln = rec[3 * (u64) r + 1]; val = rec[3 * (u64) r + 2];
            v = expr_eval(s_code, count, litTable, litBytes, in, st, ln);
        }
        if (!filter) {
            if (r < n) rec[3 * (u64) r + 2] = (u32) v;
            continue;
        }
        u32 flag = r < n && v != 0;
        u32 total;
        u32 at = block_exclusive_scan(flag, &total);
        u32 kept = s_kept;
        __syncthreads();
        if (flag) {
            u64 to = kept + at;
            rec[3 * to] = st; rec[3 * to + 1] = ln; rec[3 * to + 2] = val;
        }
        __syncthreads();
        if (threadIdx.x == 0) s_kept = kept + total;
        __syncthreads();
    }
    __syncthreads();
    if (filter && threadIdx.x == 0) inv.record_count = s_kept;
    __syncthreads();
}

__device__ void op_hash(const Env& e, Inv& inv, const u8* in, u32 seed, u32* rec) {
    ensure_records(e, inv, rec);
    for (u32 r = threadIdx.x; r < inv.record_count; r += blockDim.x) {
        u32 h = FNV_OFFSET_BASIS ^ seed;
        u32 st = rec[3 * (u64) r], ln = rec[3 * (u64) r + 1];
        for (u32 p = st; p < st + ln; p++) h = (h ^ in[p]) * FNV_PRIME;
        rec[3 * (u64) r + 2] = h;
    }
    __syncthreads();
}

// Masks matched spans in the device copy and, so host and kernel keep seeing the same input (as on the
// CPU, where they are one buffer), in the page-locked ingest buffer too.
__device__ void op_redact(const Env& e, Inv& inv, u8* in, u32 mask, const u32* mat, u8* host) {
    for (u32 m = threadIdx.x; m < inv.match_count; m += blockDim.x) {
        u32 st = mat[3 * (u64) m], ln = mat[3 * (u64) m + 2];
        u32 to = min(inv.input_len, st + ln);
        for (u32 p = st; p < to; p++) {
            in[p] = (u8) mask;
            if (host) host[p] = (u8) mask;
        }
    }
    __threadfence_system();
    __syncthreads();
}

// Appends n entries of w words to an output region; fills them with fill(i, k).
__device__ void emit(const Env& e, Inv& inv, u32 handle, u32 n, u32 w, const u32* src, bool matches) {
    __shared__ u32 s_cursor, s_ok;
    __shared__ u64 s_ptr;
    if (threadIdx.x == 0) {
        u64 ptr;
        u32 cap;
        s_ok = 0;
        if (!lookup_output(e, handle, &ptr, &cap)) {
            FAIL(inv, E_UNKNOWN_HANDLE, handle);
        } else {
            u64 words = (u64) n * w;
            volatile u32* region = (volatile u32*) ptr;
            u32 cursor = region[OUT_CURSOR];
            if (words > cap) FAIL(inv, E_OUTPUT_OVERFLOW, words);
            else if ((u64) cursor + words > cap) FAIL(inv, E_OUTPUT_OVERFLOW, (u64) cursor + words);
            else { s_ok = 1; s_cursor = cursor; s_ptr = ptr; }
        }
    }
    __syncthreads();
    if (s_ok) {
        u32* entries = (u32*) s_ptr + OUT_HEADER_WORDS + s_cursor;
        for (u32 i = threadIdx.x; i < n; i += blockDim.x) {
            if (matches) {
                entries[2 * (u64) i] = src[3 * (u64) i];
                entries[2 * (u64) i + 1] = src[3 * (u64) i + 1];
            } else {
                entries[3 * (u64) i] = src[3 * (u64) i];
                entries[3 * (u64) i + 1] = src[3 * (u64) i + 1];
                entries[3 * (u64) i + 2] = src[3 * (u64) i + 2];
            }
        }
        __threadfence_system();
        __syncthreads();
        if (threadIdx.x == 0) {
            ((volatile u32*) s_ptr)[OUT_CURSOR] = s_cursor + n * w;
            __threadfence_system();
            inv.regs[8] = n;
        }
    }
    __syncthreads();
}

// ---------------------------------------------------------------------------------------------------
// One op. Mirrors backend/cpu/Interpreter.java, including the order of its checks.
// ---------------------------------------------------------------------------------------------------

__device__ void execute(const Env& e, Inv& inv, u32 opcode, u32 mask, const u32* ops, u8* in, u32* rec, u32* mat) {
    volatile u32* dc = dev_control(e);
    __shared__ u32 s_arg[2];
    __shared__ u64 s_addr;
    bool t0 = threadIdx.x == 0;
    u32 metric = 0xffffffffu;
    switch (opcode) {
        case OP_NOP: metric = M_NOP; break;
        case OP_STORE_U32: metric = M_STORE_U32; break;
        case OP_ATOMIC_ADD: metric = M_ATOMIC_ADD; break;
        case OP_LOAD_U32: metric = M_LOAD_U32; break;
        case OP_COMPARE_SWAP: metric = M_COMPARE_SWAP; break;
        case OP_MEMCPY: metric = M_MEMCPY; break;
        case OP_DFA_STEP: metric = M_DFA_STEP; break;
        case OP_BATCH_FENCE: metric = M_BATCH_FENCE; break;
        case OP_INPUT: metric = M_INPUT; break;
        case OP_FRAME_DELIM: metric = M_FRAME_DELIM; break;
        case OP_FRAME_FIXED: metric = M_FRAME_FIXED; break;
        case OP_MATCH: metric = M_MATCH; break;
        case OP_FILTER: metric = M_FILTER; break;
        case OP_PROJECT: metric = M_PROJECT; break;
        case OP_REDACT: metric = M_REDACT; break;
        case OP_HASH: metric = M_HASH; break;
        case OP_COUNT: metric = M_COUNT; break;
        case OP_EMIT_MATCHES: metric = M_EMIT_MATCHES; break;
        case OP_EMIT_RECORDS: metric = M_EMIT_RECORDS; break;
        case OP_WRITE_BACK: metric = M_WRITE_BACK; break;
        case OP_LOAD_MISS: metric = M_LOAD_MISS; break;
    }
    if (t0) {
        if (metric != 0xffffffffu) atomicAdd((u32*) dc + C_METRICS_BASE + metric, 1u);
        else FAIL(inv, E_UNKNOWN_OPCODE, opcode);
    }
    __syncthreads();
    if (inv.err) return;
    u32 v0 = operand_value(inv, mask, ops, 0), v1 = operand_value(inv, mask, ops, 1), v2 = operand_value(inv, mask, ops, 2);
    u32 v3 = operand_value(inv, mask, ops, 3), v4 = operand_value(inv, mask, ops, 4);
    bool needsInput = opcode == OP_FRAME_DELIM || opcode == OP_FRAME_FIXED || opcode == OP_MATCH || opcode == OP_FILTER
        || opcode == OP_PROJECT || opcode == OP_REDACT || opcode == OP_HASH || opcode == OP_COUNT
        || opcode == OP_EMIT_MATCHES || opcode == OP_EMIT_RECORDS || opcode == OP_WRITE_BACK;
    if (needsInput && !inv.has_input) {
        if (t0) FAIL(inv, E_BAD_STATE, opcode);
        __syncthreads();
        return;
    }
    switch (opcode) {
        case OP_NOP:
            break;
        case OP_STORE_U32:
            if (t0) {
                if (v1 < C_OBSERVABLE_BASE || v1 >= C_CONTROL_WORDS) FAIL(inv, E_BAD_OPERAND, 1);
                else atomicExch((u32*) dc + v1, v0);
            }
            break;
        case OP_ATOMIC_ADD:
            if (t0) {
                if (v0 < C_OBSERVABLE_BASE || v0 >= C_CONTROL_WORDS) FAIL(inv, E_BAD_OPERAND, 0);
                else inv.regs[8] = atomicAdd((u32*) dc + v0, v1);
            }
            break;
        case OP_LOAD_U32:
            if (t0) {
                if (v0 >= C_CONTROL_WORDS) FAIL(inv, E_BAD_OPERAND, 0);
                else inv.regs[8] = read_control(e, v0);
            }
            break;
        case OP_COMPARE_SWAP:
            if (t0) {
                if (v0 < C_OBSERVABLE_BASE || v0 >= C_CONTROL_WORDS) FAIL(inv, E_BAD_OPERAND, 0);
                else {
                    u32 w = atomicCAS((u32*) dc + v0, v1, v2);
                    inv.regs[8] = w;
                    inv.regs[9] = w == v1 ? 1 : 0;
                }
            }
            break;
        case OP_MEMCPY: {
            __shared__ u64 s_dst, s_src;
            __shared__ u32 s_go;
            if (t0) {
                u64 dp, dcap, sp, scap;
                s_go = 0;
                if (!lookup_buffer(e, v0, &dp, &dcap)) FAIL(inv, E_UNKNOWN_HANDLE, v0);
                else if (!lookup_buffer(e, v2, &sp, &scap)) FAIL(inv, E_UNKNOWN_HANDLE, v2);
                else if ((u64) v1 + v4 > dcap) FAIL(inv, E_OUT_OF_BOUNDS, (u64) v1 + v4);
                else if ((u64) v3 + v4 > scap) FAIL(inv, E_OUT_OF_BOUNDS, (u64) v3 + v4);
                else { s_go = 1; s_dst = dp + v1; s_src = sp + v3; inv.regs[8] = v4; }
            }
            __syncthreads();
            if (s_go) {
                volatile u8* d = (volatile u8*) s_dst;
                volatile const u8* s = (volatile const u8*) s_src;
                for (u32 i = threadIdx.x; i < v4; i += blockDim.x) d[i] = s[i];
                __threadfence_system();
            }
            break;
        }
        case OP_DFA_STEP:
            if (t0) {
                const u64* c = lookup_constant(e, inv, ops[0], KIND_PATTERNS);
                if (c) {
                    u32 S = (u32) ld64(c + 6), C = (u32) (ld64(c + 6) >> 32);
                    if (v2 > 0xff) FAIL(inv, E_BAD_OPERAND, 2);
                    else if (v1 >= S) FAIL(inv, E_BAD_OPERAND, 1);
                    else {
                        const u8* classOf = (const u8*) ld64(c + 1);
                        const u32* next = (const u32*) ld64(c + 2);
                        u32 n = next[(u64) v1 * C + classOf[v2]];
                        inv.regs[8] = n & DFA_STATE_MASK;
                        inv.regs[9] = n & DFA_MATCH_FLAG ? 1 : 0;
                    }
                }
            }
            break;
        case OP_BATCH_FENCE:
            if (t0 && inv.const_base != 0xffffffffu) io_request(e, inv, IO_FENCE, 0, 0, 0, 0, inv.op_index);
            break;
        case OP_INPUT: {
            if (t0) {
                u64 p, cap;
                s_arg[0] = 0;
                if (!lookup_buffer(e, v0, &p, &cap)) FAIL(inv, E_UNKNOWN_HANDLE, v0);
                else if ((u64) v1 > cap) FAIL(inv, E_OUT_OF_BOUNDS, v1);
                else { s_arg[0] = 1; s_addr = p; }
            }
            __syncthreads();
            if (s_arg[0]) {
                copy_in(in, (const u8*) s_addr, v1);
                if (t0) { inv.has_input = 1; inv.input_handle = v0; inv.input_len = v1; inv.framed = 0; inv.record_count = 0; inv.matched = 0; inv.match_count = 0; }
            }
            break;
        }
        case OP_LOAD_MISS: {
            if (t0) {
                s_arg[0] = 0;
                u64 offset = (u64) v1 | ((u64) v2 << 32);
                u32 bytes = io_request(e, inv, IO_READ, v0, v4, offset, v3, inv.op_index);
                if (!inv.err) {
                    u64 p, cap;
                    if (!lookup_buffer(e, v4, &p, &cap)) FAIL(inv, E_UNKNOWN_HANDLE, v4);
                    else { s_arg[0] = 1; s_arg[1] = bytes; s_addr = p; }
                }
            }
            __syncthreads();
            if (s_arg[0]) {
                copy_in(in, (const u8*) s_addr, s_arg[1]);
                if (t0) { inv.has_input = 1; inv.input_handle = v4; inv.input_len = s_arg[1]; inv.framed = 0; inv.record_count = 0; inv.matched = 0; inv.match_count = 0; inv.regs[8] = s_arg[1]; }
            }
            break;
        }
        case OP_WRITE_BACK: {
            // the ingest buffer already holds the input: INPUT and LOAD_MISS read it, REDACT writes through
            if (t0) {
                u64 offset = (u64) v1 | ((u64) v2 << 32);
                u32 bytes = io_request(e, inv, IO_WRITE, inv.input_handle, v0, offset, inv.input_len, inv.op_index);
                if (!inv.err) inv.regs[8] = bytes;
            }
            break;
        }
        case OP_MATCH: {
            __shared__ const u64* s_c;
            if (t0) s_c = lookup_constant(e, inv, ops[0], KIND_PATTERNS);
            __syncthreads();
            if (s_c) op_match(e, inv, in, s_c, (u64) v1, mat);
            break;
        }
        case OP_FRAME_DELIM:
            if (v0 > 0xff) { if (t0) FAIL(inv, E_BAD_OPERAND, 0); break; }
            op_frame_delim(e, inv, in, v0, (u64) v1, v2, rec);
            break;
        case OP_FRAME_FIXED:
            if ((int) v0 <= 0) { if (t0) FAIL(inv, E_BAD_OPERAND, 0); break; }
            op_frame_fixed(e, inv, v0, (u64) v1, v2, rec);
            break;
        case OP_FILTER:
        case OP_PROJECT: {
            __shared__ const u64* s_e;
            if (t0) s_e = lookup_constant(e, inv, ops[0], KIND_EXPR);
            __syncthreads();
            if (s_e) op_filter_project(e, inv, in, s_e, opcode == OP_FILTER, rec);
            break;
        }
        case OP_HASH:
            op_hash(e, inv, in, v0, rec);
            break;
        case OP_REDACT:
            if (!inv.matched) { if (t0) FAIL(inv, E_BAD_STATE, opcode); break; }
            if (v0 > 0xff) { if (t0) FAIL(inv, E_BAD_OPERAND, 0); break; }
            if (t0) {
                u64 p, cap;
                s_addr = lookup_buffer(e, inv.input_handle, &p, &cap) ? p : 0;
            }
            __syncthreads();
            op_redact(e, inv, in, v0, mat, (u8*) s_addr);
            break;
        case OP_COUNT:
            ensure_records(e, inv, rec);
            if (t0) { inv.regs[8] = inv.record_count; inv.regs[9] = inv.match_count; }
            break;
        case OP_EMIT_MATCHES:
            if (!inv.matched) { if (t0) FAIL(inv, E_BAD_STATE, opcode); break; }
            emit(e, inv, v0, inv.match_count, 2, mat, true);
            break;
        case OP_EMIT_RECORDS:
            ensure_records(e, inv, rec);
            emit(e, inv, v0, inv.record_count, 3, rec, false);
            break;
    }
    __syncthreads();
}

// Runs one claimed slot: admission (tenant mask, quota), then its op or its program.
__device__ void run_slot(const Env& e, Inv& inv, u32 slot, u8* in, u32* rec, u32* mat) {
    __shared__ u32 s_op, s_prog_ops_lo, s_prog_ops_hi, s_prog_count;
    volatile u32* copy = slot_copy(e) + (u64) slot * RING_SLOT_WORDS;
    volatile u32* dc = dev_control(e);
    bool t0 = threadIdx.x == 0;
    if (t0) {
        for (int i = 0; i < 16; i++) inv.regs[i] = i < RING_ARG_COUNT ? copy[W_ARG0 + i] : 0;
        inv.err = 0; inv.detail = 0; inv.op_index = 0;
        inv.has_input = 0; inv.framed = 0; inv.record_count = 0; inv.matched = 0; inv.match_count = 0;
        inv.const_base = 0xffffffffu;
        u32 opcode = copy[W_OPCODE], tenant = copy[W_TENANT], priority = copy[W_PRIORITY];
        s_op = opcode;
        s_prog_count = 0;
        if (tenant >= TENANT_COUNT || dc[C_TENANT_BASE + tenant] == 0) {
            FAIL(inv, E_TENANT_DENIED, tenant);
        } else {
            u32 quota = dc[C_TENANT_QUOTA_BASE + tenant];
            while (true) {
                u32 used = dc[C_TENANT_FAIRNESS_BASE + tenant];
                if (used >= quota) { FAIL(inv, E_QUOTA_EXHAUSTED, tenant); break; }
                if (atomicCAS((u32*) dc + C_TENANT_FAIRNESS_BASE + tenant, used, used + 1) == used) break;
            }
        }
        if (!inv.err) {
            bool slotOp = opcode <= OP_CALL || opcode == OP_LOAD_MISS;
            if (!slotOp) FAIL(inv, E_UNKNOWN_OPCODE, opcode);
            else if (priority >= PRIORITY_LEVELS) FAIL(inv, E_BAD_OPERAND, priority);
            else if (opcode == OP_CALL) {
                atomicAdd((u32*) dc + C_METRICS_BASE + M_CALL, 1u);
                u32 handle = inv.regs[0];
                const u64* p = handle < e.programCount ? e.programs + (u64) handle * PROG_WORDS : 0;
                if (!p || ld64(p + 3) == 0) FAIL(inv, E_UNKNOWN_HANDLE, handle);
                else {
                    u64 opsPtr = ld64(p);
                    s_prog_ops_lo = (u32) opsPtr;
                    s_prog_ops_hi = (u32) (opsPtr >> 32);
                    s_prog_count = (u32) ld64(p + 1);
                    inv.const_base = (u32) ld64(p + 2);
                }
            }
        }
    }
    __syncthreads();
    if (inv.err) return;
    if (s_op == OP_CALL) {
        const u32* prog = (const u32*) (((u64) s_prog_ops_hi << 32) | s_prog_ops_lo);
        u32 n = s_prog_count;
        for (u32 i = 0; i < n; i++) {
            if (t0) inv.op_index = i;
            const u32* op = prog + (u64) i * OP_WORDS;
            u32 w = __ldcg(op);
            u32 ops[7];
            for (int k = 0; k < 7; k++) ops[k] = __ldcg(op + 1 + k);
            __syncthreads();
            execute(e, inv, w & 0xffff, (w >> 16) & 0xff, ops, in, rec, mat);
            if (inv.err) return;
        }
    } else {
        u32 ops[8];
        for (int k = 0; k < 8; k++) ops[k] = copy[W_ARG0 + k];
        execute(e, inv, s_op, 0, ops, in, rec, mat);
    }
}

__device__ void worker(const Env& e) {
    __shared__ Inv inv;
    __shared__ u32 s_slot, s_stop;
    u32 wid = blockIdx.x - 1;
    u8* in = e.scratch + (u64) wid * e.scratchBytes;
    u32* rec = e.records + (u64) wid * 4 * ((u64) e.maxRecords + 1);
    u32* mat = e.matches + (u64) wid * 3 * (u64) e.maxMatches;
    volatile u32* st = (volatile u32*) e.state;
    while (true) {
        if (threadIdx.x == 0) {
            u32 ns = 32;
            s_stop = 0;
            while (true) {
                if (st[D_STOP]) { s_stop = 1; break; }
                u32 h = st[D_QUEUE_HEAD], t = st[D_QUEUE_TAIL];
                if (h != t) {
                    if (atomicCAS(e.state + D_QUEUE_HEAD, h, h + 1) == h) {
                        __threadfence();
                        s_slot = work_queue(e)[h & (e.cap - 1)];
                        break;
                    }
                    __nanosleep(32 + (blockIdx.x & 63));
                    continue;
                }
                __nanosleep(ns);
                if (ns < 1024) ns <<= 1;
            }
        }
        __syncthreads();
        if (s_stop) return;
        u32 slot = s_slot;
        run_slot(e, inv, slot, in, rec, mat);
        __syncthreads();
        if (threadIdx.x == 0) {
            volatile u32* copy = slot_copy(e) + (u64) slot * RING_SLOT_WORDS;
            copy[W_RESULT] = inv.regs[8];
            copy[W_ERROR] = inv.err ? (inv.err | (inv.op_index << 16)) : 0;
            copy[W_DETAIL] = inv.err ? inv.detail : inv.regs[9];
            __threadfence();
            u32 c = atomicAdd(e.state + D_COMPL_TAIL, 1u);
            completions(e)[c & (e.cap - 1)] = slot + 1;
            __threadfence();
        }
        __syncthreads();
    }
}

// ---------------------------------------------------------------------------------------------------
// Scheduler: block 0, warp 0
// ---------------------------------------------------------------------------------------------------

// Copies the kernel-owned control words that changed since the last time to the host. Called by the
// completer warp only: it is the single writer of every host-visible word the kernel owns.
__device__ void mirror_words(const Env& e) {
    volatile u32* dc = dev_control(e);
    u32* shadow = e.state + D_SHADOW;
    for (u32 w = threadIdx.x & 31; w < C_CONTROL_WORDS; w += 32) {
        if (kernel_owned(w)) {
            u32 v = dc[w];
            if (v != shadow[w]) {
                e.control[w] = v;
                shadow[w] = v;
            }
        }
    }
    __syncwarp();
}

__device__ void mirror_control(const Env& e) {
    mirror_words(e);
    __threadfence_system();
    __syncwarp();
}

// Counts the slot, mirrors the control words, writes the results, then DONE: a host that sees DONE sees
// the results and every counter that includes this slot.
__device__ void publish_done(const Env& e, u32 slot) {
    volatile u32* copy = slot_copy(e) + (u64) slot * RING_SLOT_WORDS;
    volatile u32* dc = dev_control(e);
    bool lead = (threadIdx.x & 31) == 0;
    if (lead) {
        dc[C_DONE_COUNT] = dc[C_DONE_COUNT] + 1;
        if (copy[W_ERROR] != 0) dc[C_FAILED_COUNT] = dc[C_FAILED_COUNT] + 1;
    }
    __syncwarp();
    mirror_words(e);
    if (lead) {
        volatile u32* s = e.ring + (u64) slot * RING_SLOT_WORDS;
        s[W_RESULT] = copy[W_RESULT];
        s[W_ERROR] = copy[W_ERROR];
        s[W_DETAIL] = copy[W_DETAIL];
        __threadfence_system();
        s[W_STATUS] = S_DONE;
        slot_state(e)[slot] = 0;
    }
    __syncwarp();
}

__device__ void scheduler(const Env& e) {
    __shared__ u32 s_pending[MAX_PENDING_FENCES];
    __shared__ u32 s_batch[32];
    u32 lane = threadIdx.x;
    volatile u32* st = (volatile u32*) e.state;
    volatile u32* dc = dev_control(e);
    volatile u32* state = slot_state(e);
    volatile u32* copy = slot_copy(e);
    u32 seen = 0, tail = 0, nPending = 0, ns = 64;
    if (lane == 0) {
        dc[C_WORKERS] = gridDim.x - 1;
        dc[C_KERNEL_STATE] = STATE_RUNNING;  // the completer mirrors it to the host
        __threadfence();
    }
    __syncwarp();
    while (true) {
        u32 work = 0;
        u32 shutdown = 0, doorbell = 0;
        if (lane == 0) {
            shutdown = e.control[C_SHUTDOWN];
            doorbell = e.control[C_DOORBELL];
        }
        shutdown = __shfl_sync(0xffffffffu, shutdown, 0);
        doorbell = __shfl_sync(0xffffffffu, doorbell, 0);
        if (shutdown) break;
        __threadfence_system();
        while (seen != doorbell && nPending < MAX_PENDING_FENCES) {
            u32 n = min(min(doorbell - seen, 32u), MAX_PENDING_FENCES - nPending);
            // one PCIe round trip: the host sets tenant masks and quotas before it publishes, so refresh the
            // device copy workers read together with the new slots (half a warp per slot)
            u32 mask = lane < TENANT_COUNT ? e.control[C_TENANT_BASE + lane] : 0;
            u32 quota = lane < TENANT_COUNT ? e.control[C_TENANT_QUOTA_BASE + lane] : 0;
            u32 words[16];
            for (u32 i = 0; i < 16; i++) {
                u32 k = 2 * i + (lane >> 4);
                words[i] = k < n ? e.ring[(u64) ((seen + k) & (e.cap - 1)) * RING_SLOT_WORDS + (lane & 15)] : 0;
            }
            if (lane < TENANT_COUNT) {
                dc[C_TENANT_BASE + lane] = mask;
                dc[C_TENANT_QUOTA_BASE + lane] = quota;
            }
            for (u32 i = 0; i < 16; i++) {
                u32 k = 2 * i + (lane >> 4);
                if (k < n) {
                    u32 slot = (seen + k) & (e.cap - 1);
                    copy[(u64) slot * RING_SLOT_WORDS + (lane & 15)] = words[i];
                    if ((lane & 15) == 0) s_batch[k] = slot;
                }
            }
            __threadfence();
            __syncwarp();
            if (lane == 0) {
                // highest priority first, then publish order
                for (u32 i = 1; i < n; i++) {
                    u32 x = s_batch[i];
                    u32 px = copy[(u64) x * RING_SLOT_WORDS + W_PRIORITY];
                    int j = (int) i - 1;
                    while (j >= 0 && copy[(u64) s_batch[j] * RING_SLOT_WORDS + W_PRIORITY] < px) { s_batch[j + 1] = s_batch[j]; j--; }
                    s_batch[j + 1] = x;
                }
                for (u32 i = 0; i < n; i++) {
                    u32 slot = s_batch[i];
                    if (copy[(u64) slot * RING_SLOT_WORDS + W_OPCODE] == OP_BATCH_FENCE) {
                        state[slot] = 2;
                        s_pending[nPending++] = slot;
                    } else {
                        state[slot] = 1;
                        work_queue(e)[tail & (e.cap - 1)] = slot;
                        __threadfence();
                        tail++;
                        st[D_QUEUE_TAIL] = tail;
                    }
                }
            }
            nPending = __shfl_sync(0xffffffffu, nPending, 0);
            tail = __shfl_sync(0xffffffffu, tail, 0);
            seen += n;
            work += n;
        }
        // fences whose predecessors are all done
        if (nPending > 0 && lane == 0) {
            for (u32 i = 0; i < nPending;) {
                u32 f = s_pending[i];
                u32 fseq = copy[(u64) f * RING_SLOT_WORDS + W_SEQUENCE];
                bool ready = true;
                for (u32 s = 0; s < e.cap && ready; s++) {
                    if (s != f && state[s] != 0 && (int) (copy[(u64) s * RING_SLOT_WORDS + W_SEQUENCE] - fseq) < 0) ready = false;
                }
                if (ready) {
                    state[f] = 1;
                    work_queue(e)[tail & (e.cap - 1)] = f;
                    __threadfence();
                    tail++;
                    st[D_QUEUE_TAIL] = tail;
                    s_pending[i] = s_pending[--nPending];
                    work++;
                } else {
                    i++;
                }
            }
        }
        nPending = __shfl_sync(0xffffffffu, nPending, 0);
        tail = __shfl_sync(0xffffffffu, tail, 0);
        work = __shfl_sync(0xffffffffu, work, 0);
        if (lane == 0) dc[C_HEARTBEAT] = dc[C_HEARTBEAT] + 1;
        if (work == 0) {
            __nanosleep(ns);
            if (ns < 256) ns <<= 1;
        } else {
            ns = 64;
        }
    }
    if (lane == 0) {
        dc[C_WORKERS] = 0;
        dc[C_KERNEL_STATE] = STATE_EXITED;
        __threadfence();
        st[D_STOP] = 1;
    }
    __syncwarp();
}

// Block 0, warp 1: publishes completions in the order workers finished, so a DONE never waits behind the
// dispatcher's PCIe reads of the doorbell. It is the only writer of results, DONE and mirrored words.
__device__ void completer(const Env& e) {
    volatile u32* st = (volatile u32*) e.state;
    u32 complHead = 0, ns = 32, idle = 0;
    mirror_control(e);
    while (true) {
        u32 entry = threadIdx.x == 32 ? completions(e)[complHead & (e.cap - 1)] : 0;
        entry = __shfl_sync(0xffffffffu, entry, 0);
        if (entry != 0) {
            if (threadIdx.x == 32) completions(e)[complHead & (e.cap - 1)] = 0;
            __threadfence();
            complHead++;
            publish_done(e, entry - 1);
            ns = 32;
            continue;
        }
        u32 stop = threadIdx.x == 32 ? st[D_STOP] : 0;
        stop = __shfl_sync(0xffffffffu, stop, 0);
        if (stop) break;
        if ((++idle & 255) == 0) mirror_control(e);  // the heartbeat reaches the host while idle
        __nanosleep(ns);
        if (ns < 256) ns <<= 1;
    }
    mirror_control(e);
}

extern "C" __global__ void __launch_bounds__(BLOCK) vyre_megakernel(const u64* args) {
    __shared__ Env e;
    if (threadIdx.x == 0) {
        e.ring = (volatile u32*) args[A_RING];
        e.cap = (u32) args[A_RING_CAPACITY];
        e.control = (volatile u32*) args[A_CONTROL];
        e.io = (volatile u32*) args[A_IO_QUEUE];
        e.ioSlots = (u32) args[A_IO_SLOTS];
        e.buffers = (const u64*) args[A_BUFFERS];
        e.bufferCount = (u32) args[A_BUFFER_COUNT];
        e.outputs = (const u64*) args[A_OUTPUTS];
        e.outputCount = (u32) args[A_OUTPUT_COUNT];
        e.constants = (const u64*) args[A_CONSTANTS];
        e.constantCount = (u32) args[A_CONSTANT_COUNT];
        e.programs = (const u64*) args[A_PROGRAMS];
        e.programCount = (u32) args[A_PROGRAM_COUNT];
        e.state = (u32*) args[A_STATE];
        e.scratch = (u8*) args[A_SCRATCH];
        e.scratchBytes = args[A_SCRATCH_BYTES];
        e.records = (u32*) args[A_RECORDS];
        e.maxRecords = (u32) args[A_MAX_RECORDS];
        e.matches = (u32*) args[A_MATCHES];
        e.maxMatches = (u32) args[A_MAX_MATCHES];
        e.ioWaitNanos = args[A_IO_WAIT_NANOS];
    }
    __syncthreads();
    if (blockIdx.x == 0) {
        if (threadIdx.x < 32) scheduler(e);
        else if (threadIdx.x < 64) completer(e);
        return;
    }
    worker(e);
}

// Baseline for the ring round-trip benchmark: one small op per launch (launch + synchronize per op).
extern "C" __global__ void vyre_single_op(u32* word, u32 delta) {
    if (threadIdx.x == 0 && blockIdx.x == 0) atomicAdd(word, delta);
}
