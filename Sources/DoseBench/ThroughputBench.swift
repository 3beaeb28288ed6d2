import DoseCore

/// `throughput`: readings per second through the core on one thread: a `DetectorMonitor` with
/// the tests a room detector carries in the daemon (warn and alarm CUSUMs, the clearance test).
public struct ThroughputBench: Sendable {
  public var readings = 2_000_000
  public var repeats = 3
  public var seed: UInt64 = 3

  public init() {}

  public func run() -> ThroughputResult {
    let calibration = Calibration(
      sensitivityCpmPerUSvH: 106.1, nuclide: "Cs-137", source: "bench", deadTimeSeconds: 190e-6)
    var random = SeededGenerator(seed: seed)
    var input: [Reading] = []
    input.reserveCapacity(readings)
    for index in 0..<readings {
      input.append(
        Reading(
          detectorID: "bench", counts: PoissonSampler.sample(mean: 5, using: &random),
          intervalSeconds: 1, monotonicSeconds: Double(index + 1), wallTime: .distantPast))
    }
    var best = 0.0
    var checksum = 0.0
    let clock = ContinuousClock()
    for _ in 0..<repeats {
      var monitor = DetectorMonitor(id: "bench", calibration: calibration)
      monitor.configureTests(
        thresholds: [
          ("room/warn", ThresholdTest(thresholdUSvH: 2.5, calibration: calibration)),
          ("room/alarm", ThresholdTest(thresholdUSvH: 10, calibration: calibration)),
        ],
        limits: [("room", LimitTest(limitUSvH: 0.5, calibration: calibration))])
      let started = clock.now
      for reading in input { monitor.ingest(reading) }
      let elapsed = started.duration(to: clock.now)
      let seconds = elapsed.inSeconds
      best = Swift.max(best, Double(readings) / seconds)
      // Keep the work observable so the optimiser cannot drop it.
      checksum += monitor.windowTotals?.counts ?? 0
    }
    return ThroughputResult(readingsPerSecond: best, checksum: checksum)
  }
}

public struct ThroughputResult: Sendable, Hashable, Codable {
  public var bench = "throughput"
  public var readingsPerSecond: Double
  public var checksum: Double

  enum CodingKeys: String, CodingKey {
    case bench
    case readingsPerSecond = "readings_per_s"
    case checksum
  }
}
