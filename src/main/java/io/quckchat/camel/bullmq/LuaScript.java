package io.quckchat.camel.bullmq;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One of this package's Lua scripts, read from the classpath once, called by its SHA-1. */
final class LuaScript {

    static final LuaScript ADD = load("add.lua");
    static final LuaScript RETRY = load("retry.lua");
    static final LuaScript COUNTS = load("counts.lua");
    static final LuaScript JOBS = load("jobs.lua");
    static final LuaScript JOB = load("job.lua");
    static final LuaScript PAUSE = load("pause.lua");
    static final LuaScript RESUME = load("resume.lua");
    static final LuaScript PROMOTE = load("promote.lua");
    static final LuaScript CLEAN = load("clean.lua");
    static final LuaScript LOGS = load("logs.lua");

    private final String name;
    private final byte[] source;
    private final String sha1;

    private LuaScript(String name, byte[] source) {
        this.name = name;
        this.source = source;
        try {
            this.sha1 =
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    static LuaScript load(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing script " + resource + " next to " + LuaScript.class);
            }
            return new LuaScript(resource, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    byte[] source() {
        return source;
    }

    String sha1() {
        return sha1;
    }

    @Override
    public String toString() {
        return name + " (sha1 " + sha1 + ")";
    }
}
