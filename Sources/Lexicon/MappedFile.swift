#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Size and modification time of a file, as the cache records them to notice a changed source.
struct FileStamp: Sendable, Equatable {
  /// Size in bytes.
  var size: UInt64
  /// Modification time in nanoseconds since the epoch.
  var modificationNanoseconds: Int64

  /// The stamp of `path`, or nil when it cannot be `stat`ed.
  static func of(_ path: String) -> FileStamp? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    #if canImport(Darwin)
    let nanos = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
    #else
    let nanos = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    #endif
    return FileStamp(size: UInt64(info.st_size), modificationNanoseconds: nanos)
  }
}

/// A whole file mapped read-only into memory, with bounds-checked access.
///
/// The mapping is never written, so sharing it between threads is safe (hence `@unchecked Sendable`).
/// It stays valid while this object lives; the file is unmapped in `deinit`.
///
/// ```swift
/// let file = try MappedFile(path: "/usr/share/dictd/freedict-fra-eng.index")
/// let head = file.bytes(at: 0, count: 16)   // nil when past the end
/// ```
final class MappedFile: @unchecked Sendable {
  /// The file's path, for messages.
  let path: String
  /// The mapped bytes (empty for an empty file).
  let buffer: UnsafeRawBufferPointer
  /// The stamp taken when the file was mapped.
  let stamp: FileStamp

  /// Maps `path` read-only; `populate` reads it all in at once (for files about to be read whole).
  ///
  /// - Throws: `LexiconError.unreadable` when the file cannot be opened, `stat`ed or mapped.
  init(path: String, populate: Bool = false) throws(LexiconError) {
    self.path = path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
    #if canImport(Darwin)
    let nanos = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
    #else
    let nanos = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    #endif
    stamp = FileStamp(size: UInt64(info.st_size), modificationNanoseconds: nanos)
    let size = Int(info.st_size)
    if size == 0 {
      buffer = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    #if os(Linux)
    // Pre-faulting in one call is cheaper than a page fault per page when the whole file will be read.
    let flags = MAP_PRIVATE | (populate ? Int32(MAP_POPULATE) : 0)
    #else
    let flags = MAP_PRIVATE
    #endif
    guard let base = mmap(nil, size, PROT_READ, flags, fd, 0), base != MAP_FAILED else {
      throw .unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
    }
    buffer = UnsafeRawBufferPointer(start: base, count: size)
  }

  deinit {
    if let base = buffer.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), buffer.count) }
  }

  /// The file's size in bytes.
  var count: Int { buffer.count }

  /// `count` bytes from `offset`, or nil when any of them lies outside the file.
  @inline(__always)
  func bytes(at offset: UInt64, count: UInt64) -> UnsafeRawBufferPointer? {
    guard offset <= UInt64(buffer.count), count <= UInt64(buffer.count) - offset else { return nil }
    return UnsafeRawBufferPointer(rebasing: buffer[Int(offset)..<Int(offset + count)])
  }
}

/// Reads a whole small file into memory.
///
/// - Throws: `LexiconError.unreadable`.
func readWholeFile(_ path: String) throws(LexiconError) -> [UInt8] {
  let file = try MappedFile(path: path)
  return Array(file.buffer)
}
