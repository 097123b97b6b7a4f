package org.jdsm.transport.rdma;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RdmaEnvironmentTest
{
    static final String INSTALL = " To install: apt-get install libibverbs-dev librdmacm-dev rdma-core " +
        "ibverbs-utils; build libdisni: git clone https://github.com/zrlio/disni && cd disni/libdisni && " +
        "./autoprepare.sh && ./configure --with-jdk=$JAVA_HOME && make install; start the JVM with " +
        "-Djava.library.path=<directory of libdisni.so, e.g. /usr/local/lib>. Without RDMA use transport = aeron " +
        "(jdsm.transport=aeron), which needs neither an RDMA NIC nor libdisni.";

    static final String NO_DEVICE = " no RDMA device found: /sys/class/infiniband is absent (`ibv_devices` lists " +
        "none; check the NIC with `ibv_devices` and `ibstat`, and its driver, e.g. mlx5_ib, or Soft-RoCE: " +
        "`rdma link add rxe0 type rxe netdev eth0`).";

    /** The message on a machine with neither an RDMA device nor libdisni, such as this one. */
    static String expectedMessageWithoutDeviceAndLibrary(final String libraryError)
    {
        return "transport=rdma unavailable:" + NO_DEVICE + " libdisni not on java.library.path=" +
            System.getProperty("java.library.path") + " (" + libraryError + ")." + INSTALL;
    }

    @Test
    void shouldNameBothMissingPiecesOnThisMachine()
    {
        final boolean hasDevices = new File(RdmaEnvironment.DEVICES_DIR).isDirectory();
        org.junit.jupiter.api.Assumptions.assumeFalse(hasDevices, "this machine has RDMA devices");

        final RdmaUnavailableException ex = assertThrows(RdmaUnavailableException.class,
            () -> new RdmaEnvironment().check());

        assertEquals(expectedMessageWithoutDeviceAndLibrary(
            "no disni in java.library.path: " + System.getProperty("java.library.path")), ex.getMessage());
    }

    @Test
    void shouldNameOnlyTheLibraryWhenADeviceIsPresent(@TempDir final Path devices) throws Exception
    {
        Files.createDirectory(devices.resolve("mlx5_0"));
        final RdmaEnvironment environment = new RdmaEnvironment(devices.toFile(), "/opt/lib",
            (name) ->
            {
                throw new UnsatisfiedLinkError("no " + name + " in java.library.path: /opt/lib");
            });

        final RdmaUnavailableException ex = assertThrows(RdmaUnavailableException.class, environment::check);

        assertEquals("transport=rdma unavailable: libdisni not on java.library.path=/opt/lib " +
            "(no disni in java.library.path: /opt/lib)." + INSTALL, ex.getMessage());
    }

    @Test
    void shouldNameOnlyTheDeviceWhenTheLibraryLoadsAndTheDirectoryIsEmpty(@TempDir final Path devices)
    {
        final RdmaEnvironment environment = new RdmaEnvironment(devices.toFile(), "/opt/lib", (name) -> {});

        final RdmaUnavailableException ex = assertThrows(RdmaUnavailableException.class, environment::check);

        assertEquals("transport=rdma unavailable: no RDMA device found: " + devices + " is empty (`ibv_devices` " +
            "lists none; check the NIC with `ibv_devices` and `ibstat`, and its driver, e.g. mlx5_ib, or " +
            "Soft-RoCE: `rdma link add rxe0 type rxe netdev eth0`)." + INSTALL, ex.getMessage());
    }

    @Test
    void shouldReturnTheDevicesSortedWhenBothArePresent(@TempDir final Path devices) throws Exception
    {
        Files.createDirectory(devices.resolve("mlx5_1"));
        Files.createDirectory(devices.resolve("mlx5_0"));
        final String[] loaded = new String[1];
        final RdmaEnvironment environment = new RdmaEnvironment(devices.toFile(), "/opt/lib",
            (name) -> loaded[0] = name);

        assertArrayEquals(new String[]{ "mlx5_0", "mlx5_1" }, environment.check());
        assertEquals("disni", loaded[0]);
    }
}
