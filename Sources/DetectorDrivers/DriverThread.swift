import Foundation

/// Runs a driver's blocking work (serial reads, USB transfers, netlink) on a thread of its own,
/// so it can never hold up the daemon's cooperative threads. `body` must return soon after its
/// `StopFlag` is set, which happens when the calling task is cancelled.
enum DriverThread {
  static func run(named name: String, _ body: @escaping @Sendable (StopFlag) -> Void) async {
    let stop = StopFlag()
    await withTaskCancellationHandler {
      await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        let thread = Thread {
          body(stop)
          done.resume()
        }
        thread.name = name
        thread.start()
      }
    } onCancel: {
      stop.stop()
    }
  }
}
