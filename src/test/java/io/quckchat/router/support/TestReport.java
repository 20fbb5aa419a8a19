package io.quckchat.router.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Figures the guarantee tests report (events, legs, duplicates, dead letters), collected per broker mode for CI. */
public final class TestReport {

    private TestReport() {}

    public static synchronized void line(String format, Object... args) {
        String line = String.format(format, args);
        System.out.println(line);
        Path file = Path.of("target", "test-report-" + TestBrokers.get().mode() + ".txt");
        try {
            Files.writeString(
                    file,
                    line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
