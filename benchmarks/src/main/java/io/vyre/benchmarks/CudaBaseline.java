package io.vyre.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import jcuda.driver.CUcontext;
import jcuda.driver.CUctx_flags;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** A plain CUDA context of its own, for the baselines the GPU benchmarks compare against. */
final class CudaBaseline implements AutoCloseable {
    final CUcontext context = new CUcontext();
    final CUmodule module = new CUmodule();

    CudaBaseline() {
        check(JCudaDriver.cuInit(0), "cuInit");
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, 0), "cuDeviceGet");
        check(JCudaDriver.cuCtxCreate(context, CUctx_flags.CU_CTX_SCHED_SPIN | CUctx_flags.CU_CTX_MAP_HOST, dev), "cuCtxCreate");
        try (InputStream in = CudaBaseline.class.getResourceAsStream("/io/vyre/runtime/backend/cuda/megakernel.ptx")) {
            check(JCudaDriver.cuModuleLoadData(module, new String(in.readAllBytes(), StandardCharsets.US_ASCII)), "cuModuleLoadData");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    CUfunction function(String name) {
        CUfunction f = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(f, module, name), "cuModuleGetFunction " + name);
        return f;
    }

    static void check(int r, String what) {
        if (r != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException(what + ": " + CUresult.stringFor(r));
        }
    }

    @Override
    public void close() {
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuModuleUnload(module);
        JCudaDriver.cuCtxDestroy(context);
    }
}
