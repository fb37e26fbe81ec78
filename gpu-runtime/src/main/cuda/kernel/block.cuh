// Block-wide building blocks: every thread of the block must call them.
#pragma once
#include "common.cuh"

/** Exclusive prefix sum of v over the block; *total receives the sum. */
__device__ u32 block_exclusive_scan(u32 v, u32* total) {
    __shared__ u32 warpSums[WARPS_PER_BLOCK];
    __shared__ u32 blockTotal;
    u32 lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    u32 x = v;
    for (int o = 1; o < 32; o <<= 1) {
        u32 y = __shfl_up_sync(FULL_MASK, x, o);
        if (lane >= o) x += y;
    }
    if (lane == 31) warpSums[warp] = x;
    __syncthreads();
    if (warp == 0) {
        u32 w = lane < WARPS_PER_BLOCK ? warpSums[lane] : 0;
        for (int o = 1; o < 32; o <<= 1) {
            u32 y = __shfl_up_sync(FULL_MASK, w, o);
            if (lane >= o) w += y;
        }
        if (lane < WARPS_PER_BLOCK) warpSums[lane] = w;
        if (lane == WARPS_PER_BLOCK - 1) blockTotal = w;
    }
    __syncthreads();
    u32 before = (warp == 0 ? 0 : warpSums[warp - 1]) + x - v;
    *total = blockTotal;
    __syncthreads();
    return before;
}

__device__ u32 block_min(u32 v) {
    __shared__ u32 blockMin;
    if (threadIdx.x == 0) blockMin = 0xffffffffu;
    __syncthreads();
    for (int o = 16; o > 0; o >>= 1) v = min(v, __shfl_down_sync(FULL_MASK, v, o));
    if ((threadIdx.x & 31) == 0) atomicMin(&blockMin, v);
    __syncthreads();
    u32 r = blockMin;
    __syncthreads();
    return r;
}

/** Copies len bytes of page-locked host memory into device memory over PCIe, 16 bytes per load. */
__device__ void copy_from_host(u8* dst, const volatile u8* host, u32 len) {
    u32 n16 = len >> 4;
    const uint4* src = (const uint4*) host;
    uint4* d = (uint4*) dst;
    for (u32 i = threadIdx.x; i < n16; i += blockDim.x) d[i] = __ldcv(src + i);
    for (u32 i = (n16 << 4) + threadIdx.x; i < len; i += blockDim.x) dst[i] = host[i];
    __threadfence();
    __syncthreads();
}
