import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `soak`: a real `dosed` with 32 simulated detectors run for 30 simulated days under
/// `--time-scale`. Resident memory and open descriptors are sampled after a warm-up, every
/// 10 s and at the end (they must stay flat); ten points of the series are reported, so a
/// plateau shows, and the database's growth per detector-day.
public struct SoakBench: Sendable {
  public var dosed: String
  public var detectors = 32
  public var simulatedDays = 30.0
  /// 3600: 30 days in 12 minutes of real time.
  public var timeScale = 3600.0
  /// Real seconds before the first sample: caches, pools and the first minute records settle.
  public var warmUpSeconds = 30.0

  public init(dosed: String) {
    self.dosed = dosed
  }

  public func run() throws -> SoakResult {
    let daemon = try BenchDaemon(dosed: dosed, ward: ward(), name: "soak", timeScale: timeScale)
    let total = simulatedDays * 86_400 / timeScale
    Thread.sleep(forTimeInterval: warmUpSeconds)
    let first = Sample(daemon)
    var peak = first
    var series = [SoakPoint(day: warmUpSeconds * timeScale / 86_400, first)]
    let end = Date().addingTimeInterval(Swift.max(0, total - warmUpSeconds))
    while Date() < end {
      Thread.sleep(forTimeInterval: Swift.min(10, Swift.max(0, end.timeIntervalSinceNow)))
      let sample = Sample(daemon)
      let elapsed = total - end.timeIntervalSinceNow
      series.append(SoakPoint(day: elapsed * timeScale / 86_400, sample))
      peak.rssMB = Swift.max(peak.rssMB, sample.rssMB)
      peak.descriptors = Swift.max(peak.descriptors, sample.descriptors)
      guard daemon.process.isRunning else {
        throw SocketBench.Failure(description: "dosed stopped")
      }
    }
    let last = Sample(daemon)
    let days = (total - warmUpSeconds) * timeScale / 86_400
    return SoakResult(
      detectors: detectors, simulatedDays: simulatedDays, timeScale: timeScale,
      rssMBAfterWarmUp: first.rssMB, rssMBEnd: last.rssMB, rssMBPeak: peak.rssMB,
      rssAnonMBAfterWarmUp: first.anonMB, rssAnonMBEnd: last.anonMB,
      descriptorsAfterWarmUp: first.descriptors, descriptorsEnd: last.descriptors,
      descriptorsPeak: peak.descriptors,
      databaseBytesPerDetectorDay: Double(last.databaseBytes - first.databaseBytes)
        / (Double(detectors) * days),
      series: SoakPoint.tenths(of: series + [SoakPoint(day: simulatedDays, last)]))
  }

  /// Detectors with backgrounds from 0.1 to 3 µSv/h, every fourth with a decaying patient or
  /// package, in rooms of four.
  func ward() -> String {
    var text = BenchWard.simulatedDetectors(
      detectors, background: { 0.1 + Double($0 % 30) * 0.1 },
      extra: { index in
        guard index % 4 == 0 else { return "" }
        return """
            [[detector.simulated.source]]
            dose_rate_usv_h = 40.0
            half_life_h = 160.0
          """
      })
    for room in 0..<(detectors / 4) {
      let ids = (0..<4).map { "\"d\(room * 4 + $0)\"" }.joined(separator: ", ")
      text += """
        [[location]]
        id = "room-\(room)"
        kind = "isolation_room"
        detectors = [\(ids)]
        warn_usv_h = 100.0
        alarm_usv_h = 200.0
        state = "occupied"


        """
    }
    return text
  }

  struct Sample: Sendable {
    var rssMB: Double
    var anonMB: Double
    var descriptors: Int
    var databaseBytes: Int

    init(_ daemon: BenchDaemon) {
      rssMB = daemon.residentMB()
      anonMB = daemon.residentMB("RssAnon")
      descriptors =
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.pid)/fd"))?.count
        ?? -1
      databaseBytes =
        ((try? FileManager.default.contentsOfDirectory(atPath: daemon.state)) ?? []).reduce(0) {
          let path = daemon.state + "/" + $1
          let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size]
          return $0 + ((size as? NSNumber)?.intValue ?? 0)
        }
    }
  }
}

/// One sample of the soak: simulated day, resident memory, descriptors, database size.
public struct SoakPoint: Sendable, Hashable, Codable {
  public var day: Double
  public var rssMB: Double
  public var anonMB: Double
  public var descriptors: Int
  public var databaseMB: Double

  init(day: Double, _ sample: SoakBench.Sample) {
    self.day = day
    rssMB = sample.rssMB
    anonMB = sample.anonMB
    descriptors = sample.descriptors
    databaseMB = Double(sample.databaseBytes) / 1_048_576
  }

  /// The first, the last and the samples nearest each tenth of the run between them.
  static func tenths(of points: [SoakPoint]) -> [SoakPoint] {
    guard let first = points.first, let last = points.last, points.count > 11 else {
      return points
    }
    let inner = (1..<10).compactMap { tenth -> SoakPoint? in
      let day = first.day + (last.day - first.day) * Double(tenth) / 10
      return points.min { abs($0.day - day) < abs($1.day - day) }
    }
    return [first] + inner + [last]
  }

  enum CodingKeys: String, CodingKey {
    case day
    case rssMB = "rss_mb"
    case anonMB = "rss_anon_mb"
    case descriptors = "fds"
    case databaseMB = "db_mb"
  }
}

public struct SoakResult: Sendable, Hashable, Codable {
  public var bench = "soak"
  public var detectors: Int
  public var simulatedDays: Double
  public var timeScale: Double
  public var rssMBAfterWarmUp: Double
  public var rssMBEnd: Double
  public var rssMBPeak: Double
  public var rssAnonMBAfterWarmUp: Double
  public var rssAnonMBEnd: Double
  public var descriptorsAfterWarmUp: Int
  public var descriptorsEnd: Int
  public var descriptorsPeak: Int
  /// Growth of the state directory (database and WAL) per detector and simulated day. Under
  /// `--time-scale` a simulated detector reads at most four times a real second, so it writes
  /// fewer minute records than at real time: see docs/reliability.md.
  public var databaseBytesPerDetectorDay: Double
  /// Ten points of the run, for the shape: growth that levels off is a cache filling, growth
  /// that does not is a leak.
  public var series: [SoakPoint]

  enum CodingKeys: String, CodingKey {
    case bench, detectors
    case simulatedDays = "simulated_days"
    case timeScale = "time_scale"
    case rssMBAfterWarmUp = "rss_mb_after_warm_up"
    case rssMBEnd = "rss_mb_end"
    case rssMBPeak = "rss_mb_peak"
    case rssAnonMBAfterWarmUp = "rss_anon_mb_after_warm_up"
    case rssAnonMBEnd = "rss_anon_mb_end"
    case descriptorsAfterWarmUp = "fds_after_warm_up"
    case descriptorsEnd = "fds_end"
    case descriptorsPeak = "fds_peak"
    case databaseBytesPerDetectorDay = "db_bytes_per_detector_day"
    case series
  }

  public var summary: String {
    String(
      format:
        "soak: %d detectors, %.0f simulated days at %.0f×: RSS %.1f → %.1f MB (peak %.1f; "
        + "anonymous %.1f → %.1f MB), descriptors %d → %d (peak %d), database %.0f bytes per "
        + "detector-day",
      detectors, simulatedDays, timeScale, rssMBAfterWarmUp, rssMBEnd, rssMBPeak,
      rssAnonMBAfterWarmUp, rssAnonMBEnd, descriptorsAfterWarmUp, descriptorsEnd,
      descriptorsPeak, databaseBytesPerDetectorDay)
      + "\n  day   RSS MB  anon MB  fds  db MB\n"
      + series.map {
        String(
          format: "  %5.1f %6.1f %8.1f %4d %6.1f", $0.day, $0.rssMB, $0.anonMB, $0.descriptors,
          $0.databaseMB)
      }.joined(separator: "\n")
  }
}
