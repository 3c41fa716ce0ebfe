package io.egressproxy.cli.sandbox;

import java.io.InputStream;
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;

/**
 * Run by a JVM inside a real-engine sandbox ({@link RealDockerHttpsTest}), with nothing but what the
 * launcher gave it ({@code JAVA_TOOL_OPTIONS}: proxy properties and trust store): GETs {@code args[0]}
 * sending the header {@code args[1]} with the value of the variable {@code args[2]}, and prints
 * {@code status=N}. Uses only {@code java.base}, so a small jlink'd runtime can run it.
 */
public final class TlsProbe {
    private TlsProbe() {
    }

    public static void main(String[] args) throws Exception {
        HttpsURLConnection connection = (HttpsURLConnection) new URL(args[0]).openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(20_000);
        connection.setRequestProperty(args[1], System.getenv(args[2]));
        try (InputStream body = connection.getInputStream()) {
            body.readAllBytes();
        }
        System.out.println("status=" + connection.getResponseCode());
    }
}
