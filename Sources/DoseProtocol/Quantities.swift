import Foundation

/// Quantities as operators type them: `7.4GBq`, `27uSv/h`, `24h`, `2026-11-27T10:00:00Z`.
public enum Quantities {
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
  }

  /// Activity in Bq. Bq, kBq, MBq, GBq, TBq; mCi and Ci (1 Ci = 3.7·10¹⁰ Bq by definition).
  public static func activity(_ text: String) throws -> Double {
    let units: [(String, Double)] = [
      ("tbq", 1e12), ("gbq", 1e9), ("mbq", 1e6), ("kbq", 1e3), ("bq", 1), ("mci", 3.7e7),
      ("ci", 3.7e10),
    ]
    return try quantity(text, units: units, what: "an activity such as 7.4GBq or 200mCi")
  }

  /// Dose rate in µSv/h: µSv/h (or uSv/h), nSv/h, mSv/h.
  public static func doseRate(_ text: String) throws -> Double {
    let units: [(String, Double)] = [
      ("µsv/h", 1), ("usv/h", 1), ("nsv/h", 1e-3), ("msv/h", 1e3),
    ]
    return try quantity(text, units: units, what: "a dose rate such as 27uSv/h")
  }

  /// Mass in g: g, kg, mg.
  public static func mass(_ text: String) throws -> Double {
    let units: [(String, Double)] = [("kg", 1000), ("mg", 1e-3), ("g", 1)]
    return try quantity(text, units: units, what: "a mass such as 1kg or 250g")
  }

  /// `Lu-177=50MBq`: a nuclide and its activity in Bq.
  public static func nuclideActivity(_ text: String) throws -> (nuclide: String, bq: Double) {
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty else {
      throw Failure(description: "'\(text)' is not NUCLIDE=ACTIVITY such as Lu-177=50MBq")
    }
    return (parts[0], try activity(parts[1]))
  }

  /// A duration in seconds: 90s, 30m, 24h, 7d.
  public static func duration(_ text: String) throws -> Double {
    let units: [(String, Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
    return try quantity(text, units: units, what: "a duration such as 24h, 30m or 7d")
  }

  /// An ISO 8601 time with Z or an offset, with or without fractional seconds.
  ///
  /// Parsed by `Date.ISO8601FormatStyle` (FoundationEssentials), not `ISO8601DateFormatter`,
  /// which builds an ICU formatter on every call.
  public static func time(_ text: String) throws -> Date {
    let plain = Date.ISO8601FormatStyle()
    if let date = try? plain.parse(text) { return date }
    if let date = try? plain.year().month().day().time(includingFractionalSeconds: true)
      .timeZone(separator: .colon).parse(text)
    {
      return date
    }
    throw Failure(description: "'\(text)' is not a time such as 2026-11-27T10:00:00Z")
  }

  private static func quantity(_ text: String, units: [(String, Double)], what: String) throws
    -> Double
  {
    let compact = text.replacingOccurrences(of: " ", with: "").lowercased()
    for (unit, factor) in units where compact.hasSuffix(unit) {
      let number = String(compact.dropLast(unit.count))
      guard let value = Double(number), value.isFinite, value >= 0 else { break }
      return value * factor
    }
    throw Failure(description: "'\(text)' is not \(what)")
  }
}
