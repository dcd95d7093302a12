package dht.node.storage;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Filter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;

/**
 * The options every RocksDB of a node opens with, and the native objects they hold, closed together
 * once the database is closed. RocksDB's memory lies outside the Java heap, so it is bounded here:
 * at most {@value #WRITE_BUFFERS} memtables of {@value #WRITE_BUFFER_MIB} MiB (RocksDB's default is
 * two of 64 MiB, which for small values held up to 128 MiB while a full one was flushed) and a block
 * cache of {@value #BLOCK_CACHE_MIB} MiB. A Bloom filter of {@value #BLOOM_BITS_PER_KEY} bits per key
 * (about 1.2 MB per million keys, kept beside each table's index) lets the read before each write of
 * a new key skip the tables that cannot hold it instead of reading their blocks, which also keeps
 * those blocks out of the cache.
 */
public final class RocksDbOptions implements AutoCloseable {

    static final int WRITE_BUFFER_MIB = 16;
    static final int WRITE_BUFFERS = 2;
    static final int BLOCK_CACHE_MIB = 32;
    static final int BLOOM_BITS_PER_KEY = 10;
    private static final long MIB = 1024 * 1024;

    private final Cache blockCache;
    private final Filter filter;
    private final Options options;

    private RocksDbOptions(Cache blockCache, Filter filter, Options options) {
        this.blockCache = blockCache;
        this.filter = filter;
        this.options = options;
    }

    /** Options that create the database when it is missing. */
    public static RocksDbOptions create() {
        Cache blockCache = new LRUCache(BLOCK_CACHE_MIB * MIB);
        Filter filter = new BloomFilter(BLOOM_BITS_PER_KEY);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(WRITE_BUFFER_MIB * MIB)
                .setMaxWriteBufferNumber(WRITE_BUFFERS)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(filter));
        return new RocksDbOptions(blockCache, filter, options);
    }

    public Options options() {
        return options;
    }

    /**
     * Opens (or creates) the database in {@code directory} with these options, which it holds until
     * it is closed; if it cannot be opened they are closed at once, since nothing else will.
     */
    public RocksDB open(Path directory) throws RocksDBException {
        try {
            return RocksDB.open(options, directory.toString());
        } catch (RocksDBException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        options.close();
        filter.close();
        blockCache.close();
    }
}
