import Foundation
import Testing

/// Runs `scripts/test-peers/decay_vectors.py` (radioactivedecay, ICRP-107); fails with an
/// install hint when the package or Python is missing, as `RadiaCodeVectors` does.
enum DecayOracle {
  static let install = "python3 -m pip install radioactivedecay==0.6.1"

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  struct Vectors: Sendable {
    let timesSeconds: [Double]
    /// Per parent, per time: activity of each radioactive nuclide for 1 Bq of the parent.
    let results: [String: [[String: Double]]]
  }

  static var script: String {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // DoseCoreTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()  // repository root
      .appendingPathComponent("scripts/test-peers/decay_vectors.py").path
  }

  /// Runs the generator on a thread of its own: importing numpy and scipy takes a while, and a
  /// blocked test thread would starve the timing-sensitive tests running beside it.
  static func load(parents: [String]) async throws -> Vectors {
    let data = try await withCheckedThrowingContinuation {
      (done: CheckedContinuation<Data, any Error>) in
      Thread { done.resume(with: Result { try generate(parents: parents) }) }.start()
    }
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let version = json["package_version"] as? String
    guard version == json["expected_version"] as? String else {
      throw Failure(description: "radioactivedecay \(version ?? "?") installed; \(install)")
    }
    let times = try #require(json["times_s"] as? [Double])
    let results = try #require(json["results"] as? [String: [[String: Double]]])
    return Vectors(timesSeconds: times, results: results)
  }

  static func generate(parents: [String]) throws -> Data {
    try PythonPeer.run(script: script, arguments: parents, install: install)
  }
}
