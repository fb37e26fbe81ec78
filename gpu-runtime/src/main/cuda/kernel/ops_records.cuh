// The record-level data-parallel ops, each run by a whole worker block over the invocation's input:
// framing, the expression VM (filter, project), hashing, redaction and emission into output regions.
// Mirrors backend/cpu/RecordOps.java and ExprEvaluator.java, including the order of their checks.
// Records live in the worker's scratch as [start, length, value] triples.
#pragma once
#include "block.cuh"
#include "invocation.cuh"

/** Before any FRAME op the records are the whole input as one record. */
__device__ void ensure_records(Invocation& inv, u32* rec) {
    if (!inv.framed) {
        __syncthreads();
        if (threadIdx.x == 0) {
            rec[0] = 0;
            rec[1] = inv.inputLength;
            rec[2] = 0;
            inv.recordCount = 1;
            inv.framed = 1;
        }
        __syncthreads();
    }
}

__device__ void op_frame_delim(const KernelEnv& env, Invocation& inv, u32 delimiter, u64 own, u32 flags, u32* rec) {
    __shared__ u32 firstRecordAt, recordsBeforeBound;
    __shared__ u32 finished;
    const u8* in = inv.input;
    u32* delimiterAt = rec + 3 * ((u64) env.maxRecords + 1);  // positions of delimiters, up to maxRecords + 1
    u32 len = inv.inputLength;
    u32 last = flags & FLAG_FINAL;
    u32 segment = (len + blockDim.x - 1) / blockDim.x;
    if (threadIdx.x == 0) { inv.recordCount = 0; inv.framed = 1; finished = 0; firstRecordAt = 0; }
    __syncthreads();
    if (flags & FLAG_STARTS_INSIDE_RECORD) {
        u32 first = 0xffffffffu;
        u32 a = threadIdx.x * segment, b = min(len, a + segment);
        for (u32 i = a; i < b; i++) if (input_byte(in, i) == delimiter) { first = i; break; }
        u32 d = block_min(first);
        if (threadIdx.x == 0) {
            if (d == 0xffffffffu) { inv.regs[9] = last ? len : 0; finished = 1; }
            else firstRecordAt = d + 1;
        }
        __syncthreads();
        if (finished) return;
    }
    u32 from = firstRecordAt;
    u32 span = len > from ? len - from : 0;
    u32 share = (span + blockDim.x - 1) / blockDim.x;
    u32 a = from + threadIdx.x * share, b = min(len, a + share);
    u32 mine = 0;
    for (u32 i = a; i < b; i++) mine += input_byte(in, i) == delimiter;
    u32 total;
    u32 k = block_exclusive_scan(mine, &total);
    u32 keep = env.maxRecords + 1;
    for (u32 i = a; i < b && k < keep; i++) if (input_byte(in, i) == delimiter) delimiterAt[k++] = i;
    __syncthreads();
    if (threadIdx.x == 0) {
        u32 stored = min(total, keep);
        u64 bound = min(own, (u64) len);
        // R = complete records k < stored whose start (k == 0 ? from : delimiterAt[k-1] + 1) lies below the bound
        u32 records = 0;
        if (stored > 0 && from < bound) {
            u32 lo = 0, hi = stored - 1;
            while (lo < hi) {
                u32 mid = (lo + hi) >> 1;
                if ((u64) delimiterAt[mid] + 1 < bound) lo = mid + 1; else hi = mid;
            }
            records = 1 + lo;
        }
        if (records > env.maxRecords) {
            FAIL(inv, E_TOO_MANY_RECORDS, env.maxRecords);
        } else {
            u32 pos = records == 0 ? from : delimiterAt[records - 1] + 1;
            u32 trailing = 0;
            if (records == total && pos < len && pos < own) {
                if (last) {
                    if (records + 1 > env.maxRecords) {
                        FAIL(inv, E_TOO_MANY_RECORDS, env.maxRecords);
                    } else {
                        trailing = 1;
                        rec[3 * (u64) records] = pos;
                        rec[3 * (u64) records + 1] = len - pos;
                        rec[3 * (u64) records + 2] = 0;
                        pos = len;
                    }
                } else if (!(flags & FLAG_TAIL)) {
                    FAIL(inv, E_RECORD_INCOMPLETE, pos);
                }
            }
            inv.recordCount = records + trailing;
            inv.regs[9] = pos;
            recordsBeforeBound = records;
        }
    }
    __syncthreads();
    if (inv.error) return;
    u32 records = recordsBeforeBound;
    for (u32 r = threadIdx.x; r < records; r += blockDim.x) {
        u32 start = r == 0 ? from : delimiterAt[r - 1] + 1;
        rec[3 * (u64) r] = start;
        rec[3 * (u64) r + 1] = delimiterAt[r] - start;
        rec[3 * (u64) r + 2] = 0;
    }
    __syncthreads();
}

__device__ void op_frame_fixed(const KernelEnv& env, Invocation& inv, u32 length, u64 own, u32 flags, u32* rec) {
    __shared__ u32 wholeRecords;
    u64 len = inv.inputLength;
    if (threadIdx.x == 0) {
        inv.framed = 1;
        inv.recordCount = 0;
        u64 bound = min(len, own);
        u64 starts = (bound + length - 1) / length;   // record starts below the bound
        u64 fit = len / length;                       // records that fit whole
        u64 whole = min(starts, fit);
        wholeRecords = 0;
        if (whole > env.maxRecords) {
            FAIL(inv, E_TOO_MANY_RECORDS, env.maxRecords);
        } else {
            u64 pos = whole * length;
            u32 count = (u32) whole;
            if (starts > whole) {  // the last start below the bound holds a partial record
                if (flags & FLAG_FINAL) {
                    if (whole + 1 > env.maxRecords) {
                        FAIL(inv, E_TOO_MANY_RECORDS, env.maxRecords);
                    } else {
                        rec[3 * whole] = (u32) pos;
                        rec[3 * whole + 1] = (u32) (len - pos);
                        rec[3 * whole + 2] = 0;
                        count++;
                        pos = len;
                    }
                } else if (!(flags & FLAG_TAIL)) {
                    FAIL(inv, E_RECORD_INCOMPLETE, pos);
                }
            } else {
                pos = starts * length;
            }
            inv.recordCount = count;
            inv.regs[9] = (u32) min(pos, len);
            wholeRecords = (u32) whole;
        }
    }
    __syncthreads();
    if (inv.error) return;
    for (u32 r = threadIdx.x; r < wholeRecords; r += blockDim.x) {
        rec[3 * (u64) r] = r * length;
        rec[3 * (u64) r + 1] = length;
        rec[3 * (u64) r + 2] = 0;
    }
    __syncthreads();
}

/** Evaluates an expression over one record (one thread). Mirrors backend/cpu/ExprEvaluator.java. */
__device__ int expr_eval(const u32* code, u32 count, const u32* literalTable, const u8* literalBytes, const u8* in,
                         u32 recordStart, u32 recordLength) {
    int ints[X_REGISTERS];
    u32 offsets[X_REGISTERS], lengths[X_REGISTERS];
    for (int r = 0; r < X_REGISTERS; r++) { ints[r] = 0; offsets[r] = 0; lengths[r] = 0; }
    for (u32 i = 0; i < count; i++) {
        u32 op = code[4 * i], dst = code[4 * i + 1] & 7, a = code[4 * i + 2], b = code[4 * i + 3];
        switch (op) {
            case X_CONST_INT: ints[dst] = (int) a; break;
            case X_RECORD: offsets[dst] = recordStart; lengths[dst] = recordLength; break;
            case X_FIELD: {
                u32 separator = b & 0xff, index = b >> 8, from = offsets[a & 7], to = from + lengths[a & 7];
                u32 fieldStart = from, n = 0;
                bool found = false;
                for (u32 p = from; p <= to; p++) {
                    if (p == to || input_byte(in, p) == separator) {
                        if (n == index) { offsets[dst] = fieldStart; lengths[dst] = p - fieldStart; found = true; break; }
                        n++;
                        fieldStart = p + 1;
                    }
                }
                if (!found) { offsets[dst] = to; lengths[dst] = 0; }
                break;
            }
            case X_LENGTH: ints[dst] = (int) lengths[a & 7]; break;
            case X_CONTAINS: case X_STARTS_WITH: case X_ENDS_WITH: case X_EQUALS: {
                u32 literalAt = literalTable[2 * b], literalLength = literalTable[2 * b + 1];
                u32 at0 = offsets[a & 7], span = lengths[a & 7];
                bool result = false;
                if (op == X_CONTAINS) {
                    if (literalLength == 0) result = true;
                    for (u32 p = 0; !result && p + literalLength <= span; p++) {
                        bool same = true;
                        for (u32 k = 0; k < literalLength && same; k++) {
                            same = input_byte(in, at0 + p + k) == literalBytes[literalAt + k];
                        }
                        result = same;
                    }
                } else {
                    int at = op == X_ENDS_WITH ? (int) span - (int) literalLength : 0;
                    bool same = at >= 0 && (u32) at + literalLength <= span && (op != X_EQUALS || span == literalLength);
                    for (u32 k = 0; k < literalLength && same; k++) {
                        same = input_byte(in, at0 + at + k) == literalBytes[literalAt + k];
                    }
                    result = same;
                }
                ints[dst] = result ? 1 : 0;
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

/** FILTER keeps the records the expression accepts (in order); PROJECT stores its value per record. */
__device__ void op_filter_project(Invocation& inv, const u64* constant, bool filter, u32* rec) {
    __shared__ u32 code[4 * X_MAX_INSTRUCTIONS];
    __shared__ u32 kept;
    const u32* globalCode = (const u32*) table_word(constant + 1);
    u32 count = (u32) table_word(constant + 2);
    const u32* literalTable = (const u32*) table_word(constant + 3);
    const u8* literalBytes = (const u8*) table_word(constant + 4);
    for (u32 i = threadIdx.x; i < 4 * count; i += blockDim.x) code[i] = globalCode[i];
    ensure_records(inv, rec);
    if (threadIdx.x == 0) kept = 0;
    __syncthreads();
    u32 n = inv.recordCount;
    for (u32 base = 0; base < n; base += blockDim.x) {
        u32 r = base + threadIdx.x;
        u32 start = 0, length = 0, value = 0;
        int v = 0;
        if (r < n) {
            start = rec[3 * (u64) r];
            length = rec[3 * (u64) r + 1];
            value = rec[3 * (u64) r + 2];
            v = expr_eval(code, count, literalTable, literalBytes, inv.input, start, length);
        }
        if (!filter) {
            if (r < n) rec[3 * (u64) r + 2] = (u32) v;
            continue;
        }
        u32 accepted = r < n && v != 0;
        u32 total;
        u32 at = block_exclusive_scan(accepted, &total);
        u32 keptBefore = kept;
        __syncthreads();
        if (accepted) {
            u64 to = keptBefore + at;
            rec[3 * to] = start;
            rec[3 * to + 1] = length;
            rec[3 * to + 2] = value;
        }
        __syncthreads();
        if (threadIdx.x == 0) kept = keptBefore + total;
        __syncthreads();
    }
    __syncthreads();
    if (filter && threadIdx.x == 0) inv.recordCount = kept;
    __syncthreads();
}

__device__ void op_hash(Invocation& inv, u32 seed, u32* rec) {
    ensure_records(inv, rec);
    for (u32 r = threadIdx.x; r < inv.recordCount; r += blockDim.x) {
        u32 h = FNV_OFFSET_BASIS ^ seed;
        u32 start = rec[3 * (u64) r], length = rec[3 * (u64) r + 1];
        for (u32 p = start; p < start + length; p++) h = (h ^ input_byte(inv.input, p)) * FNV_PRIME;
        rec[3 * (u64) r + 2] = h;
    }
    __syncthreads();
}

/**
 * Masks every matched span in the device copy and, so that the host (which writes the buffer back to
 * storage) and the kernel keep seeing the same input, in the page-locked ingest buffer too.
 */
__device__ void op_redact(Invocation& inv, u32 mask, const u32* mat, volatile u8* host) {
    for (u32 m = threadIdx.x; m < inv.matchCount; m += blockDim.x) {
        u32 start = mat[3 * (u64) m], length = mat[3 * (u64) m + 2];
        u32 end = min(inv.inputLength, start + length);
        for (u32 p = start; p < end; p++) {
            inv.input[p] = (u8) mask;
            if (host) host[p] = (u8) mask;
        }
    }
    __threadfence_system();
    __syncthreads();
}

/**
 * Appends n entries of w words (from [a, b, c] triples in scratch) to an output region. The cursor lives in
 * device memory, tagged with the region's generation, and only moves when the entries fit, so an overflow
 * never counts words that were not written; the ring warp copies it to the region before the slot is DONE.
 */
__device__ void op_emit(const KernelEnv& env, Invocation& inv, u32 handle, u32 n, u32 w, const u32* src) {
    __shared__ u32 at, fits;
    __shared__ volatile u32* region;
    if (threadIdx.x == 0) {
        volatile u32* r;
        u32 capacity;
        fits = 0;
        if (!lookup_output(env, handle, &r, &capacity)) {
            FAIL(inv, E_UNKNOWN_HANDLE, handle);
        } else {
            u64 words = (u64) n * w;
            u32 generation = load_relaxed(r + OUT_GENERATION);
            if (words > capacity) {
                FAIL(inv, E_OUTPUT_OVERFLOW, words);
            } else {
                u64* cursor = env.outputCursors + handle;
                u64 seen = *((volatile u64*) cursor);
                while (true) {
                    u32 filled = (u32) (seen >> 32) == generation ? (u32) seen : 0;
                    if ((u64) filled + words > capacity) {
                        FAIL(inv, E_OUTPUT_OVERFLOW, (u64) filled + words);
                        break;
                    }
                    u64 next = ((u64) generation << 32) | (filled + words);
                    u64 witness = atomicCAS(cursor, seen, next);
                    if (witness == seen) {
                        fits = 1;
                        at = filled;
                        region = r;
                        break;
                    }
                    seen = witness;
                }
            }
        }
    }
    __syncthreads();
    if (fits) {
        volatile u32* entries = region + OUT_HEADER_WORDS + at;
        for (u32 i = threadIdx.x; i < n; i += blockDim.x) {
            for (u32 k = 0; k < w; k++) entries[(u64) w * i + k] = src[3 * (u64) i + k];
        }
        __threadfence_system();
        __syncthreads();
        if (threadIdx.x == 0) {
            atomicOr(env.outputDirty + (handle >> 5), 1u << (handle & 31));
            inv.regs[8] = n;
        }
    }
    __syncthreads();
}
