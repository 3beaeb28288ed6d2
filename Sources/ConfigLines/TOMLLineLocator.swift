/// Finds the line of a key path in TOML source text.
///
/// TOMLKit does not expose node positions, so this scans the text itself. It understands table
/// headers (`[daemon]`), headers of arrays of tables (`[[detector]]`, counted per resolved path so
/// that `[[detector.simulated.source]]` numbers the sources of each detector from 0), dotted and
/// quoted keys, and values that span lines (arrays, multi-line strings), so that it is not
/// fooled by their contents. It is deliberately forgiving: a line it cannot read is skipped, and
/// the parser proper (toml++) reports syntax errors.
public struct TOMLLineLocator: Sendable {
  /// First line (1-based) on which each key path is defined, e.g. `detector[1].simulated.seed`.
  public private(set) var lines: [String: Int] = [:]
  /// The first table header with no key where toml++ expects one, e.g. `[.]`, `[[` or `[é]`:
  /// its line and what stands where the key should start (nil: the end of the line).
  /// toml++ 3.x, as bundled by TOMLKit 0.6.0, does not check this itself: it asserts
  /// (`parse_key`, toml.hpp:15481) and the process aborts, so `TOMLKitHazard` refuses such a
  /// header before the text reaches it (found by the fuzz target `FuzzConfig`).
  public private(set) var headerWithoutKey: (line: Int, found: UInt8?)?
  /// The first line with a date-time value whose time does not start with a digit after the
  /// `T`, e.g. `start_at = 2026-11-27T:00`, or has one digit after a space (`2026-11-27 0`). toml++ asserts on that too (`parse_time`,
  /// toml.hpp:14790), so `TOMLKitHazard` refuses it first.
  public private(set) var dateTimeWithoutTime: Int?
  /// The first line with a `}` where an array expects a value (`a = [}]`, `a = [1, }]`):
  /// toml++ asserts in `parse_value` (toml.hpp:14994), so `TOMLKitHazard` refuses it first.
  public private(set) var braceForArrayValue: Int?
  /// The first line with a value that starts with a digit and runs on in digits, `_` and `-`
  /// with both of the last two (`2_026-11-27`): no valid TOML has one (a date has no `_`, an
  /// integer no inner `-`), and toml++, which drops the `_` to guess the type, takes it for a
  /// date, looks past a space after it and asserts (toml.hpp:15080, and `step_back` at 13017
  /// for a long one). `TOMLKitHazard` refuses it first.
  public private(set) var underscoredDate: Int?
  /// The first line where any value (in an array or inline table too) starts like a date:
  /// four digits and `-`. For files with no key that takes one (the clients').
  public private(set) var dateLikeValue: Int?
  /// Every table header, in order.
  public private(set) var headers: [Header] = []

  /// A `[table]` or `[[array]]` header line.
  public struct Header: Sendable {
    public var line: Int
    public var isArray: Bool
    /// The key's components, nil when the scanner could not read one.
    public var key: [String]?
    /// The header as written (without a comment).
    public var text: String
  }

  public init(source: String) {
    var scanner = Scanner()
    var lineNumber = 0
    // Split the bytes, not the characters: "\r\n" is one Character and would not split.
    for rawLine in source.utf8.split(
      separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    {
      lineNumber += 1
      scanner.scan(line: Array(rawLine), number: lineNumber, into: &lines)
    }
    headerWithoutKey = scanner.headerWithoutKey
    dateTimeWithoutTime = scanner.dateTimeWithoutTime
    braceForArrayValue = scanner.braceForArrayValue
    underscoredDate = scanner.underscoredDate
    dateLikeValue = scanner.dateLikeValue
    headers = scanner.headers
  }

  /// The line of `keyPath`, else of the nearest enclosing key or table that has one, else nil.
  public func line(for keyPath: String) -> Int? {
    var path = Substring(keyPath)
    while !path.isEmpty {
      if let line = lines[String(path)] { return line }
      guard let parent = Self.parent(of: path) else { return nil }
      path = parent
    }
    return nil
  }

  /// `a[1].b` → `a[1]` → `a` → nil.
  static func parent(of path: Substring) -> Substring? {
    if path.last == "]", let open = path.lastIndex(of: "[") {
      return path[..<open]
    }
    guard let dot = path.lastIndex(of: ".") else { return nil }
    return path[..<dot]
  }

  /// Joins key path components the way `ConfigError.keyPath` spells them.
  public static func join(_ prefix: String, _ key: String) -> String {
    prefix.isEmpty ? key : prefix + "." + key
  }
}

extension TOMLLineLocator {
  /// Line-by-line state: the current table and the arrays of tables seen so far.
  fileprivate struct Scanner {
    /// Resolved path of the table that `key = value` lines belong to ("" = root).
    var currentTable = ""
    /// Number of elements of each array of tables, by resolved path without the last index.
    var arrayCounts: [String: Int] = [:]
    /// Set while inside a value that continues on the next line.
    var pendingValue: ValueState?
    /// See `TOMLLineLocator.headerWithoutKey`.
    var headerWithoutKey: (line: Int, found: UInt8?)?
    /// See `TOMLLineLocator.dateTimeWithoutTime`.
    var dateTimeWithoutTime: Int?
    /// See `TOMLLineLocator.braceForArrayValue`.
    var braceForArrayValue: Int?
    /// See `TOMLLineLocator.underscoredDate`.
    var underscoredDate: Int?
    /// See `TOMLLineLocator.dateLikeValue`.
    var dateLikeValue: Int?
    /// See `TOMLLineLocator.headers`.
    var headers: [Header] = []

    mutating func scan(line: [UInt8], number: Int, into lines: inout [String: Int]) {
      var bytes = line
      if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
      if number == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
      if var pending = pendingValue {
        pending.scan(bytes, from: 0)
        noteDateTimeWithoutTime(pending, line: number)
        pendingValue = pending.isComplete ? nil : pending
        return
      }
      var index = skipWhitespace(bytes, from: 0)
      guard index < bytes.count, bytes[index] != UInt8(ascii: "#") else { return }

      if bytes[index] == UInt8(ascii: "[") {
        if headerWithoutKey == nil, let key = Self.missingKey(bytes, header: index) {
          headerWithoutKey = (number, key < bytes.count ? bytes[key] : nil)
        }
        let isArray = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "[")
        let text = Self.headerText(bytes, from: index)
        index += isArray ? 2 : 1
        let parsed = parseKey(bytes, from: index, terminator: UInt8(ascii: "]"))
        headers.append(Header(line: number, isArray: isArray, key: parsed?.0, text: text))
        guard let (components, _) = parsed else { return }
        let path = resolveHeader(components, isArray: isArray, line: number, into: &lines)
        currentTable = path
        record(path, number, &lines)
        return
      }

      guard let (components, end) = parseKey(bytes, from: index, terminator: UInt8(ascii: "="))
      else { return }
      var path = currentTable
      for component in components {
        path = TOMLLineLocator.join(path, component)
        record(path, number, &lines)
      }
      var value = ValueState()
      value.scan(bytes, from: end + 1)
      noteDateTimeWithoutTime(value, line: number)
      if !value.isComplete { pendingValue = value }
    }

    mutating func noteDateTimeWithoutTime(_ value: ValueState, line: Int) {
      if dateTimeWithoutTime == nil, value.sawDateTimeWithoutTime { dateTimeWithoutTime = line }
      if braceForArrayValue == nil, value.sawBraceForArrayValue { braceForArrayValue = line }
      if underscoredDate == nil, value.sawUnderscoredDate { underscoredDate = line }
      if dateLikeValue == nil, value.sawDateLikeValue { dateLikeValue = line }
    }

    /// The header from its `[` to a `#` outside quotes, trailing spaces and tabs dropped.
    static func headerText(_ bytes: [UInt8], from start: Int) -> String {
      var end = start
      var quote: UInt8?
      while end < bytes.count {
        let byte = bytes[end]
        if let open = quote {
          if byte == open { quote = nil }
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
          quote = byte
        } else if byte == UInt8(ascii: "#") {
          break
        }
        end += 1
      }
      while end > start && (bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == 9) {
        end -= 1
      }
      return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// What toml++'s `parse_table_header` does before `parse_key`, for the header whose `[` is
    /// at `header`: skip spaces and tabs, a second `[` directly after the first (after
    /// whitespace toml++ reports it), spaces and tabs again (a `]` there it reports too). Returns
    /// where the key should start (`bytes.count`: the end of the line) when no bare-key
    /// character or quote stands there, else nil.
    static func missingKey(_ bytes: [UInt8], header: Int) -> Int? {
      var index = skipWhitespace(bytes, from: header + 1)
      if index < bytes.count, bytes[index] == UInt8(ascii: "[") {
        guard index == header + 1 else { return nil }
        index = skipWhitespace(bytes, from: index + 1)
      }
      guard index < bytes.count else { return index }
      let byte = bytes[index]
      let keyStarts =
        byte == UInt8(ascii: "]") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
        || isBareKeyByte(byte)
      return keyStarts ? nil : index
    }

    /// `[[a.b]]` inside the second `[[a]]` resolves to `a[1].b[n]`, n counting per `a[1].b`.
    mutating func resolveHeader(
      _ components: [String], isArray: Bool, line: Int, into lines: inout [String: Int]
    ) -> String {
      var path = ""
      for (position, component) in components.enumerated() {
        path = TOMLLineLocator.join(path, component)
        if isArray && position == components.count - 1 {
          let index = arrayCounts[path, default: 0]
          arrayCounts[path] = index + 1
          record(path, line, &lines)
          path += "[\(index)]"
        } else if let count = arrayCounts[path] {
          path += "[\(count - 1)]"
        }
      }
      return path
    }

    func record(_ path: String, _ line: Int, _ lines: inout [String: Int]) {
      if lines[path] == nil { lines[path] = line }
    }
  }

  /// Where a value stands after part of it was scanned.
  fileprivate struct ValueState {
    /// Open `[` and `{` not yet closed, innermost last.
    var open: [UInt8] = []
    /// The quote of an open multi-line string (`"""` or `'''`), if any.
    var multilineQuote: UInt8?
    /// The last byte outside strings and comments that was not whitespace (a value starts
    /// after `=`, `[`, or `,` in an array; after `{` or `,` in an inline table comes a key).
    var previous = UInt8(ascii: "=")
    /// A `YYYY-MM-DD` value followed by `T` or `t` and no digit, or by a space and one digit,
    /// was seen.
    var sawDateTimeWithoutTime = false
    /// A `}` stood where an array expects a value (after its `[` or a `,`).
    var sawBraceForArrayValue = false
    /// See `TOMLLineLocator.underscoredDate` and `dateLikeValue`.
    var sawUnderscoredDate = false
    var sawDateLikeValue = false

    var isComplete: Bool { open.isEmpty && multilineQuote == nil }

    mutating func scan(_ bytes: [UInt8], from start: Int) {
      var index = start
      while index < bytes.count {
        let byte = bytes[index]
        if let quote = multilineQuote {
          if quote == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
            index += 2
          } else if isTripleQuote(bytes, at: index, quote) {
            // toml++ ends the string after the whole run: `"""x""""` is `x"` (up to two
            // quotes of the content may stand before the closing three).
            multilineQuote = nil
            index += 3
            var extra = 0
            while extra < 2 && index < bytes.count && bytes[index] == quote {
              index += 1
              extra += 1
            }
          } else {
            index += 1
          }
          continue
        }
        let startsValue =
          previous == UInt8(ascii: "=") || previous == UInt8(ascii: "[")
          || (previous == UInt8(ascii: ",") && open.last == UInt8(ascii: "["))
        if startsValue,
          isDateWithoutTime(bytes, at: index) || isDateWithOneDigitAfterSpace(bytes, at: index)
        {
          sawDateTimeWithoutTime = true
        }
        if startsValue && isUnderscoredDate(bytes, at: index) { sawUnderscoredDate = true }
        if startsValue && isDateLike(bytes, at: index) { sawDateLikeValue = true }
        let arrayValueExpected =
          previous == UInt8(ascii: "[")
          || (previous == UInt8(ascii: ",") && open.last == UInt8(ascii: "["))
        if arrayValueExpected && byte == UInt8(ascii: "}") { sawBraceForArrayValue = true }
        // A comment ends the line and is not a value: what came before it still counts.
        if byte == UInt8(ascii: "#") { return }
        if byte != UInt8(ascii: " ") && byte != 9 { previous = byte }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
          if isTripleQuote(bytes, at: index, byte) {
            multilineQuote = byte
            index += 3
          } else {
            index = skipString(bytes, from: index)
          }
          continue
        case UInt8(ascii: "["), UInt8(ascii: "{"):
          open.append(byte)
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
          _ = open.popLast()
        default:
          break
        }
        index += 1
      }
    }
  }
}

/// `YYYY-MM-DD` at `index`, then `T` or `t`, then anything but a digit (or the end).
private func isDateWithoutTime(_ bytes: [UInt8], at index: Int) -> Bool {
  let pattern = Array("0000-00-00".utf8)
  guard index + pattern.count < bytes.count else { return false }
  for (offset, expected) in pattern.enumerated() {
    let byte = bytes[index + offset]
    let matches = expected == UInt8(ascii: "-") ? byte == expected : isDigit(byte)
    if !matches { return false }
  }
  let separator = bytes[index + pattern.count]
  guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") else { return false }
  let next = index + pattern.count + 1
  return next >= bytes.count || !isDigit(bytes[next])
}

/// What toml++ takes for a date with a space before its time (ten characters, a digit first,
/// `-` at 4 and 7, the rest digits or `-`), then a space, then one digit and no second:
/// `2026-11-27 0`. It looks ahead past the space and asserts in `parse_value`
/// (toml.hpp:15183 → 14994) when a terminator follows that digit. No valid TOML has it: an
/// hour has two digits.
private func isDateWithOneDigitAfterSpace(_ bytes: [UInt8], at index: Int) -> Bool {
  guard index + 11 < bytes.count, isDigit(bytes[index]) else { return false }
  for offset in 1..<10 {
    let byte = bytes[index + offset]
    let isDash = byte == UInt8(ascii: "-")
    guard offset == 4 || offset == 7 ? isDash : isDash || isDigit(byte) else { return false }
  }
  guard bytes[index + 10] == UInt8(ascii: " "), isDigit(bytes[index + 11]) else { return false }
  return index + 12 >= bytes.count || !isDigit(bytes[index + 12])
}

/// A digit, then only digits, `_` and `-` up to the first other byte, with both `_` and `-`
/// among them (`2_026-11-27`, `2026-11-27_`): see `TOMLLineLocator.underscoredDate`.
private func isUnderscoredDate(_ bytes: [UInt8], at index: Int) -> Bool {
  guard index < bytes.count, isDigit(bytes[index]) else { return false }
  var underscore = false
  var dash = false
  var position = index + 1
  while position < bytes.count {
    let byte = bytes[position]
    if byte == UInt8(ascii: "_") {
      underscore = true
    } else if byte == UInt8(ascii: "-") {
      dash = true
    } else if !isDigit(byte) {
      break
    }
    position += 1
  }
  return underscore && dash
}

/// Four digits and `-`: a value that starts like a date.
private func isDateLike(_ bytes: [UInt8], at index: Int) -> Bool {
  guard index + 4 < bytes.count, bytes[index + 4] == UInt8(ascii: "-") else { return false }
  return (index..<index + 4).allSatisfy { isDigit(bytes[$0]) }
}

private func isDigit(_ byte: UInt8) -> Bool {
  (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}

private func isTripleQuote(_ bytes: [UInt8], at index: Int, _ quote: UInt8) -> Bool {
  index + 2 < bytes.count && bytes[index] == quote && bytes[index + 1] == quote
    && bytes[index + 2] == quote
}

private func skipWhitespace(_ bytes: [UInt8], from start: Int) -> Int {
  var index = start
  while index < bytes.count && (bytes[index] == UInt8(ascii: " ") || bytes[index] == 9) {
    index += 1
  }
  return index
}

/// Index just past the single-line string that opens at `start`.
private func skipString(_ bytes: [UInt8], from start: Int) -> Int {
  let quote = bytes[start]
  var index = start + 1
  while index < bytes.count {
    if quote == UInt8(ascii: "\"") && bytes[index] == UInt8(ascii: "\\") {
      index += 2
      continue
    }
    if bytes[index] == quote { return index + 1 }
    index += 1
  }
  return index
}

/// Reads a (dotted, possibly quoted) key up to `terminator`; returns its components and the
/// index of the terminator, or nil if the text there is not a key.
private func parseKey(_ bytes: [UInt8], from start: Int, terminator: UInt8) -> ([String], Int)? {
  var components: [String] = []
  var index = start
  while true {
    index = skipWhitespace(bytes, from: index)
    guard index < bytes.count else { return nil }
    let first = bytes[index]
    if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
      let end = skipString(bytes, from: index)
      guard end <= bytes.count, end - index >= 2 else { return nil }
      components.append(unquote(Array(bytes[(index + 1)..<(end - 1)]), basic: first == 34))
      index = end
    } else {
      let begin = index
      while index < bytes.count && isBareKeyByte(bytes[index]) { index += 1 }
      guard index > begin else { return nil }
      components.append(String(decoding: bytes[begin..<index], as: UTF8.self))
    }
    index = skipWhitespace(bytes, from: index)
    guard index < bytes.count else { return nil }
    if bytes[index] == terminator { return (components, index) }
    guard bytes[index] == UInt8(ascii: ".") else { return nil }
    index += 1
  }
}

private func isBareKeyByte(_ byte: UInt8) -> Bool {
  switch byte {
  case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
    return true
  default:
    return false
  }
}

/// The text of a quoted key; basic-string escapes other than `\"` and `\\` are kept as written.
private func unquote(_ bytes: [UInt8], basic: Bool) -> String {
  guard basic else { return String(decoding: bytes, as: UTF8.self) }
  var out: [UInt8] = []
  var index = 0
  while index < bytes.count {
    if bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count
      && (bytes[index + 1] == UInt8(ascii: "\"") || bytes[index + 1] == UInt8(ascii: "\\"))
    {
      out.append(bytes[index + 1])
      index += 2
    } else {
      out.append(bytes[index])
      index += 1
    }
  }
  return String(decoding: out, as: UTF8.self)
}
