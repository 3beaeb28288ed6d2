import DetectorDrivers
import ServiceLifecycle

/// Runs the detector drivers (one task each, through the supervisor, so that a reload can stop
/// and start single ones). At the stop it stops them all, waiting until each has let go of its
/// device, and ends the event stream.
struct DriverService: Service {
  let supervisor: DriverSupervisor
  let drivers: [any DetectorDriver]
  let events: AsyncStream<DriverEvent>.Continuation

  func run() async throws {
    for driver in drivers {
      await supervisor.start(driver)
    }
    try? await gracefulShutdown()
    await supervisor.stopAll()
    events.finish()
  }
}
