package io.egressproxy.cli.sandbox;

import io.egressproxy.cli.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code egress-proxy ARGS…} in this JVM, as {@code Main} would, and keeps what it printed. */
final class InProcessCli {
    record Result(int code, String out, String err) {
    }

    private InProcessCli() {
    }

    static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** The parts of a command line, one after another (a subcommand, the shared options, CMD). */
    @SafeVarargs
    static List<String> args(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
