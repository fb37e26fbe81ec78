package io.vyre.flink.jobs.peers;

import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralScanner;
import io.vyre.runtime.backend.cpu.vectorscan.Vectorscan;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.agrona.BufferUtil;
import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;

/**
 * A CPU multi-pattern engine a Flink user would call from a FileSource instead of the megakernel, with the
 * scan job's output contract: every occurrence, overlaps included, reported as (start offset, pattern id).
 * A compiled set is shared by every subtask of the JVM (compiled once, its time reported apart).
 */
public enum PeerEngine {
    /** Vectorscan 5.4.11 through its JavaCPP bindings: hs_compile_lit_multi, one scratch per reading thread. */
    VECTORSCAN {
        @Override
        Compiled compile(List<byte[]> patterns, boolean ignoreCase) {
            String reason = Vectorscan.unavailableReason();
            if (reason != null) {
                throw new IllegalStateException("Vectorscan cannot load here: " + reason);
            }
            if (!LiteralDatabase.accepts(patterns)) {
                throw new IllegalArgumentException("Vectorscan's literal API refuses a pattern that starts with a NUL"
                    + " byte: remove it to compare");
            }
            LiteralDatabase database = LiteralDatabase.compile(patterns, ignoreCase);
            ThreadLocal<LiteralScanner> scanners = ThreadLocal.withInitial(LiteralScanner::new);
            return (buffer, length, limit, matches) -> scanners.get().scan(database, BufferUtil.address(buffer), length,
                limit, (start, id, len) -> {
                    matches.accept(start, id);
                    return true;
                });
        }
    },
    /** org.ahocorasick 0.6.3 (the common Java choice), over the bytes read as ISO-8859-1 so offsets are bytes. */
    AHOCORASICK {
        @Override
        Compiled compile(List<byte[]> patterns, boolean ignoreCase) {
            Trie.TrieBuilder builder = Trie.builder();
            if (ignoreCase) {
                builder.ignoreCase();
            }
            Map<String, int[]> ids = new HashMap<>();
            for (int id = 0; id < patterns.size(); id++) {
                String keyword = new String(patterns.get(id), StandardCharsets.ISO_8859_1);
                String key = ignoreCase ? keyword.toLowerCase(Locale.ROOT) : keyword;
                int[] have = ids.get(key);
                int[] grown = have == null ? new int[] {id} : java.util.Arrays.copyOf(have, have.length + 1);
                grown[grown.length - 1] = id;
                if (have == null) {
                    builder.addKeyword(keyword);
                }
                ids.put(key, grown);
            }
            Trie trie = builder.build();
            return (buffer, length, limit, matches) -> {
                byte[] bytes = new byte[length];
                buffer.get(0, bytes);
                for (Emit e : trie.parseText(new String(bytes, StandardCharsets.ISO_8859_1))) {
                    if (e.getStart() < limit) {
                        String key = ignoreCase ? e.getKeyword().toLowerCase(Locale.ROOT) : e.getKeyword();
                        for (int id : ids.get(key)) {
                            matches.accept(e.getStart(), id);
                        }
                    }
                }
            };
        }
    };

    /** Receives one occurrence. */
    @FunctionalInterface
    interface Matches {
        void accept(int start, int patternId);
    }

    /** A compiled pattern set; {@link #scan} may be called from many threads at once. */
    @FunctionalInterface
    interface Compiled {
        /** Every occurrence starting below {@code limit} in the first {@code length} bytes of the direct buffer. */
        void scan(ByteBuffer buffer, int length, int limit, Matches matches);
    }

    private static final Map<String, Compiled> COMPILED = new ConcurrentHashMap<>();

    abstract Compiled compile(List<byte[]> patterns, boolean ignoreCase);

    /** The set compiled once per JVM, whichever subtask asks first. */
    Compiled compiled(List<byte[]> patterns, boolean ignoreCase) {
        return COMPILED.computeIfAbsent(key(patterns, ignoreCase), k -> compile(patterns, ignoreCase));
    }

    private String key(List<byte[]> patterns, boolean ignoreCase) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        for (byte[] p : patterns) {
            crc.update(p);
            crc.update(0);
        }
        return name() + '/' + ignoreCase + '/' + patterns.size() + '/' + crc.getValue();
    }

    static PeerEngine parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown peer engine '" + name + "': use vectorscan or ahocorasick");
        }
    }
}
