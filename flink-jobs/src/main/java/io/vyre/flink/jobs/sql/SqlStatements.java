package io.vyre.flink.jobs.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements at the semicolons that end them, as the SQL client reads a file:
 * semicolons inside quoted strings ('...'), quoted identifiers (`...`) and comments (-- and /* *&#47;) do not
 * split; comments are kept inside the statement they belong to, blank statements dropped.
 */
final class SqlStatements {
    private SqlStatements() {
    }

    static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '\'' || c == '`' || c == '"') {
                int end = closing(script, i, c);
                current.append(script, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                current.append(script, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                current.append(script, i, end);
                i = end;
            } else if (c == ';') {
                add(statements, current);
                current.setLength(0);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        add(statements, current);
        return statements;
    }

    /** The index after the quote that closes the one at {@code start}; a doubled quote is part of the text. */
    private static int closing(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static void add(List<String> statements, StringBuilder text) {
        String statement = text.toString().strip();
        if (!withoutComments(statement).isBlank()) {
            statements.add(statement);
        }
    }

    private static String withoutComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("--[^\n]*", "");
    }
}
