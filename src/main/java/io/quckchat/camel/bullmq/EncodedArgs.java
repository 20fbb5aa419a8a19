package io.quckchat.camel.bullmq;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The arguments of one Redis command, encoded up front as RESP bulk strings ({@code
 * $<length>\r\n<bytes>\r\n} each) into one array, which Lettuce writes to the connection's buffer
 * in one copy.
 *
 * <p>Lettuce's own {@link CommandArgs} copies each argument into the (direct) buffer on its own.
 * An {@code EVALSHA} of the add script has about twenty arguments (the queue's keys, the job's
 * fields), and with the client compiler the router ships with ({@code config/jvm.options}), every
 * copy into a direct buffer also pays for {@code Unsafe.copyMemory}'s argument checks, which only the
 * optimising compiler inlines: that was the Redis I/O thread's largest cost while the router caught
 * up on a backlog ("EncodedArgs" in docs/benchmark.md#where-the-time-went-and-what-was-fixed).
 * Encoding into a heap array costs a plain array copy per argument.
 *
 * <p>Public for other script calls on the same connection (the router's delivery ledger sends its
 * batches with {@link #script}); standalone Redis: the arguments carry no key for cluster routing.
 */
public final class EncodedArgs extends CommandArgs<byte[], byte[]> {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[][] NONE = new byte[0][];

    private final byte[] encoded;
    private final int count;

    private EncodedArgs(byte[] encoded, int count) {
        super(ByteArrayCodec.INSTANCE);
        this.encoded = encoded;
        this.count = count;
    }

    /** {@code EVALSHA}'s arguments: the script's SHA-1, the number of keys, the keys, then the values. */
    static EncodedArgs evalSha(byte[] sha1, int numKeys, byte[][] keysAndArgs) {
        return encode(sha1, numKeys, keysAndArgs, NONE);
    }

    /**
     * The arguments of {@code EVAL} (with the script's source) or {@code EVALSHA} (with its SHA-1):
     * the script, the number of keys, the keys, then the values.
     */
    public static EncodedArgs script(byte[] script, byte[][] keys, byte[][] values) {
        return encode(script, keys.length, keys, values);
    }

    private static EncodedArgs encode(byte[] script, int numKeys, byte[][] first, byte[][] then) {
        byte[] numKeysBytes = Integer.toString(numKeys).getBytes(StandardCharsets.US_ASCII);
        int size = encodedSize(script) + encodedSize(numKeysBytes);
        for (byte[] arg : first) {
            size += encodedSize(arg);
        }
        for (byte[] arg : then) {
            size += encodedSize(arg);
        }
        byte[] out = new byte[size];
        int at = put(out, 0, script);
        at = put(out, at, numKeysBytes);
        for (byte[] arg : first) {
            at = put(out, at, arg);
        }
        for (byte[] arg : then) {
            at = put(out, at, arg);
        }
        return new EncodedArgs(out, 2 + first.length + then.length);
    }

    private static int encodedSize(byte[] arg) {
        return 1 + digits(arg.length) + 2 + arg.length + 2;
    }

    private static int put(byte[] out, int at, byte[] arg) {
        out[at++] = '$';
        at = putDecimal(out, at, arg.length);
        out[at++] = '\r';
        out[at++] = '\n';
        System.arraycopy(arg, 0, out, at, arg.length);
        at += arg.length;
        System.arraycopy(CRLF, 0, out, at, 2);
        return at + 2;
    }

    private static int putDecimal(byte[] out, int at, int value) {
        int end = at + digits(value);
        int i = end;
        do {
            out[--i] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        return end;
    }

    private static int digits(int value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeBytes(encoded);
    }

    @Override
    public String toCommandString() {
        return count + " arguments (" + encoded.length + " bytes, pre-encoded)";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " [" + toCommandString() + "]";
    }
}
