import DoseBench
import Foundation
import Synchronization

/// `dosebench --client hostile|probe`: one client of the connection-lockout scenario
/// (`AdmissionScenario`), run in its own process so that it connects with the uid `setpriv`
/// gave it. Prints its outcome as JSON lines.
enum HelperClient {
  static func run(
    _ kind: String, socket: String, connections: Int, seconds: Double, control: String?
  )
    throws
  {
    switch kind {
    case "hostile":
      // Floods until its stdin closes: the scenario's end.
      let stop = Flag()
      Thread {
        while !FileHandle.standardInput.availableData.isEmpty {}
        stop.value.store(true, ordering: .relaxed)
      }.start()
      let outcome = AdmissionAbuse.hostile(
        socket: socket, connections: connections, lines: SocketAbuse.malformedLines(),
        onHeld: { emit($0) }, keepGoing: { !stop.value.load(ordering: .relaxed) })
      emit(outcome)
    case "probe":
      emit(AdmissionAbuse.probe(socket: socket, seconds: seconds, control: control))
    default:
      throw ValidationFailure(description: "--client is hostile or probe, not \(kind)")
    }
  }

  final class Flag: Sendable {
    let value = Atomic(false)
  }

  struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
  }

  static func emit(_ value: some Encodable) {
    guard let data = try? JSONEncoder().encode(value) else { return }
    FileHandle.standardOutput.write(data + Data([0x0A]))
  }
}
