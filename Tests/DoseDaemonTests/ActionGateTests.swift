import DetectorDrivers
import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

/// Control actions wait for their records off the ward loop; while one waits, another must not
/// decide on the ward it is about to change.
@Suite struct ActionGateTests {
  @Test func twoAddsOfOnePackageAtOnceRecordItOnce() async throws {
    let directory = "/tmp/dosed-gate-\(UUID().uuidString.prefix(8))"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let engine = Engine(
      config: try ConfigLoader.parse(smallWard, path: "t.toml"), clock: DoseClock())
    let store = try RecordStore(directory: directory)
    try await engine.attach(store: store)
    let request = WasteAddRequest(
      id: nil, package: "twice", store: "store", activitiesBq: ["Lu-177": 1e6], massG: nil,
      at: nil, surfaceUSvH: nil, route: "nca")
    let outcomes = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<8 {
        group.addTask { (try? await engine.addWaste(request, actor: nil)) != nil }
      }
      return await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(outcomes.filter { $0 }.count == 1)
    #expect(
      try store.events(kinds: ["waste_add"]).filter { $0.message.contains("twice") }.count == 1)
  }
}
