#if !FUZZING
  import FuzzSupport

  /// A build without libFuzzer (`swift build`) replays the files or directories named on the
  /// command line through the entry point instead; `make fuzz` builds with `-DFUZZING`.
  @main enum Replay {
    static func main() { FuzzReplay.run(fuzzOneInput) }
  }
#endif
