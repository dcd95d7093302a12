package dht.node.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RocksDbOptionsTest {

    @TempDir
    Path directory;

    @Test
    void optionsOfADatabaseThatCannotBeOpenedAreClosedAtOnce() throws RocksDBException {
        try (RocksDbOptions holding = RocksDbOptions.create(); RocksDB open = holding.open(directory)) {
            RocksDbOptions refused = RocksDbOptions.create();

            // RocksDB locks its directory: a second open of it fails
            assertThatThrownBy(() -> refused.open(directory)).isInstanceOf(RocksDBException.class);

            assertThat(refused.options().isOwningHandle()).as("the refused open's options still hold native memory").isFalse();
            assertThat(holding.options().isOwningHandle()).isTrue();
        }
    }
}
