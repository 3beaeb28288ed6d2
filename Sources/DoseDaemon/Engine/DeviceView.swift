import DetectorDrivers

/// The latest device scan as the engine serves it.
public struct DeviceView: Sendable {
  public var devices: [UdevDeviceInfo] = []
  public var result = DeviceMatcher.Result()
  /// `udev`, `kernel` or `off`.
  public var hotplug = "off"
  public var problems: [String] = []

  public init() {}

  public init(
    devices: [UdevDeviceInfo], result: DeviceMatcher.Result, hotplug: String, problems: [String]
  ) {
    self.devices = devices
    self.result = result
    self.hotplug = hotplug
    self.problems = problems
  }
}
