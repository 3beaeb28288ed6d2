import Foundation
import Synchronization

/// Keeps the `DeviceDirectory` true to what is plugged in: scans at start, and rescans on every
/// hotplug event (or on a fake event in tests), rebinding detectors to devices by their match.
/// A removed device loses its binding, a returning one gets it back in whatever socket.
public struct DeviceWatcher: Sendable {
  public typealias Scanner = @Sendable () throws -> [UdevDeviceInfo]

  public let directory: DeviceDirectory
  /// Detector id → match; replaced on a configuration reload (`setMatches`).
  private let matchList: MatchList
  private let scanner: Scanner

  public var matches: [(String, DeviceMatch)] { matchList.value }

  /// Seconds between rescans when there are no hotplug events.
  public static let pollPeriod = 2.0

  /// Lists the tty devices udev knows.
  public static let udevScanner: Scanner = { try UdevDevices.list(subsystem: "tty") }

  public init(
    directory: DeviceDirectory, matches: [(String, DeviceMatch)],
    scanner: @escaping Scanner = DeviceWatcher.udevScanner
  ) {
    self.directory = directory
    matchList = MatchList(matches)
    self.scanner = scanner
  }

  /// New matches (configuration reload), bound at once.
  @discardableResult
  public func setMatches(_ matches: [(String, DeviceMatch)]) -> Result<
    DeviceMatcher.Result, any Error
  > {
    matchList.value = matches
    return rescan()
  }

  /// Scans and rebinds; returns the new result (problems included), or the scan error.
  @discardableResult
  public func rescan() -> Result<DeviceMatcher.Result, any Error> {
    do {
      let devices = try scanner()
      let result = DeviceMatcher.bind(devices: devices, matches: matches)
      directory.update(devices: devices, result: result)
      return .success(result)
    } catch {
      return .failure(error)
    }
  }

  /// Follows hotplug events from `monitor` until cancelled, rescanning after each burst of
  /// events; `onChange` hears about every rescan (for logs and the devices view).
  public func follow(
    monitor: (any HotplugEvents)?,
    onChange:
      @escaping @Sendable (Result<DeviceMatcher.Result, any Error>)
      -> Void
  ) async {
    onChange(rescan())
    guard let monitor else {
      // No hotplug events: poll instead, or two counters swapped between sockets would each
      // reopen the other's old path and report the other room's dose rate. (Without matches
      // there is nothing to bind, but a reload may add some.)
      while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(Self.pollPeriod))
        if Task.isCancelled { break }
        if !matches.isEmpty { onChange(rescan()) }
      }
      return
    }
    await DriverThread.run(named: "dosed-hotplug") { stop in
      while !stop.isStopped {
        guard monitor.next(timeout: 0.1) != nil else { continue }
        // Drain the burst (a USB plug-in brings several events), then rescan once.
        while monitor.next(timeout: 0.05) != nil {}
        onChange(rescan())
      }
    }
  }
}

/// The watcher's matches, shared with the reload path.
private final class MatchList: Sendable {
  private let matches: Mutex<[(String, DeviceMatch)]>

  init(_ matches: [(String, DeviceMatch)]) {
    self.matches = Mutex(matches)
  }

  var value: [(String, DeviceMatch)] {
    get { matches.withLock { $0 } }
    set { matches.withLock { $0 = newValue } }
  }
}
