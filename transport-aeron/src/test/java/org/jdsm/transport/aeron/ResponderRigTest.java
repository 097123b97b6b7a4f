package org.jdsm.transport.aeron;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Base of the unit tests of a {@link Responder}'s rooms: one media driver and client for the test class, in a
 * temporary directory, for the {@link ResponderRig}s its tests build.
 */
abstract class ResponderRigTest
{
    @TempDir
    static Path directory;
    static ResponderRig.Media media;

    @BeforeAll
    static void startMedia()
    {
        media = new ResponderRig.Media(directory);
    }

    @AfterAll
    static void closeMedia()
    {
        media.close();
    }
}
