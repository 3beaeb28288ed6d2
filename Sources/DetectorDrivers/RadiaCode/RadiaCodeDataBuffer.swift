/// RadiaCode DATA_BUF records and spectra (devices.md §5.3), decoded as `cdump/radiacode`
/// v0.4.0 does in `radiacode/decoders/databuf.py` and `radiacode/decoders/spectrum.py`.
///
/// Dose values are passed through in the device's unit: the package's own examples multiply
/// by 10 000 to show µSv/h (devices.md §5.3, cdump/radiacode issue #56).

/// One DATA_BUF record: `u8 seq, u8 eid, u8 gid, i32 ts_offset` then a body chosen by
/// (eid, gid) (`databuf.py` line 15).
public struct RadiaCodeRecord: Sendable, Hashable {
  public var sequence: UInt8
  /// Ticks of 10 ms from a host-chosen base time (`databuf.py` line 16); the package uses
  /// connect time + 128 s (`radiacode.py` line 108), which issue #40 reports as unreliable.
  public var timeOffsetTicks: Int32
  public var body: Body

  public var timeOffsetSeconds: Double { Double(timeOffsetTicks) / 100 }

  public enum Body: Sendable, Hashable {
    /// eid 0, gid 0: `<ffHHHB` (`databuf.py` lines 23-35). Errors are in % (raw / 10).
    case realTime(
      countRate: Float, doseRate: Float, countRateErrorPercent: Double,
      doseRateErrorPercent: Double, flags: UInt16, realTimeFlags: UInt8)
    /// eid 0, gid 1: `<ff` (lines 36-44).
    case raw(countRate: Float, doseRate: Float)
    /// eid 0, gid 2: `<IffHH` (lines 45-56).
    case doseRateDB(
      count: UInt32, countRate: Float, doseRate: Float, doseRateErrorPercent: Double,
      flags: UInt16)
    /// eid 0, gid 3: `<IfHHH`; °C = (raw − 2000) / 100, charge % = raw / 100 (lines 57-68).
    case rare(
      durationSeconds: UInt32, dose: Float, temperatureCelsius: Double,
      chargePercent: Double, flags: UInt16)
    /// eid 0, gid 7: `<BBH` (lines 84-93). `event` is the raw id; see `RadiaCodeEventID`.
    case event(event: UInt8, parameter: UInt8, flags: UInt16)
    /// eid 0, gid 4 (UserData) and 5 (ScheduleData): `<IffHH`, read but dropped by the
    /// package (lines 69-80).
    case userData(gid: UInt8, count: UInt32, countRate: Float, doseRate: Float, flags: UInt16)
    /// eid 0, gid 6 (AccelData): `<HHH`, dropped by the package (lines 81-83).
    case acceleration(x: UInt16, y: UInt16, z: UInt16)
    /// eid 0, gid 8 (RawCountRate): `<fH`, dropped by the package (lines 94-95).
    case rawCountRate(countRate: Float, flags: UInt16)
    /// eid 0, gid 9 (RawDoseRate): `<fH`, dropped by the package (lines 96-97).
    case rawDoseRate(doseRate: Float, flags: UInt16)
    /// eid 1, gid 1/2/3: `<HI` sample count and period, then 8/16/14 bytes a sample, skipped
    /// (lines 98-106).
    case samples(gid: UInt8, count: UInt16, periodMilliseconds: UInt32)

    /// Whether the package returns this record from `data_buf()`.
    public var isReturnedByPackage: Bool {
      switch self {
      case .realTime, .raw, .doseRateDB, .rare, .event: return true
      default: return false
      }
    }
  }
}

/// Event ids (`types.py` EventId, lines 101-126). The package raises on any other id
/// (`EventId(event)`); this decoder keeps the raw byte instead.
public enum RadiaCodeEventID: UInt8, Sendable, CaseIterable {
  case powerOff = 0
  case powerOn = 1
  case lowBatteryShutdown = 2
  case changeDeviceParameters = 3
  case doseReset = 4
  case userEvent = 5
  case batteryEmptyAlarm = 6
  case chargeStart = 7
  case chargeStop = 8
  case doseRateAlarm1 = 9
  case doseRateAlarm2 = 10
  case doseRateOffscale = 11
  case doseAlarm1 = 12
  case doseAlarm2 = 13
  case doseOffscale = 14
  case temperatureTooLow = 15
  case temperatureTooHigh = 16
  case textMessage = 17
  case memorySnapshot = 18
  case spectrumReset = 19
  case countRateAlarm1 = 20
  case countRateAlarm2 = 21
  case countRateOffscale = 22
}

/// A decoded DATA_BUF: the records up to where decoding had to stop, and why it stopped.
public struct RadiaCodeDataBuffer: Sendable, Hashable {
  public enum End: Sendable, Hashable {
    /// Every byte was used.
    case complete
    /// Fewer than 7 bytes (a record header) were left; the package ignores them (line 14).
    case leftover(Int)
    /// A record's sequence number was not the previous + 1 (mod 256): data was lost; the
    /// package stops there (lines 17-21).
    case sequenceJump(expected: UInt8, received: UInt8)
    /// An (eid, gid) the package does not know: its length is unknown, so nothing after it
    /// can be framed; the package stops there too (lines 107-110).
    case unknownRecord(eid: UInt8, gid: UInt8, remaining: Int)
    /// A record body ran past the end of the buffer. The package raises here (for gid 4 it
    /// prints and carries on); this decoder keeps the records before it.
    case truncatedRecord(eid: UInt8, gid: UInt8, needed: Int, available: Int)
  }

  public var records: [RadiaCodeRecord]
  public var end: End

  /// Decodes DATA_BUF bytes (the virtual string's data). Never throws: a damaged buffer still
  /// yields the records before the damage, and `end` says what happened.
  public static func decode(_ data: [UInt8]) -> RadiaCodeDataBuffer {
    var reader = RadiaCodeReader(data)
    var records: [RadiaCodeRecord] = []
    var expected: UInt8?
    while reader.remaining >= 7 {
      // Seven bytes are available, so the header reads cannot fail.
      guard let sequence = try? reader.u8(), let eid = try? reader.u8(),
        let gid = try? reader.u8(), let ticks = try? reader.i32()
      else { break }
      if let expected, expected != sequence {
        return RadiaCodeDataBuffer(
          records: records, end: .sequenceJump(expected: expected, received: sequence))
      }
      expected = sequence &+ 1
      let body: RadiaCodeRecord.Body?
      do {
        body = try decodeBody(eid: eid, gid: gid, reader: &reader)
      } catch {
        let (needed, available) =
          switch error {
          case .truncated(let needed, let available): (needed, available)
          default: (0, reader.remaining)
          }
        return RadiaCodeDataBuffer(
          records: records,
          end: .truncatedRecord(eid: eid, gid: gid, needed: needed, available: available))
      }
      guard let body else {
        return RadiaCodeDataBuffer(
          records: records,
          end: .unknownRecord(eid: eid, gid: gid, remaining: reader.remaining))
      }
      records.append(RadiaCodeRecord(sequence: sequence, timeOffsetTicks: ticks, body: body))
    }
    return RadiaCodeDataBuffer(
      records: records, end: reader.remaining == 0 ? .complete : .leftover(reader.remaining))
  }

  /// Nil for an unknown (eid, gid).
  private static func decodeBody(
    eid: UInt8, gid: UInt8, reader: inout RadiaCodeReader
  ) throws(RadiaCodeError) -> RadiaCodeRecord.Body? {
    switch (eid, gid) {
    case (0, 0):
      try need(15, reader)
      return .realTime(
        countRate: try reader.f32(), doseRate: try reader.f32(),
        countRateErrorPercent: Double(try reader.u16()) / 10,
        doseRateErrorPercent: Double(try reader.u16()) / 10, flags: try reader.u16(),
        realTimeFlags: try reader.u8())
    case (0, 1):
      try need(8, reader)
      return .raw(countRate: try reader.f32(), doseRate: try reader.f32())
    case (0, 2):
      try need(16, reader)
      return .doseRateDB(
        count: try reader.u32(), countRate: try reader.f32(), doseRate: try reader.f32(),
        doseRateErrorPercent: Double(try reader.u16()) / 10, flags: try reader.u16())
    case (0, 3):
      try need(14, reader)
      return .rare(
        durationSeconds: try reader.u32(), dose: try reader.f32(),
        temperatureCelsius: (Double(try reader.u16()) - 2000) / 100,
        chargePercent: Double(try reader.u16()) / 100, flags: try reader.u16())
    case (0, 4), (0, 5):
      try need(16, reader)
      let count = try reader.u32()
      let countRate = try reader.f32()
      let doseRate = try reader.f32()
      _ = try reader.u16()  // dose-rate error, unused by the package
      return .userData(
        gid: gid, count: count, countRate: countRate, doseRate: doseRate,
        flags: try reader.u16())
    case (0, 6):
      try need(6, reader)
      return .acceleration(x: try reader.u16(), y: try reader.u16(), z: try reader.u16())
    case (0, 7):
      try need(4, reader)
      return .event(event: try reader.u8(), parameter: try reader.u8(), flags: try reader.u16())
    case (0, 8):
      try need(6, reader)
      return .rawCountRate(countRate: try reader.f32(), flags: try reader.u16())
    case (0, 9):
      try need(6, reader)
      return .rawDoseRate(doseRate: try reader.f32(), flags: try reader.u16())
    case (1, 1), (1, 2), (1, 3):
      try need(6, reader)
      let count = try reader.u16()
      let period = try reader.u32()
      let sampleSize = gid == 1 ? 8 : gid == 2 ? 16 : 14
      try reader.skip(Int(count) * sampleSize)
      return .samples(gid: gid, count: count, periodMilliseconds: period)
    default:
      return nil
    }
  }

  /// Checks the whole fixed body first, so a truncated record reports its full size (the
  /// package's `struct.calcsize` check, `bytes_buffer.py` lines 57-59).
  private static func need(_ count: Int, _ reader: RadiaCodeReader) throws(RadiaCodeError) {
    if reader.remaining < count { throw .truncated(needed: count, available: reader.remaining) }
  }
}

/// A spectrum from the SPECTRUM (0x200) or SPEC_ACCUM (0x205) virtual string
/// (`decoders/spectrum.py` lines 43-55).
public struct RadiaCodeSpectrum: Sendable, Hashable {
  public var durationSeconds: UInt32
  public var calibration: RadiaCodeCalibration
  /// Counts per channel. Format 1 is delta-coded, so a corrupt stream can go negative; the
  /// package allows that and so does this type.
  public var counts: [Int]

  /// The RadiaCode 10x has 1024 channels. Format 1 can encode 4095 zero channels in two
  /// bytes, so a garbage stream could otherwise ask for billions; the package has no bound.
  public static let maximumChannels = 16_384

  /// `<Ifff` duration, a0, a1, a2, then counts in `format` 0 or 1 (from
  /// `RadiaCodeReply.spectrumFormat(configuration:)`).
  public static func decode(_ data: [UInt8], format: Int) throws(RadiaCodeError)
    -> RadiaCodeSpectrum
  {
    var reader = RadiaCodeReader(data)
    let duration = try reader.u32()
    let calibration = RadiaCodeCalibration(
      a0: try reader.f32(), a1: try reader.f32(), a2: try reader.f32())
    let counts: [Int]
    switch format {
    case 0: counts = try countsFormat0(&reader)
    case 1: counts = try countsFormat1(&reader)
    default: throw .unsupportedSpectrumFormat(String(format))
    }
    return RadiaCodeSpectrum(durationSeconds: duration, calibration: calibration, counts: counts)
  }

  /// Format 0: `<I` per channel to the end (`spectrum.py` lines 7-11).
  static func countsFormat0(_ reader: inout RadiaCodeReader) throws(RadiaCodeError) -> [Int] {
    var counts: [Int] = []
    counts.reserveCapacity(reader.remaining / 4)
    guard reader.remaining / 4 <= maximumChannels else { throw .tooManyChannels }
    while reader.remaining > 0 { counts.append(Int(try reader.u32())) }
    return counts
  }

  /// Format 1 (`spectrum.py` lines 14-40): runs headed by `u16`, count = bits 15…4, width
  /// code = bits 3…0. Width 0 → value 0; 1 → `u8` absolute; 2 → `i8`, 3 → `i16`,
  /// 4 → 24-bit signed (`<BBb`), 5 → `i32`: deltas from the previous value. Others are errors.
  static func countsFormat1(_ reader: inout RadiaCodeReader) throws(RadiaCodeError) -> [Int] {
    var counts: [Int] = []
    var last = 0
    while reader.remaining > 0 {
      let header = try reader.u16()
      let runLength = Int(header >> 4) & 0x0FFF
      let width = Int(header & 0x0F)
      for _ in 0..<runLength {
        let value: Int
        switch width {
        case 0: value = 0
        case 1: value = Int(try reader.u8())
        case 2: value = try add(last, Int(try reader.i8()))
        case 3: value = try add(last, Int(try reader.i16()))
        case 4:
          let low = Int(try reader.u8())
          let middle = Int(try reader.u8())
          let high = Int(try reader.i8())
          value = try add(last, high << 16 | middle << 8 | low)
        case 5: value = try add(last, Int(try reader.i32()))
        default: throw .unsupportedSpectrumEncoding(width)
        }
        last = value
        guard counts.count < maximumChannels else { throw .tooManyChannels }
        counts.append(value)
      }
    }
    return counts
  }

  private static func add(_ a: Int, _ b: Int) throws(RadiaCodeError) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    if overflow { throw .countOverflow }
    return sum
  }
}
