/// Untrusted text made safe for a terminal: control characters (ESC, CR, backspace…), C1 controls, line
/// and paragraph separators and bidirectional overrides are shown as visible escapes (`\e`, `\r`,
/// `\u{202E}`), so a file name, feed ID or metadata value can neither run terminal commands (retitle the
/// window, clear the screen) nor overwrite or reorder what is displayed (`x\e[2K\rcompliant` cannot
/// turn a `missing-disclosure` line into a `compliant` one). Bytes of a file name that are not UTF-8
/// are shown as `\xNN` (``PathBytes``).
public enum TerminalText {
    /// Escapes every character that could act on a terminal or forge a line, newlines included: for one
    /// field (a path, an ID, a value) inside a line.
    public static func field(_ text: String) -> String { escape(text, keepNewlines: false) }

    /// Escapes as ``field(_:)`` but keeps newlines (and tabs): for a whole multi-line text whose fields
    /// were composed by ailabel.
    public static func lines(_ text: String) -> String { escape(text, keepNewlines: true) }

    static func escape(_ text: String, keepNewlines: Bool) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepNewlines: keepNewlines) }) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepNewlines: keepNewlines) else {
                output.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x1B: output += "\\e"
            case 0x0D: output += "\\r"
            case 0x0A: output += "\\n"
            case 0x09: output += "\\t"
            case 0x00: output += "\\0"
            // A byte of a file name that is not UTF-8 (PathBytes), shown as the byte it is.
            case PathBytes.escapeBase...(PathBytes.escapeBase + 0xFF): output += PathBytes.visible(String(scalar))
            default: output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return output
    }

    static func needsEscape(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !keepNewlines
        case 0x00...0x1F, 0x7F...0x9F: return true
        // Bidirectional embeddings, overrides and isolates; marks; line and paragraph separators.
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x2028, 0x2029: return true
        case PathBytes.escapeBase...(PathBytes.escapeBase + 0xFF): return true
        default: return false
        }
    }
}
