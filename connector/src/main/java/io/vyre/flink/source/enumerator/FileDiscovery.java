package io.vyre.flink.source.enumerator;

import io.vyre.flink.fs.FileLocation;
import io.vyre.flink.source.split.Compression;
import io.vyre.flink.source.split.FileIdentity;
import io.vyre.flink.source.split.InputFiles;
import io.vyre.flink.source.split.VyreFileSplit;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the files under the configured paths (regular files; directories are walked, hidden entries
 * starting with '.' or '_' skipped, as in-progress files are) and cuts them into splits. Local paths are walked
 * with NIO; paths of other file systems ({@code s3://}, {@code hdfs://}: {@link InputFiles}) are listed through
 * Flink's file system.
 */
@Internal
public final class FileDiscovery implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FileDiscovery.class);
    private final List<String> paths;
    private final long splitBytes;

    public FileDiscovery(List<String> paths, long splitBytes) {
        this.paths = List.copyOf(paths);
        this.splitBytes = splitBytes;
    }

    /** The most bytes one split covers: larger files are cut into ranges of this size. */
    public long splitBytes() {
        return splitBytes;
    }

    /** One file a monitored source lists: its path, size and identity ({@link FileIdentity}). */
    public record Listed(String path, long size, String identity) {
        /** What the enumerator remembers it by: its identity, or its path where the file system has none. */
        public String key() {
            return identity.isEmpty() ? path : identity;
        }
    }

    /**
     * Every file now, once each (also where the configured paths overlap), by path, with its size and identity;
     * files gone while listed are left out.
     */
    public List<Listed> listing() {
        TreeMap<String, Listed> listed = new TreeMap<>();
        forEachLocalFile(f -> {
            Listed entry = listed(f);
            if (entry != null) {
                listed.put(entry.path(), entry);
            }
        });
        for (String p : paths) {
            if (!FileLocation.isLocal(p)) {
                try {
                    for (InputFiles.Remote f : InputFiles.listRemote(p)) {
                        listed.put(f.path(), new Listed(f.path(), f.size(), VyreFileSplit.NO_IDENTITY));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list input " + p + ": " + e.getMessage(), e);
                }
            }
        }
        return List.copyOf(listed.values());
    }

    private void forEachLocalFile(Consumer<Path> each) {
        for (String p : paths) {
            if (!FileLocation.isLocal(p)) {
                continue;
            }
            Path root = FileLocation.localPath(p).toAbsolutePath().normalize();
            try {
                if (Files.isRegularFile(root)) {
                    each.accept(root);
                } else if (Files.isDirectory(root)) {
                    try (Stream<Path> walk = Files.walk(root)) {
                        walk.filter(f -> !hidden(root, f)).filter(Files::isRegularFile).forEach(each);
                    } catch (UncheckedIOException e) {
                        if (!(e.getCause() instanceof NoSuchFileException)) {
                            throw e;
                        }
                        // a folder deleted while walked: keep what was found, the next listing sees the rest
                        LOG.info("{} vanished while the input was listed; the listing goes on next time",
                            e.getCause().getMessage());
                    }
                } else {
                    throw new NoSuchFileException(root.toString(), null, "input path does not exist");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list input " + root + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean hidden(Path root, Path f) {
        for (Path part : root.relativize(f)) {
            if (InputFiles.hiddenName(part.toString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A file's entry, or {@code null} when it was listed but gone before its attributes were read (rotated or
     * deleted in between): not an error, the next listing sees what is there then. Any other failure is.
     */
    static Listed listed(Path f) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(f, BasicFileAttributes.class);
            return new Listed(f.toString(), attributes.size(), FileIdentity.of(attributes));
        } catch (NoSuchFileException gone) {
            LOG.info("{} vanished while the input was listed; skipped", f);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Byte ranges of at most {@code splitBytes}; an empty file has no split; a compressed file, or one of another
     * file system than the local one, is one split (the reader streams it from the start).
     */
    public List<VyreFileSplit> rangesOf(String path, long size) {
        if (size > 0 && InputFiles.streamed(path)) {
            return List.of(VyreFileSplit.range(path, 0, size));
        }
        List<VyreFileSplit> splits = new ArrayList<>();
        for (long start = 0; start < size; start += splitBytes) {
            splits.add(VyreFileSplit.range(path, start, Math.min(size, start + splitBytes)));
        }
        return splits;
    }
}
