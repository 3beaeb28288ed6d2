import DoseCore
import Foundation

/// Folds readings into one `MinuteAggregate` per detector and wall-clock minute, and hands back
/// each minute once a reading of a later minute arrives (or on `flush`).
struct MinuteAggregator {
  private struct Open {
    var minute: Date
    var counts: UInt64 = 0
    var live = 0.0
    var readings = 0
    var doses: (min: Double, sum: Double, max: Double, n: Int)?
  }

  private var open: [String: Open] = [:]

  static func minute(of date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
  }

  /// Adds a reading (and the detector's dose rate after it, when `ok`); returns the minute it
  /// closed, if any.
  mutating func add(_ reading: Reading, doseRateUSvH: Double?) -> MinuteAggregate? {
    let minute = Self.minute(of: reading.wallTime)
    var closed: MinuteAggregate?
    var current = open[reading.detectorID] ?? Open(minute: minute)
    if current.minute != minute {
      closed = Self.aggregate(reading.detectorID, current)
      current = Open(minute: minute)
    }
    let (sum, overflow) = current.counts.addingReportingOverflow(reading.counts)
    current.counts = overflow ? .max : sum
    current.live += reading.intervalSeconds
    current.readings += 1
    if let dose = doseRateUSvH, dose.isFinite {
      if var doses = current.doses {
        doses.min = Swift.min(doses.min, dose)
        doses.max = Swift.max(doses.max, dose)
        doses.sum += dose
        doses.n += 1
        current.doses = doses
      } else {
        current.doses = (dose, dose, dose, 1)
      }
    }
    open[reading.detectorID] = current
    return closed
  }

  /// Every minute still open (at shutdown): partial minutes are kept, not lost.
  mutating func flush() -> [MinuteAggregate] {
    let result = open.sorted { $0.key < $1.key }.map { Self.aggregate($0.key, $0.value) }
    open.removeAll()
    return result
  }

  private static func aggregate(_ detector: String, _ open: Open) -> MinuteAggregate {
    MinuteAggregate(
      detector: detector, minute: open.minute, counts: open.counts, liveSeconds: open.live,
      readings: open.readings, doseMinUSvH: open.doses?.min,
      doseMeanUSvH: open.doses.map { $0.sum / Double($0.n) }, doseMaxUSvH: open.doses?.max)
  }
}
