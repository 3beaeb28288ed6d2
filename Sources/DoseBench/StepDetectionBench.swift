import DoseCore

/// `detect_step`: how fast each method alarms after a step from background to twice the
/// threshold, and how often it alarms falsely at half the threshold, on the same pulse trains.
public struct StepDetectionBench: Sendable {
  public var tube: TubeModel
  public var backgroundUSvH = 0.1
  public var thresholdUSvH = 2.5
  /// Trials of the step.
  public var trials = 1000
  /// Simulated years at half the threshold for the false-alarm rate.
  public var years = 1.0
  public var seed: UInt64 = 1
  /// Seconds of background before each step, so every method has a full window.
  public var warmUpSeconds = 300
  /// A method that has not alarmed this long after the step counts as this latency.
  public var maxLatencySeconds = 600

  public init(tube: TubeModel) {
    self.tube = tube
  }

  public var stepUSvH: Double { 2 * thresholdUSvH }

  var calibration: Calibration {
    Calibration(
      sensitivityCpmPerUSvH: tube.sensitivityCpmPerUSvH, nuclide: tube.calibrationNuclide,
      source: tube.source, deadTimeSeconds: tube.deadTimeSeconds ?? 0,
      maxObservedCPS: tube.maxObservedCPS)
  }

  func methods() -> [any AlarmMethod] {
    [
      DosedMethod(calibration: calibration, thresholdUSvH: thresholdUSvH),
      FixedWindowMethod(calibration: calibration, thresholdUSvH: thresholdUSvH),
      AdaptivePulsesMethod(calibration: calibration, thresholdUSvH: thresholdUSvH),
    ]
  }

  /// ln(ARL)/KL with ARL one year, λ₁ at 2× and λ₀ at 0.5× the threshold (issue 5).
  public var boundLatencySeconds: Double {
    PoissonCUSUM.boundDelay(
      lambda1: calibration.observedCountRate(doseRateUSvH: stepUSvH),
      lambda0: calibration.observedCountRate(doseRateUSvH: 0.5 * thresholdUSvH),
      arlSeconds: ThresholdTest.secondsPerYear)
  }

  public func run() -> [StepDetectionResult] {
    let latencies = measureLatencies()
    let falseAlarms = measureFalseAlarms()
    return methods().enumerated().map { index, method in
      let (median, p95) = quantiles(latencies[index])
      return StepDetectionResult(
        tube: tube.name, backgroundUSvH: backgroundUSvH, thresholdUSvH: thresholdUSvH,
        stepUSvH: stepUSvH, method: method.name, latencyMedianSeconds: median,
        latencyP95Seconds: p95, falseAlarmsPerYear: falseAlarms[index] / years,
        boundLatencySeconds: boundLatencySeconds)
    }
  }

  /// Latency of each method, one value per trial: from the step to the end of the second in
  /// which the method first alarms.
  func measureLatencies() -> [[Double]] {
    let background = observedMean(calibration, doseUSvH: backgroundUSvH)
    let high = observedMean(calibration, doseUSvH: stepUSvH)
    var methods = methods()
    var latencies = Array(repeating: [Double](), count: methods.count)
    var train = PulseTrain(seed: seed)
    var times: [Double] = []
    for _ in 0..<trials {
      for index in methods.indices { methods[index].reset() }
      var end = 0.0
      for _ in 0..<warmUpSeconds {
        end += 1
        let counts = train.next(mean: background, withTimes: true)
        for index in methods.indices {
          _ = methods[index].step(counts: counts, end: end, times: train.times)
        }
      }
      // The step falls at a uniform point u of the next second.
      let u = train.unit()
      let stepAt = end + u
      var pending = Set(methods.indices)
      var second = 0
      while !pending.isEmpty && second <= maxLatencySeconds {
        end += 1
        second += 1
        times.removeAll(keepingCapacity: true)
        var counts: UInt64
        if second == 1 {
          // Background before u, the raised rate after it.
          counts = train.next(mean: background * u, withTimes: true)
          times.append(contentsOf: train.times.map { $0 * u })
          let after = train.next(mean: high * (1 - u), withTimes: true)
          times.append(contentsOf: train.times.map { u + $0 * (1 - u) })
          counts += after
        } else {
          counts = train.next(mean: high, withTimes: true)
          times.append(contentsOf: train.times)
        }
        for index in methods.indices {
          let alarming = methods[index].step(counts: counts, end: end, times: times)
          if alarming && pending.contains(index) {
            pending.remove(index)
            latencies[index].append(end - stepAt)
          }
        }
      }
      for index in pending { latencies[index].append(Double(maxLatencySeconds)) }
    }
    return latencies
  }

  /// Alarm onsets of each method over `years` at half the threshold.
  func measureFalseAlarms() -> [Double] {
    let mean = observedMean(calibration, doseUSvH: 0.5 * thresholdUSvH)
    var methods = methods()
    var alarming = Array(repeating: false, count: methods.count)
    var onsets = Array(repeating: 0.0, count: methods.count)
    var train = PulseTrain(seed: seed &+ 0x5EED)
    let seconds = Int(years * ThresholdTest.secondsPerYear)
    var end = 0.0
    for _ in 0..<seconds {
      end += 1
      let counts = train.next(mean: mean, withTimes: true)
      for index in methods.indices {
        let now = methods[index].step(counts: counts, end: end, times: train.times)
        if now && !alarming[index] { onsets[index] += 1 }
        alarming[index] = now
      }
    }
    return onsets
  }
}

public struct StepDetectionResult: Sendable, Hashable, Codable {
  public var bench = "detect_step"
  public var tube: String
  public var backgroundUSvH: Double
  public var thresholdUSvH: Double
  public var stepUSvH: Double
  public var method: String
  public var latencyMedianSeconds: Double
  public var latencyP95Seconds: Double
  public var falseAlarmsPerYear: Double
  public var boundLatencySeconds: Double

  enum CodingKeys: String, CodingKey {
    case bench, tube, method
    case backgroundUSvH = "background_usv_h"
    case thresholdUSvH = "threshold_usv_h"
    case stepUSvH = "step_usv_h"
    case latencyMedianSeconds = "latency_s_median"
    case latencyP95Seconds = "latency_s_p95"
    case falseAlarmsPerYear = "false_alarms_per_year"
    case boundLatencySeconds = "bound_latency_s"
  }
}
