import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#endif

/// How the records hold a time: GRDB's own text form, `yyyy-MM-dd HH:mm:ss.SSS` in UTC (so
/// databases written before keep their keys and order), but written and read without
/// Foundation's `DateFormatter` and `Calendar`.
///
/// Why: GRDB formats every `Date` it stores, record field or query argument, through a
/// `DateFormatter`, which on Linux builds an ICU date format each time (seen with perf), and
/// reads every one back through a `Calendar`. Doing it here cut the daemon's resident ICU code
/// from 5.2 to 2.7 MB (`dosebench --only socket`: 41.3 → 37.9 MB; README).
enum StoredTime {
  /// The text GRDB would write for `date`: UTC, to the nearest millisecond (as its formatter
  /// rounds; checked against it in StoredTimeTests).
  static func text(_ date: Date) -> String {
    // Half a millisecond rounds up, also before 1970 (floor(x + ½), as ICU does).
    let milliseconds = (date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down)
    // Far outside any record's range (and not representable): let GRDB's formatter decide.
    guard milliseconds.magnitude < 1e15 else {
      return String.fromDatabaseValue(date.databaseValue) ?? ""
    }
    let whole = Int64(milliseconds)
    var seconds = time_t(whole.floorDivided(by: 1000))
    let fraction = Int(whole - Int64(seconds) * 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-"
      + pad(Int(parts.tm_mday), 2) + " " + pad(Int(parts.tm_hour), 2) + ":"
      + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2) + "." + pad(fraction, 3)
  }

  /// The time in `value` when it is this text (every row dosed writes, and every row GRDB wrote
  /// for it before), read without Foundation's calendar; anything else is left to GRDB.
  static func date(_ value: DatabaseValue) -> Date? {
    guard case .string(let text) = value.storage else { return Date.fromDatabaseValue(value) }
    let bytes = Array(text.utf8)
    func number(_ range: Range<Int>) -> Int? {
      var result = 0
      for index in range {
        let digit = Int(bytes[index]) - 48
        guard (0...9).contains(digit) else { return nil }
        result = result * 10 + digit
      }
      return result
    }
    // yyyy-MM-dd HH:mm:ss.SSS
    guard bytes.count == 23, bytes[4] == 45, bytes[7] == 45, bytes[10] == 32, bytes[13] == 58,
      bytes[16] == 58, bytes[19] == 46, let year = number(0..<4), let month = number(5..<7),
      let day = number(8..<10), let hour = number(11..<13), let minute = number(14..<16),
      let second = number(17..<19), let millisecond = number(20..<23),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
    else { return Date.fromDatabaseValue(value) }
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = Int32(hour)
    parts.tm_min = Int32(minute)
    parts.tm_sec = Int32(second)
    let seconds = timegm(&parts)
    return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1000)
  }

  /// The value to bind for `date` in a query (`WHERE time >= ?`).
  static func value(_ date: Date) -> DatabaseValue { text(date).databaseValue }

  private static func pad(_ number: Int, _ width: Int) -> String {
    let digits = String(number)
    return digits.count >= width
      ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}

extension Int64 {
  fileprivate func floorDivided(by divisor: Int64) -> Int64 {
    let quotient = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }
}

/// The records of `RecordStore`: their `Date` fields are written and read by `StoredTime`.
public protocol DoseRecord: EncodableRecord, FetchableRecord {}

extension DoseRecord {
  public static func databaseDateEncodingStrategy(for column: String)
    -> DatabaseDateEncodingStrategy
  {
    .custom { StoredTime.text($0) }
  }

  public static func databaseDateDecodingStrategy(for column: String)
    -> DatabaseDateDecodingStrategy
  {
    .custom { StoredTime.date($0) }
  }
}
