import Foundation

/// The value axis of a chart, ranged to the data: from a little below its lowest value to a
/// little above its highest, never from 0. A dose rate that varies by a few percent around
/// 25 µSv/h fills a chart drawn from 0 to its maximum; ranged to the data, the variation shows.
/// Shared by dosectl's terminal chart and dosed-board's SVG charts.
public struct ChartRange: Sendable, Hashable {
  public var low: Double
  public var high: Double

  /// The range of `values` (non-finite ones ignored) with `margin` of the span added on each
  /// side; nil when there is no finite value. A flat series gets ± 5 % of its value (or ± 0.01
  /// at zero), so a line is drawn in the middle instead of on an edge. When every value is 0 or
  /// more the range does not go below 0: a dose rate axis never shows negative rates it does not
  /// hold.
  public init?(_ values: some Sequence<Double>, margin: Double = 0.1) {
    var lowest = Double.infinity
    var highest = -Double.infinity
    for value in values where value.isFinite {
      lowest = Swift.min(lowest, value)
      highest = Swift.max(highest, value)
    }
    guard lowest <= highest else { return nil }
    var pad = (highest - lowest) * Swift.max(0, margin)
    if pad == 0 { pad = lowest == 0 ? 0.01 : abs(lowest) * 0.05 }
    low = lowest - pad
    high = highest + pad
    if lowest >= 0 { low = Swift.max(0, low) }
  }

  public init(low: Double, high: Double) {
    self.low = low
    self.high = high
  }

  public var span: Double { high - low }

  /// Where `value` falls, 0 at `low` and 1 at `high`.
  public func fraction(_ value: Double) -> Double {
    span > 0 ? (value - low) / span : 0.5
  }
}
