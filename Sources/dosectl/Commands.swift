import ArgumentParser
import DoseProtocol
import Foundation

struct Status: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Locations, detectors and active alarms at a glance.")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let (_, line) = try query("status", options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    let reply = try decode(StatusReply.self, line)
    let style = TerminalStyle.current
    print(
      "dosed \(DisplayText.escaped(reply.version)) at \(Format.time(reply.time))"
        + (reply.timeScale != 1 ? "  (simulated time ×\(Format.number(reply.timeScale)))" : ""))
    print("")
    print(Tables.locations(reply.locations, style: style))
    print("")
    print(Tables.detectors(reply.detectors, style: style))
    print("")
    print(Tables.alarms(reply.alarms, style: style))
  }
}

struct Detectors: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Each detector's state, count rate and dose rate with its 95 % interval.")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let (_, line) = try query("detectors", options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    let reply = try decode(DetectorsReply.self, line)
    print(Tables.detectors(reply.detectors, style: .current))
    if let devices = Tables.devices(reply.detectors) {
      print("")
      print(devices)
    }
  }
}

struct Locations: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Isolation rooms and waste stores: state, dose rate, alarm, packages.")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let (_, line) = try query("locations", options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    let reply = try decode(LocationsReply.self, line)
    print(Tables.locations(reply.locations, style: .current))
    let packages = reply.locations.flatMap { location in
      (location.packages ?? []).map { (location.id, $0) }
    }
    if !packages.isEmpty {
      print("")
      print(Tables.packages(packages, style: .current))
    }
  }
}

struct Devices: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "USB serial devices udev sees now, and which detector uses each (opens none).")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let (_, line) = try query("devices", options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    let reply = try decode(DevicesReply.self, line)
    if reply.devices.isEmpty {
      print("No USB serial devices present (hotplug: \(DisplayText.escaped(reply.hotplug))).")
    } else {
      print(Tables.devices(reply.devices))
    }
    for problem in reply.problems {
      print("problem: \(DisplayText.escaped(problem))")
    }
  }
}

struct Watch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Live view on a terminal (status tables redrawn, recent changes below); "
      + "otherwise one line per event (readings, state changes, alarms) until interrupted.")
  @OptionGroup var options: CommonOptions

  @Flag(
    name: .long,
    help: "Leave out per-reading events; show only state changes (the live view always does).")
  var changesOnly = false

  @Flag(
    name: .long,
    help: "One line per event even on a terminal (the default when stdout is not a terminal).")
  var lines = false

  func run() throws {
    if !options.json && !lines && isatty(STDOUT_FILENO) == 1 {
      try LiveWatch(socketPath: options.socketPath).run()
      return
    }
    let (client, first) = try query("watch", options: options)
    if options.json { print(String(decoding: first, as: UTF8.self)) }
    client.setTimeout(nil)
    while true {
      let line: Data?
      do {
        line = try client.readLine()
      } catch {
        FileHandle.standardError.write(Data("dosectl: \(DisplayText.escaped("\(error)"))\n".utf8))
        throw ExitCode(ExitCodes.unreachable)
      }
      guard let line else {
        FileHandle.standardError.write(Data("dosectl: the daemon closed the stream\n".utf8))
        throw ExitCode(ExitCodes.unreachable)
      }
      if WireCoding.messageClass(of: line) == "error" {
        FileHandle.standardError.write(
          Data("dosectl: \(DisplayText.escaped(String(decoding: line, as: UTF8.self)))\n".utf8))
        throw ExitCode(ExitCodes.errorReply)
      }
      guard let event = try? WireCoding.decoder().decode(WatchEvent.self, from: line) else {
        continue
      }
      if changesOnly && event.event == "reading" { continue }
      if options.json {
        print(String(decoding: line, as: UTF8.self))
      } else {
        print(Format.event(event))
      }
      fflush(nil)
    }
  }
}
