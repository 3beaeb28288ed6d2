/// Safecast bGeigie `$BNRDD` (Nano), `$BMRDD` (Mini), `$BNXRDD` (NX) sentences, one every 5 s at
/// 9600 baud:
/// `$BNRDD,<id>,<ISO8601>,<CPM>,<counts last 5 s>,<total>,<A|V>,<lat>,<N|S>,<lon>,<E|W>,<alt>,
/// <A|V>,<nsat>,<HDOP>*<XX>` where XX is the XOR of the characters between `$` and `*`, in hex.
/// Source: Safecast/bGeigieNanoKit README and bGeigieNano.ino (shared reference devices.md §4).
public struct BGeigieParser: LineParser {
  public init() {}
  public var model: String { "Safecast bGeigie" }

  static let headers: Set<Substring> = ["BNRDD", "BMRDD", "BNXRDD"]

  public func parse(_ line: String) -> LineContent {
    guard line.first == "$" else {
      // Log headers start with '#'; anything else is noise.
      return .junk
    }
    guard let star = line.lastIndex(of: "*") else { return .junk }
    let body = line[line.index(after: line.startIndex)..<star]
    let checksumText = line[line.index(after: star)...].trimmingCharacters(in: .whitespaces)
    guard let sent = UInt8(checksumText, radix: 16) else { return .checksumFailure }
    guard Self.checksum(body) == sent else { return .checksumFailure }
    let fields = body.split(separator: ",", omittingEmptySubsequences: false)
    guard fields.count >= 7, Self.headers.contains(fields[0]) else { return .junk }
    guard let counts = UInt64(fields[4]) else { return .junk }
    return .counts(counts, intervalSeconds: 5)
  }

  /// NMEA-style XOR of the bytes between `$` and `*`.
  public static func checksum(_ body: Substring) -> UInt8 {
    body.utf8.reduce(0, ^)
  }
}

extension BGeigieParser {
  /// 9600 baud (devices.md §4); a `$BNRDD` sentence every 5 s.
  public static let facts = DriverFacts(
    name: "bgeigie", attachment: .serialPort, bauds: [9600], readingIntervalSeconds: 5
  ) { LineSession(detectorID: $0, parser: BGeigieParser()) }
}
