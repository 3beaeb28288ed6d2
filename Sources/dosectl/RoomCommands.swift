import ArgumentParser
import DoseProtocol
import Foundation

/// `dosectl room show|admit|discharge|clear|calibrate ROOM`.
struct Room: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "An isolation room's patient and cycle: admit, discharge, clear, calibrate.",
    subcommands: [
      RoomShow.self, RoomAdmit.self, RoomDischarge.self, RoomClear.self, RoomCalibrate.self,
      RoomMove.self,
    ])
}

/// Prints a room reply as a table, or as JSON.
func printRoom(_ line: Data, options: CommonOptions) throws {
  if options.json {
    print(String(decoding: line, as: UTF8.self))
    return
  }
  print(Tables.room(try decode(RoomReply.self, line).room, style: .current))
}

struct RoomShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "The room's state, patient and clearance decision.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Room id.") var room: String

  func run() throws {
    let (_, line) = try query(
      RoomRequest(id: .number(1), command: .roomShow, room: room), options: options)
    try printRoom(line, options: options)
  }
}

struct RoomAdmit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "admit", abstract: "Admit a patient to a clear room (recorded with your uid).")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Room id.") var room: String
  @Option(help: "The site's patient reference (no names needed).") var patient: String
  @Option(help: "Nuclide, e.g. Lu-177.") var nuclide: String
  @Option(help: "Administered activity, e.g. 7.4GBq.") var activity: String?
  @Option(help: "When, if not now (ISO 8601, e.g. 2026-11-27T09:00:00Z).") var at: String?

  func run() throws {
    let activityBq: Double?
    let time: Date?
    do {
      activityBq = try activity.map(Quantities.activity)
      time = try at.map(Quantities.time)
    } catch {
      throw ValidationError("\(error)")
    }
    let (_, line) = try query(
      RoomAdmitRequest(
        id: .number(1), room: room, patient: patient, nuclide: nuclide, activityBq: activityBq,
        at: time), options: options)
    try printRoom(line, options: options)
  }
}

struct RoomDischarge: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "discharge",
    abstract: "Record that the patient left; the room then awaits clearance.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Room id.") var room: String
  @Option(help: "When, if not now (ISO 8601).") var at: String?

  func run() throws {
    let time: Date?
    do {
      time = try at.map(Quantities.time)
    } catch {
      throw ValidationError("\(error)")
    }
    let (_, line) = try query(
      RoomRequest(id: .number(1), command: .roomDischarge, room: room, at: time),
      options: options)
    try printRoom(line, options: options)
  }
}

struct RoomClear: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clear",
    abstract: "Clear the room for reuse: needs the contamination survey result and a room "
      + "decided below its clearance level.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Room id.") var room: String
  @Option(
    name: .customLong("wipe-test"),
    help: "Contamination survey result as recorded, e.g. \"12 wipes < 200 dpm/100 cm2\".")
  var wipeTest: String

  func run() throws {
    let (_, line) = try query(
      RoomClearRequest(id: .number(1), room: room, wipeTest: wipeTest), options: options)
    try printRoom(line, options: options)
  }
}

struct RoomCalibrate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calibrate",
    abstract: "Set the room's geometry from a handheld reading at 1 m from the patient.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Room id.") var room: String
  @Option(name: .customLong("at-1m"), help: "Handheld dose rate at 1 m, e.g. 27uSv/h.")
  var at1m: String

  func run() throws {
    let value: Double
    do {
      value = try Quantities.doseRate(at1m)
    } catch {
      throw ValidationError("\(error)")
    }
    let (_, line) = try query(
      RoomCalibrateRequest(id: .number(1), room: room, at1mUSvH: value), options: options)
    try printRoom(line, options: options)
  }
}

struct RoomMove: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "move",
    abstract: "Move the record of a room the configuration no longer has (renamed) onto a "
      + "configured, clear room: its patient or clearance goes with it.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "The room in the records (an orphan alarm names it).") var room: String
  @Argument(help: "The configured room that takes its record.") var to: String

  func run() throws {
    let (_, line) = try query(RoomMoveRequest(id: .number(1), room: room, to: to), options: options)
    try printRoom(line, options: options)
  }
}
