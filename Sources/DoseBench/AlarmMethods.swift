import DoseCore

/// An alarm method under test: fed one second of counts (and pulse times) at a time, says
/// whether it is alarming after that second.
protocol AlarmMethod {
  var name: String { get }
  var needsPulseTimes: Bool { get }
  /// `end`: time at the end of the second; `times`: pulse times inside it (offsets from
  /// `end − 1`), when `needsPulseTimes`.
  mutating func step(counts: UInt64, end: Double, times: [Double]) -> Bool
  mutating func reset()
}

/// dosed itself: a `DetectorMonitor` with the location's alarm test installed and the
/// location's `DoseAlarmTracker`, exactly as the engine combines them.
///
/// The full assessment (exact Poisson interval) is only computed when it could raise or hold the
/// level: a fired test, a window rate at or above the threshold rate (the 95 % lower bound is
/// below the point estimate, so nothing else can raise), or a level already raised. The result
/// is the same as assessing every second.
struct DosedMethod: AlarmMethod {
  let name = "dosed"
  let needsPulseTimes = false
  let calibration: Calibration
  let thresholdUSvH: Double
  private var monitor: DetectorMonitor
  private var tracker: DoseAlarmTracker
  private let key = ThresholdTest.key("bench", .alarm)
  private let thresholdCPS: Double

  init(calibration: Calibration, thresholdUSvH: Double) {
    self.calibration = calibration
    self.thresholdUSvH = thresholdUSvH
    monitor = Self.makeMonitor(calibration, thresholdUSvH)
    tracker = Self.makeTracker(thresholdUSvH)
    thresholdCPS = calibration.observedCountRate(doseRateUSvH: thresholdUSvH)
  }

  static func makeMonitor(_ calibration: Calibration, _ threshold: Double) -> DetectorMonitor {
    var monitor = DetectorMonitor(id: "bench", calibration: calibration)
    monitor.configureTests(
      thresholds: [
        (
          ThresholdTest.key("bench", .alarm),
          ThresholdTest(thresholdUSvH: threshold, calibration: calibration)
        )
      ], limits: [])
    return monitor
  }

  static func makeTracker(_ threshold: Double) -> DoseAlarmTracker {
    // Only the alarm level is under test; warn sits at the same threshold.
    DoseAlarmTracker(warnUSvH: threshold, alarmUSvH: threshold)
  }

  mutating func step(counts: UInt64, end: Double, times: [Double]) -> Bool {
    monitor.ingest(
      Reading(
        detectorID: "bench", counts: counts, intervalSeconds: 1, monotonicSeconds: end,
        wallTime: .distantPast))
    let fired = monitor.thresholdTest(key)?.fired ?? false
    let windowRate = monitor.windowTotals.map { $0.counts / $0.liveSeconds } ?? 0
    guard fired || windowRate >= thresholdCPS || tracker.level != .none else { return false }
    let assessment = monitor.assess(now: end)
    var evidence: [AlarmLevel: AlarmEvidence] = [:]
    if let test = assessment.thresholdTests[key]?.evidence { evidence[.alarm] = test }
    let interval = assessment.estimate?.doseRateInterval
    // The engine's lower-bound path (`DetectorSummary.strictLowerBound`), 1 s readings.
    let alpha = DoseAlarmTracker.lowerBoundAlpha(
      falseAlarmsPerYear: tracker.falseAlarmsPerYear, readingIntervalSeconds: 1)
    let lowerBound = assessment.estimate.flatMap { estimate in
      DoseAlarmTracker.strictLowerBound(estimate, alpha: alpha).map {
        StrictLowerBound(
          doseRateUSvH: $0, alpha: alpha, counts: Double(estimate.counts),
          seconds: estimate.liveSeconds)
      }
    }
    tracker.update(interval: interval, lowerBound: lowerBound, fired: evidence)
    return tracker.level == .alarm
  }

  mutating func reset() {
    monitor = Self.makeMonitor(calibration, thresholdUSvH)
    tracker = Self.makeTracker(thresholdUSvH)
  }
}

/// GQ GMC / MightyOhm style: counts of the last 60 s, as cpm, converted with the sensitivity,
/// updated every second; alarm when it reaches the threshold.
struct FixedWindowMethod: AlarmMethod {
  let name = "fixed_window_60s"
  let needsPulseTimes = false
  let thresholdCPM: Double
  private var ring = [UInt64](repeating: 0, count: 60)
  private var index = 0
  private var sum: UInt64 = 0
  private var filled = 0

  init(calibration: Calibration, thresholdUSvH: Double) {
    thresholdCPM = thresholdUSvH * calibration.sensitivityCpmPerUSvH
  }

  mutating func step(counts: UInt64, end: Double, times: [Double]) -> Bool {
    sum = sum - ring[index] + counts
    ring[index] = counts
    index = (index + 1) % 60
    filled = Swift.min(filled + 1, 60)
    // Like the counters, the first minute shows the counts so far scaled to a minute.
    return Double(sum) * 60 / Double(filled) >= thresholdCPM
  }

  mutating func reset() {
    ring = [UInt64](repeating: 0, count: 60)
    index = 0
    sum = 0
    filled = 0
  }
}

/// Rad Pro "adaptive fast" style: the rate over the last 20 pulses, (20 − 1)/(t₂₀ − t₁),
/// shown every second; alarm when it reaches the threshold.
struct AdaptivePulsesMethod: AlarmMethod {
  let name = "adaptive_20_pulses"
  let needsPulseTimes = true
  let thresholdCPS: Double
  private var ring = [Double](repeating: 0, count: 20)
  private var index = 0
  private var seen = 0

  init(calibration: Calibration, thresholdUSvH: Double) {
    thresholdCPS = thresholdUSvH * calibration.sensitivityCpmPerUSvH / 60
  }

  mutating func step(counts: UInt64, end: Double, times: [Double]) -> Bool {
    for offset in times {
      ring[index] = end - 1 + offset
      index = (index + 1) % 20
      seen += 1
    }
    guard seen >= 20 else { return false }
    let newest = ring[(index + 19) % 20]
    let oldest = ring[index]
    guard newest > oldest else { return true }
    return 19 / (newest - oldest) >= thresholdCPS
  }

  mutating func reset() {
    ring = [Double](repeating: 0, count: 20)
    index = 0
    seen = 0
  }
}
