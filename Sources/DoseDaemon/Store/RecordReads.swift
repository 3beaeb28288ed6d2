import Foundation

/// Record reads for clients run here, one at a time on their own thread: never on the engine's
/// executor, so a long query cannot delay an evaluation, and never more than one at
/// once, so that many readers cannot take every thread either.
enum RecordReads {
  private static let queue = DispatchQueue(label: "dosed.record-reads")

  static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      queue.async { continuation.resume(with: Result { try body() }) }
    }
  }
}
