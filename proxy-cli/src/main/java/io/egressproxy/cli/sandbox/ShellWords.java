package io.egressproxy.cli.sandbox;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An argv written as a POSIX shell would need it typed, so that a failed command in an error
 * message can be pasted back into a terminal as it ran: {@code sh -c 'set -e; …'}, not
 * {@code sh -c set -e; …}, which would run something else.
 */
final class ShellWords {
    /** Characters no POSIX shell treats specially anywhere in a word. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {
    }

    static String join(List<String> argv) {
        return argv.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        // Inside single quotes nothing is special but the quote itself, which ends, is escaped, and reopens.
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
