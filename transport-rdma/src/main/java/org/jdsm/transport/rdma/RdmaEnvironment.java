package org.jdsm.transport.rdma;

import java.io.File;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Checks, without touching any native DiSNI call, that this machine can run the RDMA transport: an RDMA device is
 * listed under {@code /sys/class/infiniband} (what {@code ibv_devices} reads) and {@code libdisni} loads from
 * {@code java.library.path} (a guarded {@link System#loadLibrary(String)} that catches
 * {@link UnsatisfiedLinkError}). DiSNI's own {@code NativeDispatcher} calls {@code System.loadLibrary("disni")} in
 * its static initialiser: reaching it without this check would leave DiSNI's classes unusable
 * ({@link NoClassDefFoundError}) instead of giving a clear message.
 * <p>
 * <b>Note:</b> immutable, so threadsafe; {@link #check()} may be called from any thread.
 */
public final class RdmaEnvironment
{
    /** Name of the native library DiSNI loads: {@code libdisni.so}. */
    public static final String LIBRARY_NAME = "disni";

    /** Where the kernel lists RDMA devices, one directory per device. */
    public static final String DEVICES_DIR = "/sys/class/infiniband";

    /** How to install the verbs libraries on Debian or Ubuntu. */
    public static final String INSTALL_VERBS =
        "apt-get install libibverbs-dev librdmacm-dev rdma-core ibverbs-utils";

    /** How to build and install libdisni from the DiSNI sources. */
    public static final String INSTALL_DISNI = "git clone https://github.com/zrlio/disni && cd disni/libdisni && " +
        "./autoprepare.sh && ./configure --with-jdk=$JAVA_HOME && make install";

    /** The advice that closes every message. */
    public static final String USE_AERON = "Without RDMA use transport = aeron (jdsm.transport=aeron), " +
        "which needs neither an RDMA NIC nor libdisni.";

    private final File devicesDir;
    private final String libraryPath;
    private final Consumer<String> libraryLoader;

    /**
     * The real environment: {@link #DEVICES_DIR}, {@code java.library.path} and {@link System#loadLibrary(String)}.
     */
    public RdmaEnvironment()
    {
        this(new File(DEVICES_DIR), System.getProperty("java.library.path"), System::loadLibrary);
    }

    /**
     * An environment with its parts given, for tests.
     *
     * @param devicesDir    listing the RDMA devices, one entry per device.
     * @param libraryPath   reported in the message when the library does not load.
     * @param libraryLoader loads a library by name, throwing {@link UnsatisfiedLinkError} when it can not.
     */
    public RdmaEnvironment(final File devicesDir, final String libraryPath, final Consumer<String> libraryLoader)
    {
        this.devicesDir = devicesDir;
        this.libraryPath = libraryPath;
        this.libraryLoader = libraryLoader;
    }

    /**
     * Check for an RDMA device, then for libdisni, and report everything that is missing in one exception.
     *
     * @return the names of the RDMA devices found, e.g. {@code [mlx5_0]}.
     * @throws RdmaUnavailableException naming what is missing and how to install it.
     */
    public String[] check()
    {
        final String[] devices = devicesDir.isDirectory() ? devicesDir.list() : null;
        final boolean hasDevice = null != devices && devices.length > 0;

        String libraryError = null;
        try
        {
            libraryLoader.accept(LIBRARY_NAME);
        }
        catch (final UnsatisfiedLinkError | SecurityException ex)
        {
            libraryError = ex.getMessage();
        }

        if (hasDevice && null == libraryError)
        {
            Arrays.sort(devices);
            return devices;
        }

        final StringBuilder message = new StringBuilder("transport=rdma unavailable:");
        if (!hasDevice)
        {
            message.append(" no RDMA device found: ").append(devicesDir.getPath())
                .append(null == devices ? " is absent" : " is empty")
                .append(" (`ibv_devices` lists none; check the NIC with `ibv_devices` and `ibstat`, " +
                    "and its driver, e.g. mlx5_ib, or Soft-RoCE: `rdma link add rxe0 type rxe netdev eth0`).");
        }
        if (null != libraryError)
        {
            message.append(" libdisni not on java.library.path=").append(libraryPath)
                .append(" (").append(libraryError).append(").");
        }
        message.append(" To install: ").append(INSTALL_VERBS).append("; build libdisni: ").append(INSTALL_DISNI)
            .append("; start the JVM with -Djava.library.path=<directory of libdisni.so, e.g. /usr/local/lib>. ")
            .append(USE_AERON);

        throw new RdmaUnavailableException(message.toString());
    }
}
