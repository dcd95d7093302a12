package dht.core.listing;

import dht.core.Key;
import dht.core.RingPosition;
import dht.core.wire.StoreCursor;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A listing's cursor as clients carry it: opaque, URL-safe, and versioned by its first byte, so
 * that its form can change while cursors handed out before still decode (or are refused as such).
 * Form 1 is the {@link StoreCursor}: its position's 8 bytes, big-endian, then the key's UTF-8 bytes.
 */
public final class ListingCursor {

    private static final byte FORM = 1;
    private static final int HEADER = 1 + Long.BYTES;

    private ListingCursor() {
    }

    public static String encode(StoreCursor cursor) {
        byte[] key = cursor.key().getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(HEADER + key.length).put(FORM).putLong(cursor.position().value()).put(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** @throws IllegalArgumentException for anything {@link #encode} did not make */
    public static StoreCursor decode(String cursor) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException notBase64) {
            throw invalid();
        }
        if (bytes.length < HEADER || bytes.length > HEADER + Key.MAX_BYTES || bytes[0] != FORM) {
            throw invalid();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.get();
        RingPosition position = new RingPosition(buffer.getLong());
        try {
            CharBuffer key = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buffer);
            return new StoreCursor(position, key.toString());
        } catch (CharacterCodingException notUtf8) {
            throw invalid();
        }
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("The cursor is not one a listing answered; start again without one.");
    }
}
