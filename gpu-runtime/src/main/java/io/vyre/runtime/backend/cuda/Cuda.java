package io.vyre.runtime.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** JCuda driver-API helpers: result checks, raw pointers, and the one-time probe of whether CUDA runs here. */
final class Cuda {
    private static final String UNAVAILABLE = probe();

    private Cuda() {
    }

    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException("CUDA " + what + " failed: " + CUresult.stringFor(result));
        }
    }

    /** Null when a CUDA device with mapped host memory answers, else why not; decided once per JVM. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** Devices the driver sees (0 when CUDA cannot run here). */
    static int deviceCount() {
        if (UNAVAILABLE != null) {
            return 0;
        }
        int[] count = {0};
        return JCudaDriver.cuDeviceGetCount(count) == CUresult.CUDA_SUCCESS ? count[0] : 0;
    }

    private static String probe() {
        try {
            int r = JCudaDriver.cuInit(0);
            if (r != CUresult.CUDA_SUCCESS) {
                return "the CUDA driver did not initialise: " + CUresult.stringFor(r);
            }
            int[] count = {0};
            r = JCudaDriver.cuDeviceGetCount(count);
            if (r != CUresult.CUDA_SUCCESS || count[0] == 0) {
                return "no CUDA device is visible" + (r != CUresult.CUDA_SUCCESS ? " (" + CUresult.stringFor(r) + ")" : "");
            }
            CUdevice dev = new CUdevice();
            check(JCudaDriver.cuDeviceGet(dev, 0), "cuDeviceGet");
            if (attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY) == 0) {
                return "the CUDA device cannot map host memory, which the megakernel's ring needs";
            }
            if (attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH) == 0) {
                return "the CUDA device does not support cooperative launches, which keep every block resident";
            }
            return null;
        } catch (LinkageError e) {
            return "the CUDA driver library is not installed (" + linkFailure(e) + ")";
        } catch (RuntimeException e) {
            return "probing CUDA failed: " + e.getMessage();
        }
    }

    /**
     * JCuda's link error nests whole stack traces in its message; the last UnsatisfiedLinkError line in it
     * names what is missing (e.g. "libcuda.so.1: cannot open shared object file").
     */
    static String linkFailure(LinkageError e) {
        String message = String.valueOf(e.getMessage());
        String found = message.lines().findFirst().orElse(message);
        String marker = "UnsatisfiedLinkError:";
        for (String line : message.lines().toList()) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                found = line.substring(at + marker.length()).trim();
            }
        }
        if (found.startsWith("/") && found.contains(".so: ")) {
            found = found.substring(found.indexOf(".so: ") + 5);
        }
        return found;
    }

    static int attribute(CUdevice dev, int attribute) {
        int[] v = {0};
        check(JCudaDriver.cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    /** A pointer to host memory given by address (page-locked Agrona buffers). */
    static final class HostPointer extends Pointer {
        HostPointer(long address) {
            super(address);
        }
    }

    /** A device pointer whose raw address can be written into device-side tables. */
    static final class DevicePointer extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }

        /** A device pointer to a raw device address (a table entry, a mirror). */
        static CUdeviceptr at(long address) {
            return new CUdeviceptr().withByteOffset(address);
        }
    }
}
