import Foundation

/// What a counter said: counts over an interval, stamped by the host.
///
/// Drivers produce Readings and never convert to dose; the core does that in one place
/// (`RateEstimator` with a `Calibration`). A driver that only has a running pulse total
/// differences it before emitting.
public struct Reading: Sendable, Hashable {
  public var detectorID: String
  /// Counts registered during the interval (as observed, before dead-time correction).
  public var counts: UInt64
  /// Length of the counting interval in seconds, measured by the host where the device allows.
  public var intervalSeconds: Double
  /// Host monotonic time at the end of the interval, in seconds of the daemon's clock.
  public var monotonicSeconds: Double
  /// Wall-clock time at the end of the interval.
  public var wallTime: Date
  /// The device's own rate, for display comparison only (never used for dose).
  public var deviceRateCPS: Double?
  /// Pulse-height histogram of the interval's events (ADC channel → events), from spectrometric
  /// detectors only; its total equals `counts`. Converted to dose by `SpectrumDoseModel`.
  public var spectrum: [UInt32: UInt32]?
  /// The device's own channel → keV polynomial for `spectrum` (a₀, a₁, a₂, …), from devices
  /// that report one (RadiaCode: the spectrum header). `SpectrumDoseModel` uses it only when the
  /// configuration gives no energy calibration.
  public var energyCalibration: [Double]?

  public init(
    detectorID: String, counts: UInt64, intervalSeconds: Double, monotonicSeconds: Double,
    wallTime: Date, deviceRateCPS: Double? = nil, spectrum: [UInt32: UInt32]? = nil,
    energyCalibration: [Double]? = nil
  ) {
    self.detectorID = detectorID
    self.counts = counts
    self.intervalSeconds = intervalSeconds
    self.monotonicSeconds = monotonicSeconds
    self.wallTime = wallTime
    self.deviceRateCPS = deviceRateCPS
    self.spectrum = spectrum
    self.energyCalibration = energyCalibration
  }
}
