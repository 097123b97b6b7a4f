package org.jdsm.apps.kv;

import site.ycsb.DBException;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdsmYcsbClientBucketsTest
{
    @Test
    void shouldGiveOneBucketPerRecordByDefaultAsTheKvApplicationDoes() throws DBException
    {
        assertEquals(100_000, JdsmYcsbClient.bucketCount(properties("recordcount", "100000")));
        assertEquals(16, JdsmYcsbClient.bucketCount(properties("recordcount", "5")), "at least 16");
        assertEquals(1 << 24, JdsmYcsbClient.bucketCount(properties("recordcount", "100000000")), "at most 2^24");
        assertEquals(4096, JdsmYcsbClient.bucketCount(new Properties()), "no record count given");
    }

    @Test
    void shouldTakeTheBucketsSetOverTheRecordCount() throws DBException
    {
        final Properties props = properties("recordcount", "100000");
        props.setProperty("jdsm.kv.buckets", "128");

        assertEquals(128, JdsmYcsbClient.bucketCount(props));
    }

    @Test
    void shouldNameTheSettingThatIsNotANumber()
    {
        final DBException ex = assertThrows(DBException.class,
            () -> JdsmYcsbClient.bucketCount(properties("recordcount", "lots")));

        assertTrue(ex.getMessage().contains("recordcount=lots"), ex.getMessage());
    }

    private static Properties properties(final String name, final String value)
    {
        final Properties props = new Properties();
        props.setProperty(name, value);
        return props;
    }
}
