import ServiceLifecycle

/// Owns the end of the records: declared first, so it stops last, after every service that could
/// still produce a record. At the stop it writes the open minutes and a stop event and waits
/// until the record writer has written everything queued.
struct RecordService: Service {
  let engine: Engine

  func run() async throws {
    // Returns at a graceful shutdown, throws when the group is cancelled: both end here.
    try? await gracefulShutdown()
    await engine.closeRecords()
  }
}
