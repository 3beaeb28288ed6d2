/// Text from operators and devices (patient references, package ids, notes, alarm and event
/// messages) made safe to show on a terminal or in a log line, where a raw newline forges a table
/// row or a journal entry, ESC drives the terminal (a cleared screen, a moved cursor) and a bidi
/// override reorders what follows it. Only the display is changed: the text is stored and sent
/// on the wire as given, and JSON output stays exact (JSON escaping covers it).
///
/// One form everywhere (dosectl and dosed's log lines):
/// - `\t`, `\n`, `\r` for tab, line feed and carriage return;
/// - `\xNN` (two lowercase hex digits) for the other C0 controls and DEL, e.g. `\x1b` for ESC;
/// - `\u{NN…}` for C1 controls (U+0080–U+009F), the bidi embeddings, overrides and isolates
///   (U+202A–U+202E, U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029).
///
/// A backslash is left as it is, so ordinary text reads unchanged; a `\n` shown may therefore
/// also have been typed as two characters (`--json` tells them apart).
public enum DisplayText {
  /// `text` with every character a terminal or a line-based log would act on written out.
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
    var result = ""
    result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
    for scalar in text.unicodeScalars {
      if needsEscaping(scalar) {
        result += escape(scalar)
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// Whether `scalar` is shown escaped: every control character (Unicode general category Cc:
  /// C0, DEL, C1), the bidi controls that reorder text, and the line and paragraph separators.
  public static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x2028...0x202E, 0x2066...0x2069: true
    default: false
    }
  }

  private static func escape(_ scalar: Unicode.Scalar) -> String {
    switch scalar {
    case "\t": return "\\t"
    case "\n": return "\\n"
    case "\r": return "\\r"
    default:
      let hex = String(scalar.value, radix: 16)
      if scalar.value < 0x80 {
        return "\\x" + (hex.count < 2 ? "0" + hex : hex)
      }
      return "\\u{" + hex + "}"
    }
  }
}
