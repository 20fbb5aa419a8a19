package io.quckchat.camel.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The pre-encoded EVALSHA arguments are byte for byte what Lettuce writes for the same call. */
class EncodedArgsTest {

    private static final byte[] SHA1 = "0123456789abcdef0123456789abcdef01234567".getBytes(StandardCharsets.US_ASCII);

    @Test
    void encodesLikeLettuceForKeysAndValuesOfEveryLength() {
        byte[][] keysAndArgs = {
            bytes("bull:push:wait"),
            bytes(""),
            filled(9),
            filled(10),
            filled(99),
            filled(100),
            bytes("ünïcødé ✓"),
            filled(1024),
            filled(12_345),
            new byte[] {'\r', '\n', 0, (byte) 0xff}
        };
        for (int numKeys : new int[] {0, 1, 4, keysAndArgs.length}) {
            CommandArgs<byte[], byte[]> lettuce = new CommandArgs<>(ByteArrayCodec.INSTANCE)
                    .add(SHA1)
                    .add(numKeys)
                    .addKeys(Arrays.copyOfRange(keysAndArgs, 0, numKeys))
                    .addValues(Arrays.copyOfRange(keysAndArgs, numKeys, keysAndArgs.length));
            EncodedArgs ours = EncodedArgs.evalSha(SHA1, numKeys, keysAndArgs);

            assertThat(ours.count()).as("count, %d keys", numKeys).isEqualTo(lettuce.count());
            assertThat(encoded(ours)).as("bytes, %d keys", numKeys).isEqualTo(encoded(lettuce));
        }
    }

    @Test
    void encodesAScriptCallWithKeysAndValuesApartLikeLettuce() {
        byte[] source = bytes("return redis.call('HKEYS', KEYS[1])");
        byte[][] keys = {bytes("ledger:evt-1"), bytes("ledger:evt-2")};
        byte[][] values = {bytes("86400000"), filled(300), bytes("")};
        CommandArgs<byte[], byte[]> lettuce = new CommandArgs<>(ByteArrayCodec.INSTANCE)
                .add(source)
                .add(keys.length)
                .addKeys(keys)
                .addValues(values);
        EncodedArgs ours = EncodedArgs.script(source, keys, values);

        assertThat(ours.count()).isEqualTo(lettuce.count());
        assertThat(encoded(ours)).isEqualTo(encoded(lettuce));
    }

    @Test
    void encodesACallWithoutKeysOrValues() {
        EncodedArgs ours = EncodedArgs.evalSha(SHA1, 0, new byte[0][]);
        assertThat(ours.count()).isEqualTo(2);
        assertThat(new String(encoded(ours), StandardCharsets.US_ASCII))
                .isEqualTo("$40\r\n" + new String(SHA1, StandardCharsets.US_ASCII) + "\r\n$1\r\n0\r\n");
    }

    private static byte[] encoded(CommandArgs<byte[], byte[]> args) {
        ByteBuf buf = Unpooled.directBuffer();
        try {
            args.encode(buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] filled(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) ('a' + length % 26));
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
