import ArgumentParser
import DoseProtocol
import Foundation

/// `dosectl waste add|list|show|survey|release`.
struct Waste: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Decay-store packages: add, list, show, survey, release.",
    subcommands: [
      WasteAdd.self, WasteList.self, WasteShow.self, WasteSurvey.self, WasteRelease.self,
      WasteMove.self,
    ])
}

func printPackage(_ line: Data, options: CommonOptions) throws {
  if options.json {
    print(String(decoding: line, as: UTF8.self))
    return
  }
  print(Tables.package(try decode(WasteReply.self, line).package, style: .current))
}

struct WasteAdd: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Record a sealed package; refused (exit 1) when the store's rule cannot take it.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Package id.") var package: String
  @Option(help: "Waste store id.") var store: String
  @Option(help: "NUCLIDE=ACTIVITY at sealing, e.g. Lu-177=50MBq (repeat for a mixture).")
  var nuclide: [String]
  @Option(help: "Mass of the waste, e.g. 1kg (clearance rules need it).") var mass: String?
  @Option(help: "When it was sealed (ISO 8601); default now.") var at: String?
  @Option(help: "Contact dose rate at sealing, e.g. 3uSv/h (decay-in-storage needs it).")
  var surface: String?
  @Option(
    help: ArgumentHelp(
      "Production route of the Lu-177: ca (carrier-added) or nca (no-carrier-added).",
      discussion:
        "Carrier-added Lu-177 carries Lu-177m (T½ 160.4 d). Without --route, Lu-177 is "
        + "assessed as carrier-added with 0.1 % Lu-177m unless --nuclide Lu-177m=… is given."))
  var route: String?

  func run() throws {
    var activities: [String: Double] = [:]
    let massG: Double?
    let time: Date?
    let surfaceUSvH: Double?
    do {
      for entry in nuclide {
        let (symbol, bq) = try Quantities.nuclideActivity(entry)
        activities[symbol, default: 0] += bq
      }
      massG = try mass.map(Quantities.mass)
      time = try at.map(Quantities.time)
      surfaceUSvH = try surface.map(Quantities.doseRate)
    } catch {
      throw ValidationError("\(error)")
    }
    if let route, !["ca", "nca"].contains(route.lowercased()) {
      throw ValidationError("--route must be ca (carrier-added) or nca (no-carrier-added)")
    }
    let (_, line) = try query(
      WasteAddRequest(
        id: .number(1), package: package, store: store, activitiesBq: activities, massG: massG,
        at: time, surfaceUSvH: surfaceUSvH, route: route?.lowercased()), options: options)
    try printPackage(line, options: options)
  }
}

struct WasteList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "Packages with their state and predicted release.")
  @OptionGroup var options: CommonOptions
  @Option(help: "Only this store.") var store: String?

  func run() throws {
    let (_, line) = try query(
      WasteRequest(id: .number(1), command: .wasteList, store: store), options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    print(Tables.packageList(try decode(WasteListReply.self, line).packages, style: .current))
  }
}

struct WasteShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "A package: inventory, rule, prediction and surveys.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Package id.") var package: String

  func run() throws {
    let (_, line) = try query(
      WasteRequest(id: .number(1), command: .wasteShow, package: package), options: options)
    try printPackage(line, options: options)
  }
}

struct WasteSurvey: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "survey",
    abstract: "Count the package at its store's survey detector and record the result "
      + "(place it there first; this waits for the survey time).")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Package id.") var package: String
  @Option(help: "Who performs the survey (recorded, 10 CFR 35.2092).") var surveyor: String

  func run() throws {
    // The survey takes the store's survey time (a minute by default): no reply timeout.
    let (_, line) = try query(
      WasteSurveyRequest(id: .number(1), package: package, surveyor: surveyor),
      options: options, timeout: nil)
    try printPackage(line, options: options)
  }
}

struct WasteRelease: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "release",
    abstract: "Release a package; refused unless its last survey passed (and, for clearance "
      + "rules, it is below the clearance levels).")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Package id.") var package: String

  func run() throws {
    let (_, line) = try query(
      WasteRequest(id: .number(1), command: .wasteRelease, package: package), options: options)
    try printPackage(line, options: options)
  }
}

struct WasteMove: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "move",
    abstract: "Move a package into another configured store (after its store was renamed); "
      + "refused unless that store's rule accepts it.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Package id.") var package: String
  @Argument(help: "The configured store that takes it.") var store: String

  func run() throws {
    let (_, line) = try query(
      WasteMoveRequest(id: .number(1), package: package, store: store), options: options)
    try printPackage(line, options: options)
  }
}
