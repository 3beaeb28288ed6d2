import Foundation
import GRDB

/// One detector's readings over one wall-clock minute: what history and export show.
public struct MinuteAggregate: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord,
  DoseRecord
{
  public static let databaseTableName = "minute_aggregate"

  public var detector: String
  /// Start of the minute.
  public var minute: Date
  public var counts: UInt64
  public var liveSeconds: Double
  public var readings: Int
  /// Dose rate of the detector's estimate after each `ok` reading of the minute; nil when none
  /// was `ok` (a faulty minute has counts but no dose).
  public var doseMinUSvH: Double?
  public var doseMeanUSvH: Double?
  public var doseMaxUSvH: Double?

  enum CodingKeys: String, CodingKey {
    case detector, minute, counts, readings
    case liveSeconds = "live_s"
    case doseMinUSvH = "dose_min_usv_h"
    case doseMeanUSvH = "dose_mean_usv_h"
    case doseMaxUSvH = "dose_max_usv_h"
  }

  public init(
    detector: String, minute: Date, counts: UInt64, liveSeconds: Double, readings: Int,
    doseMinUSvH: Double?, doseMeanUSvH: Double?, doseMaxUSvH: Double?
  ) {
    self.detector = detector
    self.minute = minute
    self.counts = counts
    self.liveSeconds = liveSeconds
    self.readings = readings
    self.doseMinUSvH = doseMinUSvH
    self.doseMeanUSvH = doseMeanUSvH
    self.doseMaxUSvH = doseMaxUSvH
  }
}

extension MinuteAggregate {
  /// Two parts of the same detector-minute as one: counts, live time and readings add up; the
  /// dose range spans both; the mean is weighted by each part's readings.
  func merged(with other: MinuteAggregate) -> MinuteAggregate {
    let (sum, overflow) = counts.addingReportingOverflow(other.counts)
    var result = self
    result.counts = overflow ? .max : sum
    result.liveSeconds += other.liveSeconds
    result.readings += other.readings
    result.doseMinUSvH = [doseMinUSvH, other.doseMinUSvH].compactMap { $0 }.min()
    result.doseMaxUSvH = [doseMaxUSvH, other.doseMaxUSvH].compactMap { $0 }.max()
    switch (doseMeanUSvH, other.doseMeanUSvH) {
    case (let a?, let b?):
      let total = Double(readings + other.readings)
      result.doseMeanUSvH =
        total > 0 ? (a * Double(readings) + b * Double(other.readings)) / total : (a + b) / 2
    case (let a, let b): result.doseMeanUSvH = a ?? b
    }
    return result
  }
}
