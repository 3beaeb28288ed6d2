import Foundation
import Testing

@testable import DoseCore

/// `ClearanceCurve` arithmetic against the `glowgreen` package (`Clearance_1m`), through
/// `scripts/test-peers/glowgreen_vectors.py`: dose rates at 1 m (1e-12 relative: the same
/// closed forms) and times to reach levels (1e-6 relative: glowgreen solves the bi-exponential
/// with scipy `fsolve`, whose default tolerance is 1.49e-8 relative; the script checks every
/// time against glowgreen's own dose rate to 1e-10). The script fails — not skips — when
/// glowgreen is missing.
struct GlowgreenOracleTests {
  @Test func curvesMatchGlowgreen() async throws {
    let json = try await GlowgreenVectors.load()
    #expect(json["distance_exponent"] as? Double == DistanceLaw.glowgreenPatient.exponent)
    let curves = try #require(json["curves"] as? [[String: Any]])
    #expect(curves.count == 8)
    var times = 0
    for entry in curves {
      let name = try #require(entry["name"] as? String)
      let curve = try GlowgreenVectors.curve(entry)
      let initial = try #require(entry["initial_1m_usv_h"] as? Double)
      #expect(isClose(curve.doseRateUSvH(at: 0), initial, rel: 1e-12), "\(name)")
      for point in try #require(entry["dose_rates"] as? [[String: Double]]) {
        let expected = try #require(point["usv_h"])
        let actual = curve.doseRateUSvH(at: try #require(point["hours"]) * Time.hour)
        #expect(isClose(actual, expected, rel: 1e-12), "\(name) at \(point["hours"]!) h")
      }
      for target in try #require(entry["times_to_level"] as? [[String: Any]]) {
        let level = try #require(target["level_usv_h"] as? Double)
        let hours = try #require(target["hours"] as? Double)
        let actual = curve.timeToReach(level).map { $0 / Time.hour }
        #expect(isClose(actual, hours, rel: 1e-6), "\(name) to \(level) µSv/h")
        times += 1
      }
    }
    #expect(times >= 50)
  }
}

/// Runs the generator; fails with an install hint when the package is missing.
enum GlowgreenVectors {
  static let install = "python3 -m pip install glowgreen==0.1.1"

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static var script: String {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // DoseCoreTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()  // repository root
      .appendingPathComponent("scripts/test-peers/glowgreen_vectors.py").path
  }

  /// The Swift curve for a glowgreen model: parameters in hours, the initial dose rate given at
  /// `distance_m` and moved to 1 m by glowgreen's inverse 1.5 power.
  static func curve(_ entry: [String: Any]) throws -> ClearanceCurve {
    let model = try #require(entry["model"] as? String)
    let params = try #require(entry["params"] as? [Double])
    let distance = try #require(entry["distance_m"] as? Double)
    let initial = DistanceLaw.glowgreenPatient.convert(params[0], fromM: distance, toM: 1)
    switch model {
    case "exponential":
      return .monoExponential(initialUSvH: initial, halfLifeSeconds: params[1] * Time.hour)
    case "biexponential":
      return .biExponential(
        initialUSvH: initial, firstFraction: params[1],
        firstHalfLifeSeconds: params[2] * Time.hour, secondHalfLifeSeconds: params[3] * Time.hour)
    default:
      throw Failure(description: "unknown glowgreen model \(model)")
    }
  }

  /// Runs the generator on a thread of its own: importing scipy takes a while, and a blocked
  /// test thread would starve the tests running beside it.
  static func load() async throws -> [String: Any] {
    let data = try await withCheckedThrowingContinuation {
      (done: CheckedContinuation<Data, any Error>) in
      Thread { done.resume(with: Result { try generate() }) }.start()
    }
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let version = json["package_version"] as? String
    guard version == json["expected_version"] as? String else {
      throw Failure(description: "glowgreen \(version ?? "?") installed; \(install)")
    }
    return json
  }

  static func generate() throws -> Data {
    try PythonPeer.run(script: script, install: install)
  }
}
