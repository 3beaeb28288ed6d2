import Foundation

/// MightyOhm Geiger kit: `CPS, #####, CPM, #####, uSv/hr, ###.##, SLOW|FAST|INST` once a second
/// at 9600 baud, CRLF. The CPS field is the exact count of that second; CPM and µSv/h are the
/// kit's own (SBM-20 at 0.0057, a Ra-226 figure) and are ignored. Forks add fields, so the
/// parser keys on the `CPS,` prefix. Source: MightyOhm firmware header (geiger.c), see
/// shared reference devices.md §3.
public struct MightyOhmParser: LineParser {
  public init() {}
  public var model: String { "MightyOhm Geiger counter" }

  public func parse(_ line: String) -> LineContent {
    // Start at the last "CPS," marker: noise on the line (a loose connector, a reset) then only
    // costs the bytes before it.
    let marker = line.range(of: "CPS,", options: .backwards)
    let record = marker.map { line[$0.lowerBound...] } ?? line[...]
    let skipped = marker.map { line[..<$0.lowerBound].utf8.count } ?? 0
    let fields = record.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    if fields.count >= 2, fields[0] == "CPS" {
      guard let cps = UInt64(fields[1].filter { $0 != "*" }) else { return .junk }
      return skipped > 0
        ? .countsAfterNoise(cps, intervalSeconds: 1, skippedBytes: skipped)
        : .counts(cps, intervalSeconds: 1)
    }
    if line.lowercased().contains("geiger counter") {
      // Power-up banner, e.g. "mightyohm.com Geiger Counter 1.00".
      let version = line.split(separator: " ").last.map(String.init)
      return .identity(model: "MightyOhm Geiger counter", firmware: version, serial: nil)
    }
    return .junk
  }
}

/// NetIO GC10 / GC10next: a bare CPM value per line, once a second (9600 or 115200 baud).
/// Source: steadramon/ESPGeiger docs/hardware/serial.md (shared reference devices.md §7).
public struct GC10Parser: LineParser {
  public init() {}
  public var model: String { "NetIO GC10" }

  public func parse(_ line: String) -> LineContent {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty, trimmed.count <= 9, let cpm = UInt64(trimmed) else { return .junk }
    return .countsPerMinute(cpm)
  }
}

extension MightyOhmParser {
  /// 9600 baud (devices.md §3); a line every second.
  public static let facts = DriverFacts(name: "mightyohm", attachment: .serialPort, bauds: [9600]) {
    LineSession(detectorID: $0, parser: MightyOhmParser())
  }
}

extension GC10Parser {
  /// 9600 baud, the factory setting (devices.md §7). Its CPM lines are sampled once a minute
  /// so no count is used twice: one reading per 60 s.
  public static let facts = DriverFacts(
    name: "gc10", attachment: .serialPort, bauds: [9600], readingIntervalSeconds: 60
  ) { LineSession(detectorID: $0, parser: GC10Parser()) }
}
