extension Duration {
  /// The duration as seconds in a `Double` (attosecond precision is far beyond what any caller
  /// here needs).
  public var inSeconds: Double {
    let parts = components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
  }
}
