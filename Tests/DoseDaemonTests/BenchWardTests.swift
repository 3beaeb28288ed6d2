import Testing

@testable import DoseBench
@testable import DoseDaemon

/// The wards the benches hand to a real `dosed` load, and say what the benches claim.
@Suite struct BenchWardTests {
  @Test func soakWardHasItsSourcesAndBackgrounds() throws {
    let ward = try ConfigLoader.parse(SoakBench(dosed: "").ward(), path: "soak.toml")
    #expect(ward.detectors.count == 32)
    #expect(ward.locations.count == 8)
    let sources = ward.detectors.map { $0.options.simulated?.sources.count ?? -1 }
    #expect(sources == (0..<32).map { $0 % 4 == 0 ? 1 : 0 })
    #expect(ward.detectors[31].options.simulated?.backgroundUSvH == 0.2)
  }

  @Test func socketWardLoads() throws {
    let ward = try ConfigLoader.parse(SocketBench(dosed: "", dosectl: "").ward(), path: "s.toml")
    #expect(ward.detectors.count == 16)
    #expect(ward.detectors[3].options.simulated?.backgroundUSvH == 3.1)
  }
}
