/// How a detector names its device when the tty path may change (`[detector.match]`): every
/// field given must agree. Identity travels with the device (serial number), or with the socket
/// it is plugged into (USB port, ID_PATH).
public struct DeviceMatch: Sendable, Hashable {
  public var vendorID: String?
  public var productID: String?
  public var serial: String?
  /// Physical USB port, "bus-path" as `dosectl devices` shows it (e.g. "1-2.3").
  public var usbPort: String?
  /// udev's ID_PATH (only where udevd runs).
  public var idPath: String?

  public init(
    vendorID: String? = nil, productID: String? = nil, serial: String? = nil,
    usbPort: String? = nil, idPath: String? = nil
  ) {
    self.vendorID = vendorID?.lowercased()
    self.productID = productID?.lowercased()
    self.serial = serial
    self.usbPort = usbPort
    self.idPath = idPath
  }

  /// Whether the match pins one physical device or socket (serial number, port or path), as a
  /// generic bridge id needs.
  public var isSpecific: Bool { serial != nil || usbPort != nil || idPath != nil }

  public func matches(_ device: UdevDeviceInfo) -> Bool {
    guard device.devnode != nil else { return false }
    func agrees(_ wanted: String?, _ actual: String?) -> Bool {
      wanted == nil || wanted == actual
    }
    return agrees(vendorID, device.usbVendorID?.lowercased())
      && agrees(productID, device.usbProductID?.lowercased())
      && agrees(serial, device.usbSerial) && agrees(usbPort, device.usbPort)
      && agrees(idPath, device.idPath)
  }

  /// For messages: "1a86:7523 serial F488E0".
  public var summary: String {
    var parts: [String] = []
    if vendorID != nil || productID != nil {
      parts.append("\(vendorID ?? "*"):\(productID ?? "*")")
    }
    if let serial { parts.append("serial \(serial)") }
    if let usbPort { parts.append("USB port \(usbPort)") }
    if let idPath { parts.append("ID_PATH \(idPath)") }
    return parts.joined(separator: " ")
  }
}

/// Binds detectors to the devices present, never guessing: a detector with two candidates, or a
/// device wanted by two detectors, stays unbound and the problem is reported.
public enum DeviceMatcher {
  public struct Result: Sendable, Hashable {
    /// Detector id → device node.
    public var bindings: [String: UdevDeviceInfo] = [:]
    /// Human-readable reasons a detector is not bound although something matched, or a match
    /// was refused.
    public var problems: [String] = []

    public init() {}
  }

  public static func bind(devices: [UdevDeviceInfo], matches: [(String, DeviceMatch)]) -> Result {
    var result = Result()
    var candidates: [String: [UdevDeviceInfo]] = [:]
    for (id, match) in matches {
      let found = devices.filter { match.matches($0) }
      // A generic bridge id alone could be anyone's device.
      let allowed = found.filter { device in
        guard let known = device.known, known.generic, !match.isSpecific else { return true }
        result.problems.append(
          "detector \(id): \(device.devnode ?? device.sysname) (\(known.name)) matches only by "
            + "its generic USB id; add its serial or usb_port to [detector.match]")
        return false
      }
      candidates[id] = allowed
    }
    var claimedBy: [String: [String]] = [:]
    for (id, found) in candidates {
      for device in found { claimedBy[device.syspath, default: []].append(id) }
    }
    for (id, _) in matches {
      let found = candidates[id] ?? []
      if found.count > 1 {
        let nodes = found.compactMap(\.devnode).sorted().joined(separator: ", ")
        result.problems.append(
          "detector \(id): \(found.count) devices match (\(nodes)); make the match specific")
        continue
      }
      guard let device = found.first else { continue }
      let claimants = (claimedBy[device.syspath] ?? []).sorted()
      if claimants.count > 1 {
        result.problems.append(
          "\(device.devnode ?? device.sysname) matches detectors \(claimants.joined(separator: ", "))"
            + "; none is bound until the matches are made distinct")
        continue
      }
      result.bindings[id] = device
    }
    result.problems = Array(Set(result.problems)).sorted()
    return result
  }
}
