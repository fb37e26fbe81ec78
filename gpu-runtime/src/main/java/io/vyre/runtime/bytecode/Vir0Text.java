package io.vyre.runtime.bytecode;

import java.io.ByteArrayOutputStream;

/** Quoting of byte strings in VIR0 assembly: {@code "..."} with \\ \" \n \r \t and \xHH escapes. */
final class Vir0Text {
    private Vir0Text() {
    }

    static String quote(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length + 2).append('"');
        for (byte x : bytes) {
            int c = x & 0xFF;
            switch (c) {
                case '\\': b.append("\\\\"); break;
                case '"': b.append("\\\""); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c >= 0x20 && c < 0x7F) {
                        b.append((char) c);
                    } else {
                        b.append(String.format("\\x%02x", c));
                    }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Parses a quoted string starting at {@code text.charAt(start) == '"'}.
     *
     * @return the bytes; {@code end[0]} receives the index after the closing quote
     */
    static byte[] unquote(String text, int start, int[] end, int line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                end[0] = i + 1;
                return out.toByteArray();
            }
            if (c == '\\') {
                if (i + 1 >= text.length()) {
                    break;
                }
                char e = text.charAt(i + 1);
                switch (e) {
                    case '\\': out.write('\\'); i += 2; continue;
                    case '"': out.write('"'); i += 2; continue;
                    case 'n': out.write('\n'); i += 2; continue;
                    case 'r': out.write('\r'); i += 2; continue;
                    case 't': out.write('\t'); i += 2; continue;
                    case 'x':
                        if (i + 3 < text.length() && isHex(text.charAt(i + 2)) && isHex(text.charAt(i + 3))) {
                            out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                            i += 4;
                            continue;
                        }
                        throw new Vir0Exception(Vir0Exception.Location.line(line), "\\x needs two hex digits");
                    default:
                        throw new Vir0Exception(Vir0Exception.Location.line(line), "unknown escape \\" + e
                            + "; use \\\\ \\\" \\n \\r \\t or \\xHH");
                }
            }
            if (c > 0x7E || c < 0x20) {
                throw new Vir0Exception(Vir0Exception.Location.line(line), "character U+" + Integer.toHexString(c)
                    + " in a string: write bytes outside printable ASCII as \\xHH");
            }
            out.write(c);
            i++;
        }
        throw new Vir0Exception(Vir0Exception.Location.line(line), "unterminated string: add the closing \"");
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
