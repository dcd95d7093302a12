package dht.boot.cache;

import org.springframework.cache.support.NullValue;
import org.springframework.core.ConfigurableObjectInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Values by Java serialization: any {@link java.io.Serializable} value, read back exactly, generic
 * collections included; readable by Java applications that have the same classes alone. Reading is
 * filtered to the trusted packages ({@link TrustedTypes}), as an entry may come from anyone who can
 * write to the DHT.
 */
public final class JavaCacheValueSerializer implements CacheValueSerializer {

    private final ObjectInputFilter filter;
    private final ClassLoader classLoader;

    public JavaCacheValueSerializer(List<String> trustedPackages, ClassLoader classLoader) {
        this.filter = ObjectInputFilter.Config.createFilter(new TrustedTypes(trustedPackages).asSerialFilter(NullValue.class.getName()));
        this.classLoader = classLoader;
    }

    @Override
    public String contentType() {
        return "application/x-java-serialized-object";
    }

    @Override
    public byte[] serialize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("a cache value that is not Serializable: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object deserialize(byte[] bytes) {
        try (ObjectInputStream in = new ConfigurableObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("a cache entry this application cannot read by Java serialization: " + e.getMessage(), e);
        }
    }
}
