import DetectorDrivers
import FuzzSupport

/// Modbus RTU replies: the input as a reply frame to each read the session can send (either
/// function, one or two registers, from the slave in its first byte), and any registers it
/// yields decoded as every data type and word order.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let frame = FuzzInput.bytes(data, size)
  _ = ModbusRTU.hasValidCRC(frame)
  for function in ModbusFunction.allCases {
    for type in ModbusDataType.allCases {
      guard
        let registers = try? ModbusRTU.parseResponse(
          frame, slave: frame.first ?? 1, function: function, quantity: type.registerCount)
      else { continue }
      for order in ModbusWordOrder.allCases { _ = type.value(registers, order: order) }
    }
  }
  return 0
}
