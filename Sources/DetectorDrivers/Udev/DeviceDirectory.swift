import Synchronization

/// The current detector → device-node bindings, shared by the device watcher (which rescans on
/// hotplug events) and the serial driver threads (which open what they are bound to).
///
/// Driver threads are plain threads, so this is a small mutex-protected value rather than an
/// actor; nothing else is kept under the lock.
public final class DeviceDirectory: Sendable {
  private struct State {
    var result = DeviceMatcher.Result()
    var devices: [UdevDeviceInfo] = []
    var generation: UInt64 = 0
  }

  private let state = Mutex(State())

  public init() {}

  /// Installs a new scan; bumps the generation when any binding changed.
  public func update(devices: [UdevDeviceInfo], result: DeviceMatcher.Result) {
    state.withLock { state in
      let changed = state.result.bindings != result.bindings
      state.result = result
      state.devices = devices
      if changed { state.generation &+= 1 }
    }
  }

  /// The device node bound to `detectorID`, if any.
  public func path(for detectorID: String) -> String? {
    state.withLock { $0.result.bindings[detectorID]?.devnode }
  }

  /// Changes whenever a binding changes: a driver waiting to reconnect retries at once.
  public var generation: UInt64 { state.withLock { $0.generation } }

  public var snapshot: (devices: [UdevDeviceInfo], result: DeviceMatcher.Result) {
    state.withLock { ($0.devices, $0.result) }
  }
}
