import Foundation
import Testing

/// The rules of docs/architecture.md that a reading of the sources can check: the ward model
/// stays pure, no type grows into a god object, no file grows past reading size.
@Suite struct ArchitectureRulesTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func swiftFiles(under path: String) throws -> [URL] {
    let base = root.appendingPathComponent(path)
    let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
    return (enumerator?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "swift" }
  }

  /// The ward model decides; it does not do I/O, read a clock or speak the wire.
  @Test func theWardModelImportsNoIOAndReadsNoClock() throws {
    let files = try Self.swiftFiles(under: "Sources/DoseDaemon/Ward")
    #expect(files.count > 5)
    let allowed: Set<String> = ["DoseCore", "DetectorDrivers", "Foundation"]
    for file in files {
      let text = try String(contentsOf: file, encoding: .utf8)
      for line in text.split(separator: "\n") where line.hasPrefix("import ") {
        let module = String(line.dropFirst("import ".count))
        #expect(allowed.contains(module), "\(file.lastPathComponent) imports \(module)")
      }
      for forbidden in ["Date()", "ContinuousClock", "clock.now()", "Task.sleep", "DispatchQueue"] {
        #expect(!text.contains(forbidden), "\(file.lastPathComponent) uses \(forbidden)")
      }
    }
  }

  /// No type in the daemon holds more than 12 stored properties.
  @Test func noDaemonTypeHoldsMoreThanTwelveStoredProperties() throws {
    var counts: [String: Int] = [:]
    for file in try Self.swiftFiles(under: "Sources/DoseDaemon") {
      let text = try String(contentsOf: file, encoding: .utf8)
      for (type, count) in StoredPropertyCounter.count(text) {
        counts["\(file.lastPathComponent): \(type)"] = count
      }
    }
    #expect(counts.count > 50)
    let big = counts.filter { $0.value > 12 }.sorted { $0.key < $1.key }
    #expect(big.isEmpty, "\(big)")
    // The counter sees the engine's stored state (a check of the check).
    #expect(counts["Engine.swift: Engine"].map { $0 >= 8 } == true, "\(counts.keys.sorted())")
  }

  @Test func noSourceOrTestFileIsLongerThan600Lines() throws {
    for file in try Self.swiftFiles(under: "Sources") + Self.swiftFiles(under: "Tests") {
      let lines = try String(contentsOf: file, encoding: .utf8).split(
        separator: "\n", omittingEmptySubsequences: false
      ).count
      #expect(lines <= 600, "\(file.path): \(lines) lines")
    }
  }
}

/// Counts the stored properties each type declares in its body (not in extensions, which cannot
/// add any): `var`/`let` at the type's own brace depth that are not static and not computed.
enum StoredPropertyCounter {
  static func count(_ source: String) -> [(String, Int)] {
    var result: [(String, Int)] = []
    var stack: [(name: String, depth: Int, count: Int)] = []
    var depth = 0
    let typeHead =
      #/^\s*(?:(?:public|private|fileprivate|internal|package|final|nonisolated|@\w+)\s+)*(?:struct|class|actor|enum)\s+(\w+)/#
    let property =
      #/^\s*(?:(?:public|private|fileprivate|internal|package|nonisolated|lazy|weak|unowned|@\w+|private\(set\)|package\(set\)|public\(set\))\s+)*(var|let)\s+\w+/#
    for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = String(raw.split(separator: "//", maxSplits: 1).first ?? "")
      if let head = try? typeHead.firstMatch(in: line), line.contains("{") {
        stack.append((String(head.1), depth + 1, 0))
      } else if let top = stack.last, depth == top.depth,
        let match = try? property.firstMatch(in: line), !line.contains("static ")
      {
        let rest = line[match.range.upperBound...]
        let beforeBrace = rest.split(separator: "{", maxSplits: 1).first ?? ""
        let computed =
          match.1 == "var" && rest.contains("{") && !beforeBrace.contains("=")
          && !rest.contains("didSet") && !rest.contains("willSet")
        if !computed { stack[stack.count - 1].count += 1 }
      }
      depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
      while let top = stack.last, depth < top.depth {
        result.append((top.name, top.count))
        stack.removeLast()
      }
    }
    return result
  }
}
