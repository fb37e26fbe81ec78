package io.vyre.flink.jobs.peers;

import io.vyre.flink.program.ScanMatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.agrona.BufferUtil;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.MutableRecordAndPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

/**
 * Flink's FileSource format of the peer jobs: reads its split in chunks (each with the longest pattern less one
 * byte of overlap, so matches starting in the chunk are whole), scans each with the engine and emits its
 * occurrences sorted by (offset, pattern id). The checkpointed position is the chunk's start and how many of its
 * occurrences were emitted, so a restored reader repeats and loses nothing.
 */
final class PeerFormat implements BulkFormat<ScanMatch, FileSourceSplit> {
    private static final long serialVersionUID = 1L;
    private final PeerEngine engine;
    private final List<byte[]> patterns;
    private final boolean ignoreCase;
    private final int chunkBytes;
    private final int overlap;

    PeerFormat(PeerEngine engine, List<byte[]> patterns, boolean ignoreCase, int chunkBytes) {
        this.engine = engine;
        this.patterns = patterns;
        this.ignoreCase = ignoreCase;
        this.chunkBytes = chunkBytes;
        this.overlap = patterns.stream().mapToInt(p -> p.length).max().orElseThrow() - 1;
    }

    @Override
    public Reader<ScanMatch> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new ChunkReader(split, split.offset(), 0);
    }

    @Override
    public Reader<ScanMatch> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        CheckpointedPosition at = split.getReaderPosition().orElse(new CheckpointedPosition(split.offset(), 0));
        return new ChunkReader(split, at.getOffset(), at.getRecordsAfterOffset());
    }

    @Override
    public boolean isSplittable() {
        return true;
    }

    @Override
    public TypeInformation<ScanMatch> getProducedType() {
        return TypeInformation.of(ScanMatch.class);
    }

    private final class ChunkReader implements Reader<ScanMatch> {
        private final PeerEngine.Compiled compiled = engine.compiled(patterns, ignoreCase);
        private final String path;
        private final FileChannel channel;
        private final long end;
        private final long fileSize;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(chunkBytes + overlap);
        private long at;
        private long skip;
        private long[] found = new long[1024];
        private int count;

        ChunkReader(FileSourceSplit split, long from, long skip) throws IOException {
            this.path = split.path().getPath();
            this.channel = FileChannel.open(java.nio.file.Path.of(split.path().toUri()), StandardOpenOption.READ);
            this.end = split.offset() + split.length();
            this.fileSize = split.fileSize();
            this.at = from;
            this.skip = skip;
        }

        @Override
        public RecordIterator<ScanMatch> readBatch() throws IOException {
            if (at >= end) {
                return null;
            }
            long chunkStart = at;
            int own = (int) Math.min(chunkBytes, end - at);
            int read = (int) Math.min((long) own + overlap, fileSize - at);
            buffer.clear().limit(read);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, at + buffer.position()) < 0) {
                    throw new IOException(path + " ended before byte " + (at + read) + ": was it truncated while read?");
                }
            }
            count = 0;
            compiled.scan(buffer, read, own, (start, id) -> {
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = ((long) start << 32) | id;
            });
            Arrays.sort(found, 0, count);
            at += own;
            int first = (int) Math.min(skip, count);
            skip = 0;
            // a batch of its own: the reader may read the next chunk while this one's records are still emitted
            return new Batch(chunkStart, Arrays.copyOf(found, count), first, count);
        }

        @Override
        public void close() throws IOException {
            channel.close();
            BufferUtil.free(buffer);
        }

        private final class Batch implements RecordIterator<ScanMatch> {
            private final long chunkStart;
            private final long[] entries;
            private final int end;
            private int next;
            private final MutableRecordAndPosition<ScanMatch> record = new MutableRecordAndPosition<>();

            Batch(long chunkStart, long[] entries, int first, int end) {
                this.chunkStart = chunkStart;
                this.entries = entries;
                this.next = first;
                this.end = end;
            }

            @Override
            public RecordAndPosition<ScanMatch> next() {
                if (next >= end) {
                    return null;
                }
                long e = entries[next++];
                record.set(new ScanMatch(path, chunkStart + (e >>> 32), (int) e), chunkStart, next);
                return record;
            }

            @Override
            public void releaseBatch() {
            }
        }
    }
}
