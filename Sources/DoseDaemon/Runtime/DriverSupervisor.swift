import DetectorDrivers

/// The running detector drivers, one task each, so that a reload can stop and start single
/// detectors while the others keep reading.
actor DriverSupervisor {
  private let clock: DoseClock
  private let emit: @Sendable (DriverEvent) -> Void
  private var tasks: [String: Task<Void, Never>] = [:]

  init(clock: DoseClock, emit: @escaping @Sendable (DriverEvent) -> Void) {
    self.clock = clock
    self.emit = emit
  }

  /// Starts a driver. A driver with the same id must have been stopped first.
  func start(_ driver: any DetectorDriver) {
    precondition(tasks[driver.id] == nil, "driver \(driver.id) is already running")
    let clock = clock
    let emit = emit
    tasks[driver.id] = Task { await driver.run(clock: clock, emit: emit) }
  }

  /// Stops a driver and waits until it has let go of its device (port closed, lock released),
  /// so that its replacement can open it.
  func stop(_ id: String) async {
    guard let task = tasks.removeValue(forKey: id) else { return }
    task.cancel()
    await task.value
  }

  func stopAll() async {
    for id in Array(tasks.keys) { await stop(id) }
  }
}
