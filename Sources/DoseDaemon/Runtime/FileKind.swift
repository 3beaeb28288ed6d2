#if canImport(Glibc)
  import Glibc
#endif

/// What a path holds, in words for messages: a configuration file or a socket path that turns
/// out to be something else is refused by saying what it is ("is a FIFO, not a regular file").
enum FileKind {
  /// The file type in `mode` (`st_mode`): "a regular file", "a directory", "a FIFO", …
  static func describe(_ mode: mode_t) -> String {
    switch mode & mode_t(S_IFMT) {
    case mode_t(S_IFREG): "a regular file"
    case mode_t(S_IFDIR): "a directory"
    case mode_t(S_IFLNK): "a symlink"
    case mode_t(S_IFIFO): "a FIFO"
    case mode_t(S_IFSOCK): "a socket"
    case mode_t(S_IFCHR): "a character device"
    case mode_t(S_IFBLK): "a block device"
    default: "a file of unknown type"
    }
  }

  static func isRegular(_ mode: mode_t) -> Bool { mode & mode_t(S_IFMT) == mode_t(S_IFREG) }
  static func isSocket(_ mode: mode_t) -> Bool { mode & mode_t(S_IFMT) == mode_t(S_IFSOCK) }
  static func isSymlink(_ mode: mode_t) -> Bool { mode & mode_t(S_IFMT) == mode_t(S_IFLNK) }
}
