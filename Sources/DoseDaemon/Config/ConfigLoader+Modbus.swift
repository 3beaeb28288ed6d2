import DetectorDrivers

/// `[detector.modbus]`: a Modbus RTU probe's register, required for driver "modbus" only.
extension ConfigLoader {
  static let modbusKeys = [
    "slave", "function", "register", "type", "word_order", "scale", "quantity",
    "poll_interval_s", "timeout_s",
  ]

  /// Shortest poll interval: a request and reply take about 20 ms at 9600 baud.
  static let minModbusPollSeconds = 0.1

  static func parseModbus(_ table: ConfigTable, into detector: inout DetectorConfig)
    throws(ConfigError)
  {
    let driver = detector.driver
    guard let modbus = try table.subtable("modbus") else {
      if driver == .modbus {
        throw table.missing("modbus", "a [detector.modbus] table with slave, register, quantity")
      }
      return
    }
    try table.require(
      driver == .modbus, "modbus",
      "[detector.modbus] is only for driver \"modbus\" (this detector uses \"\(driver.rawValue)\")")
    try modbus.checkKeys(modbusKeys)

    // Individual slave addresses (Modbus over Serial Line V1.02 §2.2).
    guard let slave = try modbus.integer("slave") else {
      throw modbus.missing("slave", "the probe's Modbus address, 1 to 247")
    }
    try modbus.require(
      (1...247).contains(slave), "slave",
      "must be a slave address from 1 to 247 (0 is broadcast, 248-255 are reserved), "
        + "found \(slave)")

    let quantityNames = ModbusOptions.Quantity.allCases.map { "\"\($0.rawValue)\"" }
      .joined(separator: ", ")
    let quantityName = try modbus.requiredString(
      "quantity", hint: "what the register holds: \(quantityNames)")
    guard let quantity = ModbusOptions.Quantity(rawValue: quantityName) else {
      throw modbus.error(
        "quantity", "must be one of \(quantityNames), found \"\(quantityName)\"")
    }

    guard let register = try modbus.integer("register") else {
      throw modbus.missing("register", "the 0-based protocol address of the value")
    }
    var options = ModbusOptions(slave: UInt8(slave), register: 0, quantity: quantity)

    if let function = try modbus.integer("function") {
      guard let known = ModbusFunction(rawValue: UInt8(clamping: function)) else {
        throw modbus.error(
          "function",
          "must be 3 (read holding registers) or 4 (read input registers), found \(function)")
      }
      options.function = known
    }

    let typeNames = ModbusDataType.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    if let name = try modbus.string("type") {
      guard let type = ModbusDataType(rawValue: name) else {
        throw modbus.error("type", "must be one of \(typeNames), found \"\(name)\"")
      }
      options.dataType = type
    }
    let type = options.dataType
    try modbus.require(
      quantity != .counts || type == .u16 || type == .u32, "type",
      "quantity \"counts\" needs a running pulse total of type \"u16\" or \"u32\", "
        + "found \"\(type.rawValue)\"")

    let lastRegister = 65536 - type.registerCount
    try modbus.require(
      (0...lastRegister).contains(register), "register",
      "must be a protocol address from 0 to \(lastRegister) for type \"\(type.rawValue)\", "
        + "found \(register) (give 0-based addresses: 40001 in 4xxxx notation is 0)")
    options.register = UInt16(register)

    if let order = try modbus.string("word_order") {
      guard let wordOrder = ModbusWordOrder(rawValue: order) else {
        throw modbus.error(
          "word_order",
          "must be \"big\" (high word first) or \"little\" (low word first), found \"\(order)\"")
      }
      try modbus.require(
        type.registerCount == 2, "word_order",
        "only applies to 32-bit types (u32, i32, f32); type \"\(type.rawValue)\" is one register")
      options.wordOrder = wordOrder
    }

    if let scale = try modbus.number("scale") {
      try modbus.require(scale > 0, "scale", "must be greater than 0, found \(fmt(scale))")
      try modbus.require(
        quantity != .counts || scale == 1, "scale",
        "only applies to rate registers (quantity \"cps\" or \"cpm\"); a counts register holds "
          + "whole pulses, found \(fmt(scale))")
      options.scale = scale
    }

    if let poll = try modbus.number("poll_interval_s") {
      try modbus.require(
        poll >= minModbusPollSeconds, "poll_interval_s",
        "must be at least \(fmt(minModbusPollSeconds)) s, found \(fmt(poll))")
      options.pollIntervalSeconds = poll
    }
    if let timeout = try modbus.number("timeout_s") {
      try modbus.require(timeout > 0, "timeout_s", "must be greater than 0, found \(fmt(timeout))")
      try modbus.require(
        timeout < options.pollIntervalSeconds, "timeout_s",
        "must be less than poll_interval_s (\(fmt(options.pollIntervalSeconds)) s), found "
          + fmt(timeout))
      options.responseTimeoutSeconds = timeout
    } else {
      try modbus.require(
        options.responseTimeoutSeconds < options.pollIntervalSeconds, "poll_interval_s",
        "must be greater than timeout_s (\(fmt(options.responseTimeoutSeconds)) s by default; "
          + "set a shorter timeout_s), found \(fmt(options.pollIntervalSeconds))")
    }

    detector.options.modbus = options
    detector.readingIntervalSeconds = options.pollIntervalSeconds
  }
}
