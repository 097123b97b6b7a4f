package org.jdsm.verification;

import org.jdsm.coherence.BorrowStateLincheckTest;
import org.jdsm.coherence.LeaseStateLincheckTest;
import org.jdsm.coherence.MutexLockWordLincheckTest;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Lincheck tests can fail: each runs a deliberately broken variant of its structure (a try-lock that reads then
 * writes, a borrow word whose exclusive borrow reads then writes, a bump pointer read then written, a cache keyed
 * without colour) with the same operations and model, and requires Lincheck to reject it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LincheckNegativeControlTest
{
    private static void assertCaught(final Options<?, ?> options, final Class<?> broken)
    {
        final LincheckAssertionError error = assertThrows(LincheckAssertionError.class, () -> options.check(broken),
            broken.getName() + " must be caught");
        System.out.println("negative control, " + broken.getSimpleName() + ": caught\n" + error.getMessage());
        assertTrue(error.getMessage().contains("Invalid execution results"), error.getMessage());
    }

    @Test
    void shouldCatchMutexTryLockThatReadsThenWrites()
    {
        assertCaught(LincheckRuns.negativeControl(MutexLockWordLincheckTest.LockSpec.class),
            MutexLockWordLincheckTest.Broken.class);
    }

    @Test
    void shouldCatchLeaseUnlockThatMissesARequest()
    {
        assertCaught(LincheckRuns.negativeControl(LeaseStateLincheckTest.LeaseSpec.class),
            LeaseStateLincheckTest.Broken.class);
    }

    @Test
    void shouldCatchExclusiveBorrowThatReadsThenWrites()
    {
        BorrowStateLincheckTest.startEngine();
        assertCaught(LincheckRuns.negativeControl(BorrowStateLincheckTest.BorrowSpec.class),
            BorrowStateLincheckTest.Broken.class);
    }

    @Test
    void shouldCatchBumpPointerThatReadsThenWrites()
    {
        assertCaught(LincheckRuns.negativeControl(SizeClassAllocatorLincheckTest.AllocatorSpec.class),
            SizeClassAllocatorLincheckTest.Broken.class);
    }

    @Test
    void shouldCatchCacheThatIgnoresColourInBothModes()
    {
        assertCaught(LincheckRuns.negativeControl(CopyCacheLincheckTest.RegisterSpec.class),
            CopyCacheLincheckTest.Broken.class);
        assertCaught(LincheckRuns.stress(CopyCacheLincheckTest.RegisterSpec.class).minimizeFailedScenario(false),
            CopyCacheLincheckTest.Broken.class);
    }
}
