import Foundation

/// Finds when a decaying quantity has fallen to a threshold for good.
///
/// Daughters can grow in first, so the quantity need not fall monotonically: it is sampled on
/// a geometric grid (each step 2 % longer than the last, from 1 s to the horizon), the last
/// sample above the threshold is found, and the crossing after it is bisected to 1 ms. The
/// answer is the earliest time after which no sample is above the threshold; a bump narrower
/// than 2 % of its own time could slip between samples, far narrower than any in-growth peak
/// (which is as wide as the shorter half-life of the pair).
enum ReleaseSearch {
  static let gridRatio = 1.02
  static let firstStepSeconds = 1.0
  static let toleranceSeconds = 1e-3

  /// Seconds after the reference time at which `value` is ≤ `threshold` and stays so; nil if
  /// it is still above at `horizonSeconds`.
  static func firstTimeStayingAtOrBelow(
    _ threshold: Double, horizonSeconds: Double, value: (Double) -> Double
  ) -> Double? {
    // "Not ≤" so that a NaN counts as above: an unknown value never releases.
    func above(_ seconds: Double) -> Bool { !(value(seconds) <= threshold) }
    var grid: [Double] = [0]
    var next = firstStepSeconds
    while next < horizonSeconds {
      grid.append(next)
      next *= gridRatio
    }
    grid.append(horizonSeconds)
    guard let lastAbove = grid.lastIndex(where: above) else { return 0 }
    guard lastAbove + 1 < grid.count else { return nil }
    var low = grid[lastAbove]
    var high = grid[lastAbove + 1]
    for _ in 0..<200 where high - low > toleranceSeconds {
      let middle = (low + high) / 2
      if above(middle) { low = middle } else { high = middle }
    }
    return high
  }
}
