import DoseCore

/// One second of a simulated pulse train: its count and the pulse times inside it.
///
/// Pulses of a Poisson process: the count of each second is Poisson, and given the count the
/// times are independent and uniform in the second. Every method in a benchmark sees the same
/// seconds, so differences come from the methods, not the luck of the draw.
struct PulseTrain {
  private var random: SeededGenerator
  /// Pulse times of the latest second, ascending, seconds from its start.
  private(set) var times: [Double] = []

  init(seed: UInt64) {
    random = SeededGenerator(seed: seed)
    times.reserveCapacity(64)
  }

  /// Draws the next second at mean `mean` counts; `withTimes` also draws pulse times (only the
  /// pulse-by-pulse method needs them).
  mutating func next(mean: Double, withTimes: Bool) -> UInt64 {
    let counts = PoissonSampler.sample(mean: mean, using: &random)
    if withTimes {
      times.removeAll(keepingCapacity: true)
      for _ in 0..<counts { times.append(random.nextUnit()) }
      times.sort()
    }
    return counts
  }

  mutating func unit() -> Double { random.nextUnit() }
}

/// Counts a rate gives a bare counter in one reading: the dose through the calibration and its
/// dead-time model (observed counts).
func observedMean(_ calibration: Calibration, doseUSvH: Double, seconds: Double = 1) -> Double {
  calibration.observedCountRate(doseRateUSvH: doseUSvH) * seconds
}

/// Median and 95th percentile of a sample (nearest rank).
func quantiles(_ values: [Double]) -> (median: Double, p95: Double) {
  guard !values.isEmpty else { return (.nan, .nan) }
  let sorted = values.sorted()
  func rank(_ q: Double) -> Double {
    sorted[
      Swift.min(sorted.count - 1, Swift.max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
  }
  return (rank(0.5), rank(0.95))
}
