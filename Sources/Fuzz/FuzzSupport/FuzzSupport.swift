import Foundation

/// Helpers shared by the libFuzzer targets under `Sources/Fuzz`. Each target is one
/// `@_cdecl("LLVMFuzzerTestOneInput")` function that hands the input to a codec; this module
/// turns libFuzzer's raw buffer into the shapes the codecs take, and replays saved inputs in a
/// normal (non-fuzzer) build. It depends on Foundation only, so it never decides what a
/// target links.
public enum FuzzInput {
  /// The input as an array. `data` may be a dangling pointer when `size` is 0.
  public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
  }

  /// Text lines as `SerialLink.readLine` delivers them: split at CR, LF or CRLF, empty lines
  /// skipped, lines over `maxLength` bytes dropped, bytes decoded as UTF-8 with repair.
  public static func serialLines(_ bytes: [UInt8], maxLength: Int = 1024) -> [String] {
    bytes.split(omittingEmptySubsequences: true) { $0 == 0x0A || $0 == 0x0D }
      .filter { $0.count <= maxLength }
      .map { String(decoding: $0, as: UTF8.self) }
  }
}

/// The `main` of a fuzz target built without libFuzzer (`swift build`, which builds every
/// target): runs each file named on the command line, or each file in a named directory,
/// through the target's entry point once. A crash artifact can so be replayed with the Swift
/// backtracer and a debugger. Exits 2 on a usage or read error.
public enum FuzzReplay {
  public static func run(_ entry: (UnsafePointer<UInt8>, Int) -> CInt) {
    let arguments = CommandLine.arguments.dropFirst()
    guard !arguments.isEmpty else {
      let name = CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent } ?? "fuzz"
      FileHandle.standardError.write(
        Data(
          """
          usage: \(name) FILE|DIR…  (replays inputs; built with `make fuzz` it is a libFuzzer \
          target instead)

          """.utf8))
      exit(2)
    }
    var count = 0
    for path in arguments {
      for file in files(at: path) {
        guard let data = FileManager.default.contents(atPath: file) else {
          FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
          exit(2)
        }
        let bytes = [UInt8](data)
        // A non-null pointer even for an empty input, as libFuzzer passes.
        _ = (bytes.isEmpty ? [0] : bytes).withUnsafeBufferPointer { buffer in
          entry(buffer.baseAddress!, bytes.count)
        }
        count += 1
      }
    }
    print("replayed \(count) input(s)")
  }

  private static func files(at path: String) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { return [path] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.sorted().map { (path as NSString).appendingPathComponent($0) }
      .filter { file in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory)
          && !isDirectory.boolValue
      }
  }
}
