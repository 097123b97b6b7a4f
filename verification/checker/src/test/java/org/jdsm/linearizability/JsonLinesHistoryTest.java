package org.jdsm.linearizability;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLinesHistoryTest
{
    private static String lines(final String... lines)
    {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void shouldReadKvHistoryWithAppendFailAndInfo()
    {
        final History history = JsonLinesHistory.parse(lines(
            "{\"process\": 0, \"type\": \"invoke\", \"f\": \"put\", \"key\": \"x\", \"value\": \"a\"}",
            "{\"process\": 0, \"type\": \"ok\", \"f\": \"put\", \"key\": \"x\", \"value\": \"a\"}",
            "{\"process\": 1, \"type\": \"invoke\", \"f\": \"append\", \"key\": \"x\", \"value\": \"b\"}",
            "{\"process\": 2, \"type\": \"invoke\", \"f\": \"append\", \"key\": \"x\", \"value\": \"z\"}",
            "{\"process\": 1, \"type\": \"ok\", \"f\": \"append\", \"key\": \"x\", \"value\": \"b\"}",
            "{\"process\": 2, \"type\": \"fail\", \"f\": \"append\", \"key\": \"x\", \"value\": \"z\"}",
            "",
            "{\"process\": 3, \"type\": \"invoke\", \"f\": \"append\", \"key\": \"x\", \"value\": \"c\"}",
            "{\"process\": 3, \"type\": \"info\", \"f\": \"append\", \"key\": \"x\", \"value\": \"c\"}",
            "{\"process\": 4, \"type\": \"invoke\", \"f\": \"get\", \"key\": \"x\", \"value\": null}",
            "{\"process\": 4, \"type\": \"ok\", \"f\": \"get\", \"key\": \"x\", \"value\": \"abc\"}",
            "{\"process\": 5, \"type\": \"invoke\", \"f\": \"get\", \"key\": \"y\"}",
            "{\"process\": 5, \"type\": \"ok\", \"f\": \"get\", \"key\": \"y\", \"value\": null}"),
            "h.jsonl", Models.kv());

        assertEquals(6, history.size());
        assertEquals("#2 client 2 x: APPEND(\"z\") failed [3, 5]", history.ops().get(2).toString());
        assertTrue(history.ops().get(3).isPending());
        assertEquals("#4 client 4 x: READ -> \"abc\" [8, 9]", history.ops().get(4).toString());
        assertEquals(Verdict.LINEARIZABLE, new LinearizabilityChecker(Models.kv()).check(history).verdict());
    }

    @Test
    void shouldRejectKvReadOfFailedAppend()
    {
        final History history = JsonLinesHistory.parse(lines(
            "{\"process\": 0, \"type\": \"invoke\", \"f\": \"append\", \"key\": \"x\", \"value\": \"a\"}",
            "{\"process\": 0, \"type\": \"fail\", \"f\": \"append\", \"key\": \"x\", \"value\": \"a\"}",
            "{\"process\": 1, \"type\": \"invoke\", \"f\": \"read\", \"key\": \"x\", \"value\": null}",
            "{\"process\": 1, \"type\": \"ok\", \"f\": \"read\", \"key\": \"x\", \"value\": \"a\"}"),
            "h.jsonl", Models.kv());

        final CheckResult result = new LinearizabilityChecker(Models.kv()).check(history);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(List.of(history.ops().get(1)), result.counterExample().orElseThrow().ops());
    }

    @Test
    void shouldReadCasRegisterWithNil()
    {
        final History history = JsonLinesHistory.parse(lines(
            "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\", \"time\": 1}",
            "{\"process\": 0, \"type\": \"ok\", \"f\": \"read\", \"value\": null, \"time\": 2}",
            "{\"process\": 1, \"type\": \"invoke\", \"f\": \"cas\", \"value\": [1, 2], \"time\": 3}",
            "{\"process\": 1, \"type\": \"fail\", \"f\": \"cas\", \"value\": [1, 2], \"time\": 4}",
            "{\"process\": 1, \"type\": \"invoke\", \"f\": \"write\", \"value\": 1, \"time\": 5}",
            "{\"process\": 1, \"type\": \"ok\", \"f\": \"write\", \"value\": 1, \"time\": 6}",
            "{\"process\": 0, \"type\": \"invoke\", \"f\": \"cas\", \"value\": [1, 3], \"time\": 7}",
            "{\"process\": 0, \"type\": \"ok\", \"f\": \"cas\", \"value\": [1, 3], \"time\": 8}",
            "{\"process\": 1, \"type\": \"invoke\", \"f\": \"write\", \"value\": null, \"time\": 9}",
            "{\"process\": 1, \"type\": \"ok\", \"f\": \"write\", \"value\": null, \"time\": 10}",
            "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\", \"time\": 11}",
            "{\"process\": 0, \"type\": \"ok\", \"f\": \"read\", \"value\": null, \"time\": 12}"),
            "h.jsonl", Models.casRegister());

        assertEquals(6, history.size());
        assertEquals("#0 client 0 _: READ -> absent [1, 2]", history.ops().get(0).toString());
        assertEquals(Verdict.LINEARIZABLE, new LinearizabilityChecker(Models.casRegister()).check(history).verdict());
        assertEquals(Verdict.NOT_LINEARIZABLE, new LinearizabilityChecker(Models.casRegister()).check(
            JsonLinesHistory.parse(lines(
                "{\"process\": 0, \"type\": \"invoke\", \"f\": \"write\", \"value\": 1}",
                "{\"process\": 0, \"type\": \"ok\", \"f\": \"write\", \"value\": 1}",
                "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\"}",
                "{\"process\": 0, \"type\": \"ok\", \"f\": \"read\", \"value\": null}"),
                "h.jsonl", Models.casRegister())).verdict());
    }

    @Test
    void shouldNameFileAndLineOfMalformedEvent()
    {
        assertEquals("h.jsonl:2: malformed JSON at column 12: expected ':'", assertThrows(
            HistoryFormatException.class, () -> JsonLinesHistory.parse(lines(
                "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\"}",
                "{\"process\" 0}"), "h.jsonl", Models.nilRegister())).getMessage());
        assertEquals("h.jsonl:1: \"type\" must be one of invoke, ok, fail, info: \"done\"", assertThrows(
            HistoryFormatException.class, () -> JsonLinesHistory.parse(
                "{\"process\": 0, \"type\": \"done\", \"f\": \"read\"}", "h.jsonl", Models.nilRegister()))
            .getMessage());
        assertEquals("h.jsonl:1: process 3 completes (ok) an operation it never invoked", assertThrows(
            HistoryFormatException.class, () -> JsonLinesHistory.parse(
                "{\"process\": 3, \"type\": \"ok\", \"f\": \"read\"}", "h.jsonl", Models.nilRegister()))
            .getMessage());
        assertEquals("h.jsonl:2: \"value\" must be an integer or null: \"a\"", assertThrows(
            HistoryFormatException.class, () -> JsonLinesHistory.parse(lines(
                "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\"}",
                "{\"process\": 0, \"type\": \"ok\", \"f\": \"read\", \"value\": \"a\"}"), "h.jsonl",
                Models.nilRegister())).getMessage());
        assertEquals("h.jsonl:1: missing \"f\"", assertThrows(HistoryFormatException.class,
            () -> JsonLinesHistory.parse("{\"process\": 0, \"type\": \"invoke\"}", "h.jsonl", Models.kv()))
            .getMessage());
    }
}
