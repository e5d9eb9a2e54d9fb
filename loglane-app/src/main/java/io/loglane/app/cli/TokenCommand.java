package io.loglane.app.cli;

import io.loglane.app.api.ApiTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code ./loglane token hash} prints the SHA-256 of a token read from standard input (its first line),
 * the value {@code server.auth.tokens[].sha256} takes; {@code ./loglane token new} makes a random
 * token (32 bytes, hex) and prints it with its hash. The token is never an argument, so it stays out of
 * the shell history and the process list.
 */
@Command(name = "token", description = "API tokens for server.auth.tokens: `token new` makes one, `token hash` hashes one from stdin.",
        subcommands = {TokenCommand.Hash.class, TokenCommand.New.class})
final class TokenCommand {
    @Command(name = "hash", description = "Print the sha256 of the token on the first line of standard input.")
    static final class Hash implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.strip().isEmpty()) {
                System.err.println("error: give the token on standard input, e.g. printf %s \"$TOKEN\" | ./loglane token hash");
                return 2;
            }
            System.out.println(ApiTokens.hashHex(line.strip()));
            return 0;
        }
    }

    @Command(name = "new", description = "Print a new random token and, on the next line, its sha256 for server.auth.tokens.")
    static final class New implements Callable<Integer> {
        @Override
        public Integer call() {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String token = HexFormat.of().formatHex(b);
            System.out.println("token:  " + token);
            System.out.println("sha256: " + ApiTokens.hashHex(token));
            return 0;
        }
    }
}
