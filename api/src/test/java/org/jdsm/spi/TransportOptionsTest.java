package org.jdsm.spi;

import org.jdsm.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transport's setting is parsed strictly and a malformed one is named: never read as a default, as {@code false},
 * or escaping as a raw parser exception.
 */
class TransportOptionsTest
{
    @Test
    void shouldParseWellFormedValuesWithSurroundingSpace()
    {
        assertEquals(42, TransportOptions.parseInt("x.int", " 42 "));
        assertEquals(64L << 10, TransportOptions.parseSize("x.size", "64k", Integer.MAX_VALUE));
        assertEquals(2_500_000L, TransportOptions.parseDuration("x.duration", "2500us"));
        assertTrue(TransportOptions.parseBoolean("x.flag", "true "));
        assertEquals(false, TransportOptions.parseBoolean("x.flag", "false"));
    }

    @Test
    void shouldNameTheSettingOfEveryMalformedValue()
    {
        for (final String value : List.of("", "1k", "1.5", "lots"))
        {
            assertEquals("x.int=" + value + " is not an integer", assertThrows(ConfigurationException.class,
                () -> TransportOptions.parseInt("x.int", value)).getMessage());
        }
        for (final String value : List.of("", "k", "lots", "1q"))
        {
            assertEquals("x.size=" + value + " is not a size such as 4k, 1m or 2g", assertThrows(
                ConfigurationException.class, () -> TransportOptions.parseSize("x.size", value, 1024)).getMessage());
        }
        assertEquals("x.size=2k must be in [0, 1024] bytes", assertThrows(ConfigurationException.class,
            () -> TransportOptions.parseSize("x.size", "2k", 1024)).getMessage());
        for (final String value : List.of("", "s", "fast"))
        {
            assertEquals("x.duration=" + value + " is not a duration such as 10s, 500ms or 100us", assertThrows(
                ConfigurationException.class, () -> TransportOptions.parseDuration("x.duration", value)).getMessage());
        }
        for (final String value : List.of("", "yes", "on", "1", "TRUE"))
        {
            assertEquals("x.flag=" + value + " must be true or false", assertThrows(ConfigurationException.class,
                () -> TransportOptions.parseBoolean("x.flag", value)).getMessage());
        }
    }
}
