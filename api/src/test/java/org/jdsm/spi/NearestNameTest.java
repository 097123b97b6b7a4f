package org.jdsm.spi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class NearestNameTest
{
    private static final List<String> AERON = List.of("jdsm.aeron.mtu", "jdsm.aeron.term.length", "jdsm.aeron.dir");

    @Test
    void shouldFindTypoWithinTwoEdits()
    {
        assertEquals("jdsm.aeron.mtu", NearestName.among("jdsm.aeron.mtuu", AERON));
        assertEquals("jdsm.aeron.dir", NearestName.among("jdsm.aeron.dri", AERON));
        assertEquals("jdsm.aeron.term.length", NearestName.among("jdsm.aeron.term.lenght", AERON));
        assertEquals("--type", NearestName.among("--tpye", List.of("--n", "--type", "--tile")));
    }

    @Test
    void shouldFindNothingForUnrelatedOrShortName()
    {
        assertNull(NearestName.among("jdsm.aeron.window", AERON));
        assertNull(NearestName.among("--frob", List.of("--n", "--rows", "--type")));
        assertNull(NearestName.among("-x", List.of("-h")));
    }

    @Test
    void shouldCountEdits()
    {
        assertEquals(0, NearestName.distance("mtu", "mtu"));
        assertEquals(1, NearestName.distance("mtu", "mtuu"));
        assertEquals(1, NearestName.distance("type", "tpye"));
        assertEquals(3, NearestName.distance("", "abc"));
    }
}
