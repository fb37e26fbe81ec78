package io.vyre.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.runtime.backend.BackendKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a shared device runtime's pumps read: a CUDA runtime in io-wq pieces (one pump serves a tenant, and its
 * inline copies bounded one subtask to what one core copies), a CPU runtime inline, an owner's setting and the
 * JVM property above both.
 */
class DeviceRuntimesReadPiecesTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty(DeviceRuntimes.IO_READ_PIECE_BYTES_PROPERTY);
    }

    @Test
    void shouldReadInPiecesOnCudaAndInlineOnTheCpuUnlessTheOwnerSays() {
        VyreRuntimeContext unset = new VyreRuntimeContext();
        assertThat(DeviceRuntimes.ioReadPieceBytes(unset, BackendKind.CUDA)).isEqualTo(1 << 20);
        assertThat(DeviceRuntimes.ioReadPieceBytes(unset, BackendKind.CPU)).isZero();

        VyreRuntimeContext inline = new VyreRuntimeContext().ioReadPieceBytes(0);
        assertThat(DeviceRuntimes.ioReadPieceBytes(inline, BackendKind.CUDA)).as("inline asked for").isZero();

        VyreRuntimeContext pieces = new VyreRuntimeContext().ioReadPieceBytes(256 << 10);
        assertThat(DeviceRuntimes.ioReadPieceBytes(pieces, BackendKind.CUDA)).isEqualTo(256 << 10);
        assertThat(DeviceRuntimes.ioReadPieceBytes(pieces, BackendKind.CPU)).isEqualTo(256 << 10);
    }

    @Test
    void shouldLetTheJvmPropertyChooseInlineReadsOrAnotherPieceSize() {
        System.setProperty(DeviceRuntimes.IO_READ_PIECE_BYTES_PROPERTY, "0");
        assertThat(DeviceRuntimes.ioReadPieceBytes(new VyreRuntimeContext(), BackendKind.CUDA)).isZero();

        System.setProperty(DeviceRuntimes.IO_READ_PIECE_BYTES_PROPERTY, " 65536 ");
        assertThat(DeviceRuntimes.ioReadPieceBytes(new VyreRuntimeContext(), BackendKind.CPU)).isEqualTo(65536);
    }

    @Test
    void shouldNameTheDefaultWhenThePropertyIsNoPieceSize() {
        System.setProperty(DeviceRuntimes.IO_READ_PIECE_BYTES_PROPERTY, "1000");

        assertThatThrownBy(() -> DeviceRuntimes.ioReadPieceBytes(new VyreRuntimeContext(), BackendKind.CUDA))
            .isInstanceOf(VyreRuntimeException.class)
            .hasMessage("-Dvyre.io.read-piece-bytes=1000 is not 0 (inline reads) or a positive multiple of 4096:"
                + " remove it for the default (1048576 here)");
    }
}
