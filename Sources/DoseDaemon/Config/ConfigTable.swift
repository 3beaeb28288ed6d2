import ConfigLines
import Foundation
import TOMLKit

/// Where errors go: the file name and the line locator for its text.
struct ConfigContext {
  let file: String
  let locator: TOMLLineLocator

  func error(_ keyPath: String, _ message: String) -> ConfigError {
    ConfigError(
      file: file, line: locator.line(for: keyPath), keyPath: keyPath, message: message)
  }
}

/// A TOML table being read by hand, with its key path, so that every error can say exactly
/// which key is wrong, what was expected and what was found.
struct ConfigTable {
  let table: TOMLTable
  /// Key path of this table ("" = the document root).
  let keyPath: String
  let context: ConfigContext

  func path(_ key: String) -> String { TOMLLineLocator.join(keyPath, key) }

  /// An error about `key` in this table, or about the table itself when `key` is nil.
  func error(_ key: String?, _ message: String) -> ConfigError {
    context.error(key.map(path) ?? keyPath, message)
  }

  func missing(_ key: String, _ hint: String = "") -> ConfigError {
    error(key, "missing required key '\(key)'" + (hint.isEmpty ? "" : " (\(hint))"))
  }

  func has(_ key: String) -> Bool { table[key] != nil }

  /// Rejects keys not in `allowed`, the first one in source order.
  func checkKeys(_ allowed: [String]) throws(ConfigError) {
    let unknown = table.keys.filter { !allowed.contains($0) }
    guard !unknown.isEmpty else { return }
    let first = unknown.min { a, b in
      let lineA = context.locator.line(for: path(a)) ?? Int.max
      let lineB = context.locator.line(for: path(b)) ?? Int.max
      return (lineA, a) < (lineB, b)
    }!
    throw error(
      first, "unknown key '\(first)' (expected one of: \(allowed.joined(separator: ", ")))")
  }

  // MARK: Scalars

  func string(_ key: String) throws(ConfigError) -> String? {
    guard let value = table[key] else { return nil }
    guard let string = value.string else { throw wrongType(key, "a string", value) }
    return string
  }

  func requiredString(_ key: String, hint: String = "") throws(ConfigError) -> String {
    guard let string = try string(key) else { throw missing(key, hint) }
    return string
  }

  /// A float; integers are accepted (`20` for `20.0`). NaN and infinities are not.
  func number(_ key: String) throws(ConfigError) -> Double? {
    guard let value = table[key] else { return nil }
    let number: Double
    if let int = value.int {
      number = Double(int)
    } else if let double = value.double {
      number = double
    } else {
      throw wrongType(key, "a number", value)
    }
    guard number.isFinite else {
      throw error(key, "expected a finite number, found \(Self.describe(value))")
    }
    return number
  }

  func requiredNumber(_ key: String, hint: String = "") throws(ConfigError) -> Double {
    guard let number = try number(key) else { throw missing(key, hint) }
    return number
  }

  func integer(_ key: String) throws(ConfigError) -> Int? {
    guard let value = table[key] else { return nil }
    guard let int = value.int else { throw wrongType(key, "an integer", value) }
    return int
  }

  /// An offset date-time (`2026-11-20T10:00:00Z`, `2026-11-20T11:00:00+01:00`) as a `Date`.
  /// Local date-times are refused: a ward's records must not depend on the host's time zone.
  func offsetDateTime(_ key: String) throws(ConfigError) -> Date? {
    guard let value = table[key] else { return nil }
    let expected = "an offset date-time such as 2026-11-20T10:00:00Z"
    guard let dateTime = value.dateTime else { throw wrongType(key, expected, value) }
    guard let date = Self.date(from: dateTime) else {
      throw error(
        key, "expected \(expected) (with Z or a UTC offset), found \(Self.describe(value))")
    }
    return date
  }

  /// A calendar day (`2026-03-01`), or an offset date-time, as a `Date` (a day is its start,
  /// UTC).
  func day(_ key: String) throws(ConfigError) -> Date? {
    guard let value = table[key] else { return nil }
    if value.dateTime != nil { return try offsetDateTime(key) }
    guard let day = value.date else {
      throw wrongType(key, "a date such as 2026-03-01", value)
    }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    guard
      let date = calendar.date(
        from: DateComponents(year: day.year, month: day.month, day: day.day))
    else {
      throw error(key, "expected a date such as 2026-03-01, found \(Self.describe(value))")
    }
    return date
  }

  func requiredOffsetDateTime(_ key: String) throws(ConfigError) -> Date {
    guard let date = try offsetDateTime(key) else { throw missing(key) }
    return date
  }

  /// A non-empty array of strings.
  func stringArray(_ key: String) throws(ConfigError) -> [String]? {
    guard let value = table[key] else { return nil }
    guard let array = value.array else { throw wrongType(key, "an array of strings", value) }
    var strings: [String] = []
    for index in 0..<array.count {
      let element = array[index]
      guard let string = element.string else {
        throw context.error(
          path(key) + "[\(index)]", "expected a string, found \(Self.describe(element))")
      }
      strings.append(string)
    }
    return strings
  }

  // MARK: Tables

  func subtable(_ key: String, expected: String = "a table") throws(ConfigError) -> ConfigTable? {
    guard let value = table[key] else { return nil }
    guard let sub = value.table else { throw wrongType(key, expected, value) }
    return ConfigTable(table: sub, keyPath: path(key), context: context)
  }

  /// The elements of an array of tables (`[[key]]`); empty when the key is absent.
  func tableArray(_ key: String) throws(ConfigError) -> [ConfigTable] {
    guard let value = table[key] else { return [] }
    let header = "[[\(Self.headerName(path(key)))]]"
    guard let array = value.array else {
      throw wrongType(key, "an array of tables (\(header) sections)", value)
    }
    var tables: [ConfigTable] = []
    for index in 0..<array.count {
      let elementPath = path(key) + "[\(index)]"
      let element = array[index]
      guard let sub = element.table else {
        throw context.error(elementPath, "expected a table, found \(Self.describe(element))")
      }
      tables.append(ConfigTable(table: sub, keyPath: elementPath, context: context))
    }
    return tables
  }

  // MARK: Checks

  /// Throws `message` about `key` unless `condition` holds.
  func require(
    _ condition: Bool, _ key: String, _ message: @autoclosure () -> String
  ) throws(ConfigError) {
    if !condition { throw error(key, message()) }
  }

  func wrongType(_ key: String, _ expected: String, _ value: TOMLValueConvertible) -> ConfigError {
    error(key, "expected \(expected), found \(Self.describe(value))")
  }

  // MARK: Formatting

  /// "a string \"abc\"", "an integer 5", "a table", … for messages.
  static func describe(_ value: TOMLValueConvertible) -> String {
    switch value.type {
    case .string: return "a string \(String(reflecting: value.string ?? ""))"
    case .int: return "an integer \(value.int.map(String.init) ?? "")"
    case .double: return "a floating-point number \(value.double.map(format) ?? "")"
    case .bool: return "a boolean \(value.bool.map(String.init) ?? "")"
    case .date: return "a local date \(value.date.map(text) ?? "")"
    case .time: return "a local time \(value.time.map(text) ?? "")"
    case .dateTime:
      guard let dateTime = value.dateTime else { return "a date-time" }
      let local = dateTime.offset == nil
      return (local ? "a local date-time " : "a date-time ") + text(dateTime)
    case .table: return "a table"
    case .array: return "an array"
    }
  }

  /// Numbers as written by people: `20`, `0.5`, `0.00019`.
  static func format(_ number: Double) -> String {
    if number == number.rounded() && abs(number) < 1e15 { return String(Int(number)) }
    return "\(number)"
  }

  // TOMLKit's `debugDescription` of a date-time without offset prints it with "Z", which would
  // make "found a local date-time" messages contradict themselves; so these format by hand.

  static func text(_ date: TOMLDate) -> String {
    "\(pad(date.year, 4))-\(pad(date.month))-\(pad(date.day))"
  }

  static func text(_ time: TOMLTime) -> String {
    let seconds = "\(pad(time.hour)):\(pad(time.minute)):\(pad(time.second))"
    return time.nanoSecond > 0 ? seconds + "." + pad(time.nanoSecond, 9) : seconds
  }

  static func text(_ dateTime: TOMLDateTime) -> String {
    let local = text(dateTime.date) + "T" + text(dateTime.time)
    guard let minutes = dateTime.offset?.offset else { return local }
    if minutes == 0 { return local + "Z" }
    let sign = minutes < 0 ? "-" : "+"
    return local + sign + pad(abs(minutes) / 60) + ":" + pad(abs(minutes) % 60)
  }

  private static func pad(_ number: Int, _ width: Int = 2) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// `location[1].package` → `location.package`, the name used in a `[[…]]` header.
  static func headerName(_ path: String) -> String {
    var name = ""
    var skipping = false
    for character in path {
      if character == "[" {
        skipping = true
      } else if character == "]" {
        skipping = false
      } else if !skipping {
        name.append(character)
      }
    }
    return name
  }

  /// The instant a TOML offset date-time names; nil for a local date-time (no offset).
  ///
  /// TOMLKit's own `TOMLDateTime.fDate` reads the fields in the host's time zone and drops the
  /// offset, so it cannot be used.
  static func date(from dateTime: TOMLDateTime) -> Date? {
    guard let offset = dateTime.offset else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    let components = DateComponents(
      year: dateTime.date.year, month: dateTime.date.month, day: dateTime.date.day,
      hour: dateTime.time.hour, minute: dateTime.time.minute, second: dateTime.time.second)
    guard let utcFields = calendar.date(from: components) else { return nil }
    let fraction = Double(dateTime.time.nanoSecond) / 1e9
    return utcFields.addingTimeInterval(fraction - Double(offset.offset) * 60)
  }
}
