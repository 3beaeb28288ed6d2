import Foundation
import Synchronization

/// A source of hotplug events: the udev monitor in production, a fake in tests.
public protocol HotplugEvents: Sendable {
  /// The next event within `timeout` seconds, or nil. Called from one thread only.
  func next(timeout: Double) -> UdevMonitor.Event?
}

extension UdevMonitor: HotplugEvents {}

/// Events injected by hand, for tests of what udev cannot be made to do here (USB add/remove
/// with a serial number, a device moving to another socket).
public final class InjectedHotplugEvents: HotplugEvents {
  private let queue = Mutex<[UdevMonitor.Event]>([])

  public init() {}

  public func inject(action: String, device: UdevDeviceInfo) {
    queue.withLock { $0.append(UdevMonitor.Event(action: action, device: device)) }
  }

  public func next(timeout: Double) -> UdevMonitor.Event? {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      if let event = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return event }
      Thread.sleep(forTimeInterval: 0.01)
    } while Date() < deadline
    return nil
  }
}
