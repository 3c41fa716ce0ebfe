package io.egressproxy.core.cases;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/**
 * C15: malformed chunk sizes and chunk extensions (int overflow, 2^64-1, bare LF or CR, hex
 * prefixes and signs, white space, quoted CR/LF in an extension, missing CRLF after data). The
 * README documents 400 and close; the case also accepts an aborted upstream exchange when the
 * head was already forwarded. Either way U3 never receives a complete request, never
 * {@code /smuggled}, never the malformed bytes verbatim, and the proxy answers at once instead of
 * waiting for 2^63 bytes.
 */
@Timeout(30)
class ChunkSizeParsingTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of("1 size overflowing int (100000004)",
                        "100000004\r\ntest\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: www.example.com\r\n\r\n", "100000004"),
                Arguments.of("2 size 2^64-1", "ffffffffffffffff\r\nabc\r\n0\r\n\r\n", "ffffffffffffffff"),
                Arguments.of("3 bare LF inside an extension", "5;a=b\nXX\r\nhello\r\n0\r\n\r\n", "a=b\nXX"),
                Arguments.of("4 bare LF ends the size line", "5\nhello\r\n0\r\n\r\n", "5\nhello"),
                Arguments.of("5 0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", "0x5"),
                Arguments.of("5 plus sign", "+5\r\nhello\r\n0\r\n\r\n", "+5"),
                Arguments.of("5 leading space", " 5\r\nhello\r\n0\r\n\r\n", " 5\r\n"),
                Arguments.of("5 trailing space", "5 \r\nhello\r\n0\r\n\r\n", "5 \r\n"),
                Arguments.of("6 CR LF inside a quoted extension", "5;a=\"b\r\nc\"\r\nhello\r\n0\r\n\r\n", "a=\"b"),
                Arguments.of("7 missing CRLF after the data", "5\r\nhelloXX0\r\n\r\n", "helloXX"),
                Arguments.of("8 bare CR ends the size line", "5\rhello\r\n0\r\n\r\n", "5\rhello"));
    }

    @ParameterizedTest(name = "{0} -> 400 and close (or aborted upstream)")
    @MethodSource("bodies")
    void malformedChunkFramingIsRefusedAndNeverForwardedVerbatim(String name, String body, String verbatim) throws Exception {
        String request = "POST " + bed.url("www.example.com", "/echo") + " HTTP/1.1\r\nHost: "
                + bed.authority("www.example.com") + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body;

        CaseBed.Outcome outcome = bed.exchange(request);

        FramingRule.assertRefusedOrAborted(bed, outcome, "/smuggled", verbatim);
    }
}
