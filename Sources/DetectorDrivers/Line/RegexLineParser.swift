/// A home-made counter described in configuration: a regular expression with a named group
/// `counts` (counts over `intervalSeconds`) or `cpm` (counts per minute, sampled once a minute).
public struct RegexLineParser: LineParser, @unchecked Sendable {
  // @unchecked: Regex is immutable after construction; it is only read.
  public let pattern: String
  public let intervalSeconds: Double
  private let regex: Regex<AnyRegexOutput>
  private let field: Field

  enum Field { case counts, cpm }

  public struct InvalidPattern: Error, CustomStringConvertible {
    public let description: String
  }

  public init(pattern: String, intervalSeconds: Double = 1) throws {
    let regex: Regex<AnyRegexOutput>
    do {
      regex = try Regex(pattern)
    } catch {
      throw InvalidPattern(description: "not a valid regular expression: \(error)")
    }
    // Regex does not list its group names before a match; the pattern text does.
    if pattern.contains("(?<counts>") || pattern.contains("(?P<counts>") {
      field = .counts
    } else if pattern.contains("(?<cpm>") || pattern.contains("(?P<cpm>") {
      field = .cpm
    } else {
      throw InvalidPattern(description: "needs a named group (?<counts>…) or (?<cpm>…)")
    }
    self.pattern = pattern
    self.intervalSeconds = intervalSeconds
    self.regex = regex
  }

  public var model: String { "text-line counter" }

  public func parse(_ line: String) -> LineContent {
    guard let match = try? regex.wholeMatch(in: line) ?? regex.firstMatch(in: line) else {
      return .junk
    }
    switch field {
    case .counts:
      guard let text = match["counts"]?.substring, let counts = UInt64(text) else {
        return .junk
      }
      return .counts(counts, intervalSeconds: intervalSeconds)
    case .cpm:
      guard let text = match["cpm"]?.substring, let cpm = UInt64(text) else { return .junk }
      return .countsPerMinute(cpm)
    }
  }
}

extension RegexLineParser {
  /// A home-made counter: 9600 baud unless configured. The daemon builds its session from
  /// `[detector.line]` (the pattern also decides the reading interval).
  public static let facts = DriverFacts(name: "line", attachment: .serialPort, bauds: [9600])
}
