import Foundation

/// Where lookup indexes are cached, and how a cache file is written so that no reader sees half of it.
///
/// The directory is `$XDG_CACHE_HOME/glean` (default `~/.cache/glean`). A cache file is named after the
/// dictionary, a hash of its index path and the cache format version (`freedict-fra-eng-b1c3….v2.glx`). It is written to a temporary file in the same directory and
/// renamed over the old one (`rename(2)` is atomic), so a second process sees the old file or the new
/// one, never a mix.
public enum LookupCache {
  /// The default cache directory: `$XDG_CACHE_HOME/glean`, or `~/.cache/glean`.
  public static var defaultDirectory: String {
    let environment = ProcessInfo.processInfo.environment
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/glean" }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return home + "/.cache/glean"
  }

  /// The cache file for the dictionary whose index is `indexPath`.
  static func path(forIndex indexPath: String, name: String, in directory: String) -> String {
    let absolute = indexPath.hasPrefix("/") ? indexPath : FileManager.default.currentDirectoryPath + "/" + indexPath
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in absolute.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    let safeName = String(name.unicodeScalars.map { scalar -> Character in
      scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" ? Character(scalar) : "_"
    })
    // The format version is in the name too, so two Glean versions sharing a cache do not rebuild each other's files.
    return "\(directory)/\(safeName)-\(String(hash, radix: 16)).v\(LookupIndex.formatVersion).glx"
  }

  /// Writes `bytes` to `path` through a temporary file and an atomic rename.
  ///
  /// - Throws: `LexiconError.cacheUnwritable`.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(LexiconError) {
    let directory = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw .cacheUnwritable(path: path, reason: "cannot create \(directory)")
    }
    let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw .cacheUnwritable(path: path, reason: String(cString: strerror(errno))) }
    var written = 0
    let ok = bytes.withUnsafeBytes { buffer -> Bool in
      guard let base = buffer.baseAddress else { return true }
      while written < buffer.count {
        let n = write(fd, base + written, buffer.count - written)
        if n <= 0 { return false }
        written += n
      }
      return true
    }
    let closed = close(fd) == 0
    guard ok, closed, rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw .cacheUnwritable(path: path, reason: reason)
    }
  }
}
