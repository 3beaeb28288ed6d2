import DoseNotify
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The real `dosed` and the real `dosed-notify`, as a ward runs them: a detector that is
/// unplugged and plugged back, dosed killed with `kill -9` and started again.
@Suite(.serialized) struct NotifyEndToEndTests {
  /// One simulated detector on a waste store, unplugged from 1 h to 2 h of simulated time
  /// (6 s to 12 s of real time at 600×): late enough that a slow start on a loaded machine
  /// still sees the unplugging, long enough that the notifier can be killed before the clear.
  /// Its staleness limit (50 s of real time) keeps a loaded host's pauses from being faults.
  static let ward = """
    [[detector]]
    id = "store-1"
    driver = "simulated"
    tube = "SBM-20"
    stale_after_s = 30000.0
      [detector.simulated]
      background_usv_h = 1.0
      [[detector.simulated.fault]]
      kind = "disconnect"
      start_h = 1.0
      duration_h = 1.0

    [[location]]
    id = "store"
    kind = "waste_store"
    detectors = ["store-1"]
    warn_usv_h = 10.0
    alarm_usv_h = 50.0
    """

  final class Ward: Sendable {
    let directory: ScratchDirectory
    let recorder: Recorder
    let socket: String
    let notifyConfig: String
    let dosedLog: String

    /// While this file exists the beacon is down: the action's program fails (with
    /// `beaconDownFlag`).
    let beaconDown: String

    init(_ name: String, beaconDownFlag: Bool = false) throws {
      directory = try ScratchDirectory(name)
      recorder = try Recorder(in: directory)
      socket = directory.path + "/dosed.sock"
      dosedLog = directory.path + "/dosed.log"
      beaconDown = directory.path + "/beacon-down"
      let program =
        beaconDownFlag
        ? try directory.write(
          "beacon.sh",
          """
          #!/bin/sh
          [ -e \(beaconDown) ] && { echo "beacon unreachable" >&2; exit 1; }
          exec \(recorder.script)
          """, executable: true) : recorder.script
      _ = try directory.write("ward.toml", NotifyEndToEndTests.ward)
      notifyConfig = try directory.write(
        "notify.toml",
        """
        socket = "\(socket)"
        ward = "test-ward"
        state_file = "\(directory.path)/told.json"
        [[action]]
        name = "recorder"
        kind = "exec"
        command = ["\(program)"]
        """)
    }

    func startDosed() throws -> ChildProcess {
      try ChildProcess(
        binaries.appendingPathComponent("dosed").path,
        [
          "--config", directory.path + "/ward.toml", "--socket", socket, "--state-dir",
          directory.path + "/state", "--time-scale", "600",
        ], log: dosedLog)
    }

    func startNotifier() throws -> ChildProcess {
      try ChildProcess(
        binaries.appendingPathComponent("dosed-notify").path,
        ["--config", notifyConfig, "--log-level", "debug"], log: directory.path + "/notify.log")
    }
  }

  @Test func aFaultIsDeliveredAndItsClearing() async throws {
    let ward = try Ward("e2e-fault")
    let dosed = try ward.startDosed()
    let notifier = try ward.startNotifier()
    // The unplugging (a detector that has not read yet raises no fault alarm).
    func unplugged(_ run: Recorder.Invocation) -> Bool {
      run.environment["DOSED_MESSAGE"]?.contains("disconnect") == true
    }
    try await eventually("the unplugged detector's fault is delivered") {
      ward.recorder.invocations().contains {
        unplugged($0) && $0.environment["DOSED_EVENT"] == "fault"
      }
    }
    try await eventually("its clearing is delivered") {
      ward.recorder.invocations().contains {
        unplugged($0) && $0.environment["DOSED_EVENT"] == "clear"
      }
    }
    let runs = ward.recorder.invocations().filter(unplugged)
    let fault = try #require(runs.first { $0.environment["DOSED_EVENT"] == "fault" })
    #expect(fault.environment["DOSED_DETECTOR"] == "store-1")
    #expect(fault.environment["DOSED_LEVEL"] == "alarm")
    #expect(fault.environment["DOSED_WARD"] == "test-ward")
    #expect(fault.event["since"] != nil)
    // Exactly once per occurrence, though the notifier looked many times.
    #expect(runs.filter { $0.environment["DOSED_EVENT"] == "fault" }.count == 1)
    notifier.terminate()
    #expect(notifier.process.terminationStatus == 0)
    dosed.terminate()
  }

  /// The notifier stopped (`kill -9`) while a fault is active, and the fault clears before it
  /// is back: the restarted notifier tells the clear, from what it kept in its `state_file`.
  @Test func aClearWhileTheNotifierIsStoppedIsToldWhenItReturns() async throws {
    let ward = try Ward("e2e-away")
    let dosed = try ward.startDosed()
    var notifier = try ward.startNotifier()
    try await eventually("the fault is delivered") {
      ward.recorder.events().contains("fault fault:store-1")
    }
    notifier.kill9()
    try await eventually("dosed has cleared the fault", seconds: 60) {
      guard let reply = try? await requestDosed(ward.socket, Request(id: .number(1), cmd: "status"))
      else { return false }
      let status = try WireCoding.decoder().decode(StatusReply.self, from: reply)
      return !status.alarms.contains { $0.alarmID == "fault:store-1" }
    }
    #expect(!ward.recorder.events().contains("clear fault:store-1"))
    notifier = try ward.startNotifier()
    try await eventually("the restarted notifier tells the clear") {
      ward.recorder.events().contains("clear fault:store-1")
    }
    notifier.terminate()
    dosed.terminate()
  }

  /// The beacon is down (its program fails) when the fault is raised and clears, and the
  /// notifier is killed with both still queued: the restarted notifier sends the clear it
  /// owed (from `state_file`) once the beacon is back. Before, the queue died with the process
  /// and the beacon never heard the clear.
  @Test func aClearQueuedForADeadBeaconSurvivesANotifierRestart() async throws {
    let ward = try Ward("e2e-owed", beaconDownFlag: true)
    #expect(FileManager.default.createFile(atPath: ward.beaconDown, contents: nil))
    let dosed = try ward.startDosed()
    var notifier = try ward.startNotifier()
    let state = ward.directory.path + "/told.json"
    try await eventually("the clear is queued behind the failing fault", seconds: 60) {
      guard let data = FileManager.default.contents(atPath: state),
        let memory = try? WireCoding.decoder().decode(NotifierMemory.self, from: data)
      else { return false }
      let owed = (memory.owed?["recorder"] ?? []).map { "\($0.event.rawValue) \($0.alarmID)" }
      return owed.contains("clear fault:store-1")
    }
    #expect(ward.recorder.invocations().isEmpty)
    notifier.kill9()
    try FileManager.default.removeItem(atPath: ward.beaconDown)
    notifier = try ward.startNotifier()
    try await eventually("the restarted notifier delivers what it owed") {
      ward.recorder.events().contains("clear fault:store-1")
    }
    // The fault that was never delivered comes first: the beacon hears it began and ended.
    let events = ward.recorder.events()
    #expect(
      events.firstIndex(of: "fault fault:store-1") ?? .max
        < events.firstIndex(of: "clear fault:store-1")!, "\(events)")
    notifier.terminate()
    dosed.terminate()
  }

  @Test func killedDosedIsUnmonitoredAndRestartedIsMonitored() async throws {
    let ward = try Ward("e2e-kill")
    var dosed = try ward.startDosed()
    let notifier = try ward.startNotifier()
    // Wait until the notifier has seen dosed (the fault of the detector comes at 6 s).
    try await eventually("the notifier has seen the ward") {
      ward.recorder.events().contains("fault fault:store-1")
    }
    let killedAt = ContinuousClock.now
    dosed.kill9()
    try await eventually("unmonitored is delivered") {
      ward.recorder.events().contains("unmonitored unmonitored")
    }
    // Printed, not asserted: the bound is the 10 s, the wait above only bounds a hang.
    print("kill -9 → unmonitored delivered in \(ContinuousClock.now - killedAt)")
    #expect(!ward.recorder.events().contains("monitored unmonitored"))
    dosed = try ward.startDosed()
    try await eventually("monitored is delivered") {
      ward.recorder.events().contains("monitored unmonitored")
    }
    let unmonitored = try #require(
      ward.recorder.invocations().first { $0.environment["DOSED_EVENT"] == "unmonitored" })
    #expect(unmonitored.environment["DOSED_LEVEL"] == "alarm")
    #expect(unmonitored.environment["DOSED_MESSAGE"]?.contains("not monitored") == true)
    let events = ward.recorder.events()
    #expect(
      events.firstIndex(of: "unmonitored unmonitored")! < events.firstIndex(
        of: "monitored unmonitored")!)
    // Neither start raised an alarm of its own: a detector that has not read yet is not a
    // fault until its staleness limit has passed, so a restart does not set off the beacon.
    // The chain test is told after everything the notifier saw before it (one ordered queue).
    _ = try await requestDosed(
      ward.socket, AlarmTestRequest(id: .number(1), location: "store", note: "barrier"))
    try await eventually("the chain test is delivered") {
      ward.recorder.events().contains("test test:store")
    }
    #expect(
      !ward.recorder.invocations().contains {
        $0.environment["DOSED_MESSAGE"]?.contains("no reading yet") == true
      }, "\(ward.recorder.events())")
    notifier.terminate()
    dosed.terminate()
  }
}
