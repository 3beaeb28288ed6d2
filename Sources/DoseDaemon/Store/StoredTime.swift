import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#endif

/// How the records hold a time: GRDB's own text form, `yyyy-MM-dd HH:mm:ss.SSS` in UTC (so
/// databases written before keep their keys and order), but written without Foundation's
/// `DateFormatter`.
///
/// Why: GRDB formats every `Date` it stores, record field or query argument, through a
/// `DateFormatter`, which on Linux builds an ICU date format each time. That was most of the
/// CPU of writing a minute record and kept about 4 MB of ICU code resident in the daemon
/// (perf, smaps; docs/reliability.md). Reading is unaffected: GRDB parses this text itself.
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

/// The records of `RecordStore`: their `Date` fields are written by `StoredTime`.
public protocol DoseRecord: EncodableRecord {}

extension DoseRecord {
  public static func databaseDateEncodingStrategy(for column: String)
    -> DatabaseDateEncodingStrategy
  {
    .custom { StoredTime.text($0) }
  }
}
