import ArgumentParser
import DoseProtocol
import Foundation

/// `dosectl reload`: the daemon re-reads its configuration file, as on SIGHUP.
struct Reload: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Re-read the configuration file (as systemctl reload does); unchanged detectors "
      + "keep running. An invalid file is rejected and the running configuration stays.")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let (_, line) = try query("reload", options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    let reply = try decode(ReloadReply.self, line)
    print("reloaded \(DisplayText.escaped(reply.config))")
    print(Self.describe("detectors", reply.detectors))
    print(Self.describe("locations", reply.locations))
  }

  /// "detectors: 3 unchanged; changed r2; added r9".
  static func describe(_ name: String, _ changes: ReloadChanges) -> String {
    var parts = ["\(changes.unchanged.count) unchanged"]
    for (verb, ids) in [
      ("changed", changes.changed), ("added", changes.added), ("removed", changes.removed),
    ] where !ids.isEmpty {
      parts.append("\(verb) \(ids.joined(separator: ", "))")
    }
    return DisplayText.escaped("\(name): " + parts.joined(separator: "; "))
  }
}
