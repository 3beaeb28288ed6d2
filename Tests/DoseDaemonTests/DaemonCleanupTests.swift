import Foundation
import Synchronization
import Testing

/// `.stopsDaemons` stops, and waits for, every daemon a test started.
struct DaemonCleanupTests {
  @Test func daemonsStartedInTheScopeAreStoppedWhenItEnds() async throws {
    let test = try #require(Test.current)
    let directory = Mutex<String?>(nil)
    try await StopsDaemons().provideScope(for: test, testCase: Test.Case.current) {
      let daemon = try await TestDaemon.start(minimalWard)
      directory.withLock { $0 = daemon.directory }
      #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
    }
    let path = try #require(directory.withLock { $0 })
    // Stopped and awaited: its socket and directory are gone by the time the scope returns.
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}
