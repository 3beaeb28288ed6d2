import ConfigLines

/// notify.toml's sections: the root, `[[action]]` and `[[escalation]]` tables.
typealias NotifyTOMLLines = TOMLLineIndex

extension TOMLLineIndex {
  init(notifyConfig text: String) {
    self.init(text, tables: ["action", "escalation"])
  }
}

extension TOMLLineIndex.Section {
  static func action(_ index: Int) -> Self { .table("action", index) }
  static func escalation(_ index: Int) -> Self { .table("escalation", index) }
}
