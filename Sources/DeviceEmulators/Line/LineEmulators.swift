import DetectorDrivers
import Foundation

/// Emits a text line once per `period` seconds of host time, built from that period's counts.
struct PeriodicLines {
  let period: Double
  var next: Double?

  /// The number of due periods at `time` (usually 0 or 1).
  mutating func due(at time: Double) -> Int {
    guard let scheduled = next else {
      next = time + period
      return 0
    }
    var count = 0
    while time >= (next ?? time) {
      count += 1
      next = (next ?? time) + period
    }
    _ = scheduled
    return count
  }
}

/// MightyOhm kit firmware: banner at power-up, then `CPS, n, CPM, n, uSv/hr, x.xx, SLOW` every
/// second with CRLF (devices.md §3).
public struct MightyOhmEmulator: DeviceEmulator {
  var source: CountSource
  var lines = PeriodicLines(period: 1)
  var lastMinute: [UInt64] = []
  var bannerSent = false

  public init(source: CountSource) {
    self.source = source
  }

  public mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] { [] }

  public mutating func tick(at time: Double) -> [UInt8] {
    var out = ""
    if !bannerSent {
      bannerSent = true
      out += "mightyohm.com Geiger Counter 1.00\r\nhttp://mightyohm.com/geiger\r\n"
    }
    for _ in 0..<lines.due(at: time) {
      let cps = source.counts(over: 1)
      lastMinute.append(cps)
      if lastMinute.count > 60 { lastMinute.removeFirst() }
      let cpm = lastMinute.reduce(0, +)
      let dose = String(format: "%.2f", Double(cpm) * 0.0057)
      out += "CPS, \(cps), CPM, \(cpm), uSv/hr, \(dose), SLOW\r\n"
    }
    return Array(out.utf8)
  }
}

/// NetIO GC10: the rolling-minute CPM as a bare number, once a second.
public struct GC10Emulator: DeviceEmulator {
  var source: CountSource
  var lines = PeriodicLines(period: 1)
  var lastMinute: [UInt64] = []

  public init(source: CountSource) {
    self.source = source
  }

  public mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] { [] }

  public mutating func tick(at time: Double) -> [UInt8] {
    var out = ""
    for _ in 0..<lines.due(at: time) {
      lastMinute.append(source.counts(over: 1))
      if lastMinute.count > 60 { lastMinute.removeFirst() }
      // Until a minute has passed, scale up like the device's own estimate.
      let cpm = lastMinute.reduce(0, +) * 60 / UInt64(lastMinute.count)
      out += "\(cpm)\n"
    }
    return Array(out.utf8)
  }
}

/// Safecast bGeigie Nano: a `$BNRDD` sentence every 5 s with an XOR checksum; every
/// `corruptEvery`-th sentence (if set) gets a wrong checksum, for tests.
public struct BGeigieEmulator: DeviceEmulator {
  var source: CountSource
  var lines = PeriodicLines(period: 5)
  var total: UInt64 = 0
  var sent = 0
  var lastMinute: [UInt64] = []
  public var corruptEvery: Int?

  public init(source: CountSource, corruptEvery: Int? = nil) {
    self.source = source
    self.corruptEvery = corruptEvery
  }

  public mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] { [] }

  public mutating func tick(at time: Double) -> [UInt8] {
    var out = ""
    for _ in 0..<lines.due(at: time) {
      let counts = source.counts(over: 5)
      total += counts
      lastMinute.append(counts)
      if lastMinute.count > 12 { lastMinute.removeFirst() }
      let cpm = lastMinute.reduce(0, +) * 12 / UInt64(lastMinute.count)
      let stamp = ISO8601DateFormatter().string(from: Date())
      let body =
        "BNRDD,300,\(stamp),\(cpm),\(counts),\(total),A,4618.9612,N,00658.4831,E,443.7,A,5,1.28"
      var checksum = BGeigieParser.checksum(body[...])
      sent += 1
      if let corruptEvery, sent % corruptEvery == 0 { checksum ^= 0xFF }
      out += "$\(body)*\(String(format: "%02X", checksum))\r\n"
    }
    return Array(out.utf8)
  }
}
