import Foundation
import Testing

/// docs/architecture.md's rules for DoseFollow and DoseBoard, read from the sources.
@Suite struct BoardArchitectureTests {
  static func files(_ target: String) throws -> [(String, String)] {
    let folder = packageRoot.appendingPathComponent("Sources/\(target)")
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
      ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8))
    }
  }

  static func imports(_ source: String) -> Set<String> {
    Set(source.matches(of: /(?m)^import ([A-Za-z_]+)/).map { String($0.output.1) })
  }

  @Test func theBoardNeverLinksTheDaemon() throws {
    for target in ["DoseBoard", "dosed-board", "DoseFollow"] {
      for (file, source) in try Self.files(target) {
        #expect(!Self.imports(source).contains("DoseDaemon"), "\(target)/\(file)")
        #expect(!Self.imports(source).contains("DoseNotify"), "\(target)/\(file)")
      }
    }
  }

  @Test func theFollowerIsTheWireAndFoundationOnly() throws {
    for (file, source) in try Self.files("DoseFollow") {
      #expect(
        Self.imports(source).isSubset(of: ["DoseProtocol", "Foundation", "Synchronization"]),
        "\(file)")
    }
    let health = try #require(try Self.files("DoseFollow").first { $0.0 == "LinkHealth.swift" })
    for clock in ["Date()", "ContinuousClock", "SuspendingClock", ".now", "Task.sleep"] {
      #expect(!health.1.contains(clock), "LinkHealth uses \(clock)")
    }
  }

  @Test func smallFiles() throws {
    for target in ["DoseBoard", "dosed-board", "DoseFollow"] {
      for (file, source) in try Self.files(target) {
        #expect(
          source.split(separator: "\n", omittingEmptySubsequences: false).count <= 600, "\(file)")
      }
    }
  }
}
