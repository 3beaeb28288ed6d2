import Synchronization
import Testing

/// Stops every `TestDaemon` a test started, and waits for each to stop, when the test ends
/// (passed, failed or thrown). Swift has no `async defer`; a `defer { Task { await stop() } }`
/// would leave the daemon running into the next test. Apply `.stopsDaemons` to a suite.
struct StopsDaemons: SuiteTrait, TestTrait, TestScoping {
  /// The daemons started under the current test.
  final class Registry: Sendable {
    private let daemons = Mutex<[TestDaemon]>([])

    func add(_ daemon: TestDaemon) {
      daemons.withLock { $0.append(daemon) }
    }

    /// Newest first, so a restarted daemon stops before the directory it shares is removed.
    func stopAll() async {
      let all = daemons.withLock { all in
        defer { all = [] }
        return all
      }
      for daemon in all.reversed() {
        await daemon.stop()
      }
    }
  }

  @TaskLocal static var registry: Registry?

  var isRecursive: Bool { true }

  /// Each test (case) gets its own registry; the suite itself needs none.
  func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
    testCase == nil ? nil : self
  }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    let registry = Registry()
    do {
      try await Self.$registry.withValue(registry) { try await function() }
    } catch {
      await registry.stopAll()
      throw error
    }
    await registry.stopAll()
  }
}

extension Trait where Self == StopsDaemons {
  /// Every daemon a test starts is stopped, and awaited, when the test ends.
  static var stopsDaemons: Self { StopsDaemons() }
}
