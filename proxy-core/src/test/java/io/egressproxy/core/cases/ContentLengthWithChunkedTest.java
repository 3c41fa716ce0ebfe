package io.egressproxy.core.cases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * C12: {@code Content-Length} and {@code Transfer-Encoding: chunked} together, with a smuggled
 * {@code G} + second request in the same write. HTTP/1.1: the generic framing rule (the README
 * documents 400 and close); neither {@code G}, {@code GGET} nor {@code /second} may reach U3, and
 * the client's {@code Content-Length: 6} is never forwarded. HTTP/1.0 with Transfer-Encoding is
 * faulty framing (RFC 9112 §6.1): 400 and close.
 */
@Timeout(30)
class ContentLengthWithChunkedTest {
    private static CaseBed bed;

    @RegisterExtension
    static final CaseBedExtension BED = new CaseBedExtension(started -> bed = started);

    private String smuggle(String version) {
        return "POST " + bed.url("www.example.com", "/echo") + " " + version + "\r\nHost: " + bed.authority("www.example.com")
                + "\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"
                + bed.get("www.example.com", "/second");
    }

    @Test
    void http11WithBothFramingsIsRefusedOrForwardedOnceWithOneFramingAndClosed() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(smuggle("HTTP/1.1"));

        FramingRule.assertRefusedOrForwardedOnce(bed, outcome, "", "GGET", "/second", "Content-Length: 6", "\r\n\r\nG");
    }

    @Test
    void http10WithTransferEncodingIsRefusedAndClosed() throws Exception {
        CaseBed.Outcome outcome = bed.exchange(smuggle("HTTP/1.0"));

        FramingRule.assertRefused(bed, outcome);
    }
}
