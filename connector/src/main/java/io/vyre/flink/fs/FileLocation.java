package io.vyre.flink.fs;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;

/**
 * Whether a path the user gave (a source's input, a sink's output directory) is on the local file system, which the
 * megakernel's IO pump reads and writes directly, or on another file system that Flink's {@code FileSystem} reaches
 * ({@code s3://}, {@code hdfs://}, {@code gs://}). One rule for source and sink: a scheme of two or more characters
 * followed by {@code :/} names a file system ({@code file:} is the local one); anything else is a local path, also
 * a Windows drive ({@code C:/logs}) and a name with a colon ({@code app:1.log}). Names are not URI-escaped: spaces
 * and {@code %} are kept as they are, as Flink's {@code Path} keeps them.
 */
@Internal
public final class FileLocation {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):/");
    private static final Pattern FILE_URI = Pattern.compile("^file:(//[^/]*)?(/.*)$", Pattern.CASE_INSENSITIVE);

    private FileLocation() {
    }

    /** The scheme of {@code path}, lower case, or {@code null} for a plain local path. */
    public static String scheme(String path) {
        Matcher m = SCHEME.matcher(path);
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    public static boolean isLocal(String path) {
        String scheme = scheme(path);
        return scheme == null || scheme.equals("file");
    }

    /** The local path of a local {@code path}: a {@code file:} URI ({@code file:/x}, {@code file:///x}) becomes {@code /x}. */
    public static Path localPath(String path) {
        if (!isLocal(path)) {
            throw new IllegalArgumentException(path + " is not on the local file system");
        }
        Matcher m = FILE_URI.matcher(path);
        return Path.of(m.matches() ? m.group(2) : path);
    }
}
