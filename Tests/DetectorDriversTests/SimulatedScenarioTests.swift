import DoseCore
import Foundation
import Testing

@testable import DetectorDrivers

struct SimulatedScenarioTests {
  let lu177 = NuclideTable.lookup("Lu-177")!

  @Test func decayingSourceHalvesAfterOneHalfLife() {
    let source = SimulatedScenario.Source(
      doseRateUSvH: 20, halfLifeSeconds: lu177.halfLifeSeconds, start: 0, end: nil)
    let t = lu177.halfLifeSeconds
    // A 1 s window around one half-life: the mean is the instantaneous value, 10 µSv/h.
    #expect(abs(source.meanDoseRate(from: t, to: t + 1) - 10) < 1e-4)
  }

  @Test func meanOverOneHalfLifeIsHalfOverLn2() {
    // ∫₀^T D0·e^(−λt) dt / T = D0·(1 − ½)/(λT) = D0 / (2 ln 2) = 0.72135·D0.
    let source = SimulatedScenario.Source(
      doseRateUSvH: 1, halfLifeSeconds: 3600, start: 0, end: nil)
    #expect(abs(source.meanDoseRate(from: 0, to: 3600) - 0.5 / log(2.0)) < 1e-12)
  }

  @Test func sourceCountsOnlyWhilePresent() {
    let source = SimulatedScenario.Source(
      doseRateUSvH: 8, halfLifeSeconds: nil, start: 100, end: 200)
    #expect(source.meanDoseRate(from: 0, to: 100) == 0)
    #expect(source.meanDoseRate(from: 200, to: 300) == 0)
    #expect(source.meanDoseRate(from: 150, to: 160) == 8)
    // Half of [50, 150] overlaps the source.
    #expect(source.meanDoseRate(from: 50, to: 150) == 4)
  }

  @Test func backgroundAddsToSources() {
    let scenario = SimulatedScenario(
      backgroundUSvH: 0.1,
      sources: [.init(doseRateUSvH: 2, halfLifeSeconds: nil, start: 0, end: nil)], seed: 1)
    #expect(abs(scenario.meanDoseRate(from: 0, to: 10) - 2.1) < 1e-12)
  }

  @Test func faultsHaveWindows() {
    let scenario = SimulatedScenario(
      faults: [
        .init(kind: .silence, start: 10, end: 20), .init(kind: .disconnect, start: 30, end: nil),
      ], seed: 1)
    #expect(scenario.fault(at: 5) == nil)
    #expect(scenario.fault(at: 10) == .silence)
    #expect(scenario.fault(at: 20) == nil)
    #expect(scenario.fault(at: 1e9) == .disconnect)
  }
}

struct SimulatedCounterTests {
  @Test func expectedCountsIncludeDeadTimeLosses() {
    // 10 µSv/h × 106 cpm per µSv/h = 1060 cpm = 17.667 cps true; τ = 190 µs →
    // m = n/(1 + nτ) = 17.667/1.0033567 = 17.6076 cps; over 60 s: 1056.46 counts.
    let counter = SimulatedCounter(
      scenario: SimulatedScenario(backgroundUSvH: 10, seed: 1), sensitivityCpmPerUSvH: 106,
      deadTimeSeconds: 190e-6)
    #expect(abs(counter.expectedCounts(from: 0, to: 60) - 1056.457) < 0.01)
  }

  @Test func silenceGivesZeroAndStuckRepeats() {
    var counter = SimulatedCounter(
      scenario: SimulatedScenario(
        backgroundUSvH: 50,
        faults: [
          .init(kind: .silence, start: 10, end: 20), .init(kind: .stuck, start: 20, end: 30),
        ],
        seed: 3), sensitivityCpmPerUSvH: 106, deadTimeSeconds: 0)
    let before = counter.count(from: 9, to: 10 - 1e-9)
    #expect(before > 0)
    #expect(counter.count(from: 10, to: 11) == 0)
    let lastGood = counter.count(from: 11, to: 19.5)
    #expect(lastGood == 0)  // still silent at 19.5
    let stuck = (0..<5).map { counter.count(from: 20 + Double($0), to: 21 + Double($0)) }
    // Stuck repeats the last value the counter produced.
    #expect(Set(stuck).count == 1)
  }

  @Test func sameSeedReplaysExactly() {
    let scenario = SimulatedScenario(backgroundUSvH: 0.3, seed: 77)
    var a = SimulatedCounter(scenario: scenario, sensitivityCpmPerUSvH: 106, deadTimeSeconds: 0)
    var b = SimulatedCounter(scenario: scenario, sensitivityCpmPerUSvH: 106, deadTimeSeconds: 0)
    var first: [UInt64] = []
    var second: [UInt64] = []
    for t in 0..<50 {
      first.append(a.count(from: Double(t), to: Double(t + 1)))
      second.append(b.count(from: Double(t), to: Double(t + 1)))
    }
    #expect(first == second)
  }
}
