import DoseNotify
import Foundation
import Testing

@Suite struct NotifyConfigTests {
  static let good = """
    socket = "/run/dosed/dosed.sock"
    ward = "ward-7"
    [[action]]
    name = "beacon"
    kind = "exec"
    command = [
      "/usr/local/bin/ward-beacon",
      "--room",
    ]
    events = ["alarm", "fault", "clear", "ack", "test", "unmonitored", "monitored"]
    timeout_s = 5
    [[action]]
    name = "alertmanager"
    kind = "alertmanager"
    url = "http://127.0.0.1:9093"
    [[action]]
    name = "rso-pager"
    kind = "exec"
    command = ["/usr/local/bin/page-rso"]
    [[escalation]]
    after_s = 300
    actions = ["rso-pager"]
    """

  func errors(_ text: String) -> [NotifyConfigError] {
    do {
      _ = try NotifyConfigLoader.parse(text, file: "notify.toml", hostName: "h")
      return []
    } catch let errors as NotifyConfigErrors {
      return errors.errors
    } catch {
      return [NotifyConfigError(file: "?", line: nil, message: "\(error)")]
    }
  }

  @Test func theIssuesShapeLoads() throws {
    let config = try NotifyConfigLoader.parse(Self.good, file: "notify.toml", hostName: "h")
    #expect(config.ward == "ward-7")
    #expect(config.actions.map(\.name) == ["beacon", "alertmanager", "rso-pager"])
    #expect(config.actions[0].command == ["/usr/local/bin/ward-beacon", "--room"])
    #expect(config.actions[0].timeoutSeconds == 5)
    #expect(config.actions[1].url?.port == 9093)
    #expect(config.escalation == [EscalationTier(afterSeconds: 300, actions: ["rso-pager"])])
    // The pager is escalation-only; the others hear everything their filter passes.
    #expect(config.firstTierActions.map(\.name) == ["beacon", "alertmanager"])
  }

  @Test func theShippedExampleLoads() throws {
    let path = binaries.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("config/notify.toml").path
    let config = try NotifyConfigLoader.load(path: path)
    #expect(!config.actions.isEmpty)
  }

  @Test func unknownKeysAreErrorsWithTheirLine() {
    let found = errors(Self.good.replacingOccurrences(of: "timeout_s = 5", with: "timeout = 5"))
    #expect(found.count == 1)
    #expect(found.first?.line == 11)
    #expect(found.first?.message.contains("unknown key 'timeout'") == true)
    #expect(found.first?.description.hasPrefix("notify.toml:11: ") == true)
  }

  @Test func unknownTablesAreRefusedBeforeParsing() {
    let found = errors("[daemon]\nsocket = \"/x\"\n")
    #expect(found.first?.line == 1)
    #expect(found.first?.message.contains("unknown table [daemon]") == true)
    // toml++ aborts on these; they must never reach it.
    #expect(errors("[.]\n").first?.line == 1)
    #expect(errors("x = 2026-11-27T:00\n").first?.message == "no key here takes a date")
  }

  /// What toml++ aborts on, or TOMLKit cuts short, wherever it stands: each found by
  /// `FuzzNotifyConfig` in CI (the first four) or by reading the scanner after it. Each must be
  /// refused with its line before the parser sees it; the old scan let them through and the
  /// process died of SIGABRT.
  @Test(arguments: [
    ("socket = \"/x\"\r\n[.]\n", 2, "unknown table [.]"),
    ("[\r\r[escalation]]\nafter_s = 60\n", 1, "unknown table [\\r\\r[escalation]]"),
    ("[[action]]\ncommand = [\n2026-11-27T:00]\n", 3, "no key here takes a date"),
    ("a = { b = 2026-11-27T:00 }\n", 1, "no key here takes a date"),
    ("socket = \"/x\"\r\nb = 2026-11-27T:00\n", 2, "no key here takes a date"),
    ("socket = \"/x\"\n\u{0}\n[[escalation]]\n", 2, "a NUL byte"),
    ("[[action]]\nevents = [\"alarm\", }test\"]\n", 2, "'}' where the array expects"),
    ("events = [\n# c\n}]\n", 3, "'}' where the array expects"),
    ("events = [\u{2028}]\n", 1, "U+2028"),
    ("[[action]]\nevents = [2026-11-27 0]\n", 2, "no key here takes a date"),
    ("events = [2_026-11-27 0]\n", 1, "neither a number nor a date"),
    ("a = [\"\"\"x\"\"\"\", }]\n", 1, "'}' where the array expects"),
    ("a = [\"\"\"x\"\"\"\"]\n[.]\n", 2, "unknown table [.]"),
  ])
  func whatTOMLKitCannotReadIsRefusedWithItsLine(text: String, line: Int, message: String) {
    let found = errors(text)
    #expect(found.first?.line == line, "\(found)")
    #expect(found.first?.message.contains(message) == true, "\(found)")
  }

  @Test(arguments: [
    ("command = []", "command is empty"),
    ("command = [\"ward-beacon\"]", "must be an absolute path"),
    ("command = \"/bin/true\"", "must be an array of strings"),
    ("events = [\"alarms\"]", "unknown event 'alarms'"),
    ("timeout_s = -1", "timeout_s must be greater than 0"),
    ("timeout_s = 1e16", "timeout_s must be at most 3600 s"),
    ("give_up_s = 1e300", "give_up_s must be at most 604800 s"),
    ("url = \"http://x\"", "url is for alertmanager"),
  ])
  func badExecActionsAreExplained(line: String, message: String) {
    let text = """
      [[action]]
      name = "a"
      kind = "exec"
      \(line.hasPrefix("command") ? line : "command = [\"/bin/true\"]\n" + line)
      """
    let found = errors(text)
    #expect(found.contains { $0.message.contains(message) && $0.line != nil }, "\(found)")
  }

  @Test(arguments: [
    ("https://am.example:9093", "only http:// is supported"),
    ("127.0.0.1:9093", "is not an http://host[:port] URL"),
    ("http://", "is not an http://host[:port] URL"),
  ])
  func badAlertmanagerURLsAreExplained(url: String, message: String) {
    let found = errors("[[action]]\nname = \"am\"\nkind = \"alertmanager\"\nurl = \"\(url)\"\n")
    #expect(found.contains { $0.message.contains(message) && $0.line == 4 }, "\(found)")
  }

  @Test func anAlertmanagerActionMustHearTheEnd() {
    let found = errors(
      "[[action]]\nname = \"am\"\nkind = \"alertmanager\"\nurl = \"http://127.0.0.1:9093\"\n"
        + "events = [\"alarm\", \"unmonitored\", \"monitored\"]\n")
    #expect(
      found.map(\.message) == [
        "action 'am': an alertmanager action that hears alarm must hear clear too, or its alerts "
          + "fire on after the alarm ends"
      ], "\(found)")
    #expect(found.first?.line == 5)
  }

  @Test func theStateFileIsAnAbsolutePathOrNone() throws {
    let action = "[[action]]\nname = \"b\"\nkind = \"exec\"\ncommand = [\"/bin/true\"]\n"
    let parse = { (line: String) in
      try NotifyConfigLoader.parse(
        line + "\n" + action, file: "notify.toml", hostName: "h",
        stateDirectory: "/var/lib/dosed-notify")
    }
    // Under systemd: its state directory; run by hand: in memory only.
    #expect(try parse("").stateFile == "/var/lib/dosed-notify/told.json")
    #expect(
      try NotifyConfigLoader.parse(action, file: "n.toml", hostName: "h", stateDirectory: nil)
        .stateFile == nil)
    #expect(try parse("state_file = \"/srv/told.json\"").stateFile == "/srv/told.json")
    #expect(try parse("state_file = \"\"").stateFile == nil)
    let found = errors("state_file = \"told.json\"\n" + action)
    #expect(found.contains { $0.message.contains("absolute path") && $0.line == 1 }, "\(found)")
  }

  @Test func escalationIsChecked() {
    let base = "[[action]]\nname = \"a\"\nkind = \"exec\"\ncommand = [\"/bin/true\"]\n"
    let unknown = errors(base + "[[escalation]]\nafter_s = 60\nactions = [\"pager\"]\n")
    #expect(unknown.first?.message.contains("unknown action 'pager'") == true)
    #expect(unknown.first?.line == 7)
    let negative = errors(base + "[[escalation]]\nafter_s = -5\nactions = [\"a\"]\n")
    #expect(negative.first?.message.contains("after_s must be 0 or more") == true)
    let order = errors(
      base + "[[escalation]]\nafter_s = 600\nactions = [\"a\"]\n"
        + "[[escalation]]\nafter_s = 300\nactions = [\"a\"]\n")
    #expect(order.first?.message.contains("increasing after_s") == true)
  }

  @Test func everyProblemIsReportedAtOnce() {
    let found = errors(
      """
      socket = "relative.sock"
      [[action]]
      name = "a"
      kind = "pager"
      [[action]]
      name = "b"
      kind = "exec"
      command = ["bin/x"]
      """)
    #expect(found.map(\.line) == [1, 4, 8])
  }

  @Test func programsThatAreNotThereAreNamed() throws {
    let config = try NotifyConfigLoader.parse(Self.good, file: "notify.toml", hostName: "h")
    #expect(
      config.missingPrograms { $0 == "/usr/local/bin/page-rso" } == [
        "action 'beacon': /usr/local/bin/ward-beacon is not an executable file"
      ])
  }

  @Test func noActionIsAnError() {
    #expect(
      errors("socket = \"/run/dosed/dosed.sock\"\n").first?.message.contains("no [[action]]")
        == true)
  }
}

@Suite struct NotifyExecutableTests {
  func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = binaries.appendingPathComponent("dosed-notify")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
  }

  @Test func checkConfigNamesTheFileAndLineAndExitsTwo() throws {
    let directory = try ScratchDirectory("check")
    let path = try directory.write(
      "notify.toml",
      "[[action]]\nname = \"a\"\nkind = \"exec\"\ncommand = [\"/bin/true\"]\nafter = 3\n")
    let result = try run(["--check-config", "--config", path])
    #expect(result.status == 2)
    #expect(result.output.contains("\(path):5: unknown key 'after'"), "\(result.output)")
    let good = try directory.write(
      "good.toml", "[[action]]\nname = \"a\"\nkind = \"exec\"\ncommand = [\"/bin/true\"]\n")
    let ok = try run(["--check-config", "--config", good, "--socket", "/tmp/x.sock"])
    #expect(ok.status == 0)
    #expect(ok.output.contains("socket /tmp/x.sock"))
    #expect(try run(["--version"]).output == "0.1.0\n")
  }
}
