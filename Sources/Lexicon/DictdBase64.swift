/// dictd's base-64 numbers, as used for offsets and lengths in `.index` files.
///
/// The alphabet is `A-Z a-z 0-9 + /` (digit values 0…63), written most significant digit first,
/// with no padding: "A" is 0, "B" is 1, "BA" is 64. This is not RFC 4648 base64 of bytes;
/// it is a positional number (see dictd's `dictfmt` and `b64_decode`).
///
/// ```swift
/// DictdBase64.decode("BA"[...].utf8)   // 64
/// DictdBase64.decode("8m"[...].utf8)   // 3878
/// DictdBase64.decode("A=".utf8)        // nil: not a digit
/// ```
enum DictdBase64 {
  /// The value of one digit, or nil for a byte outside the alphabet.
  @inline(__always)
  static func digit(_ byte: UInt8) -> UInt64? {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt64(byte - UInt8(ascii: "A"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt64(byte - UInt8(ascii: "a")) + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte - UInt8(ascii: "0")) + 52
    case UInt8(ascii: "+"): return 62
    case UInt8(ascii: "/"): return 63
    default: return nil
    }
  }

  /// The number written by `digits`, or nil when it is empty, holds a byte outside the alphabet,
  /// or has more than 10 digits (60 bits: more than any real file).
  static func decode<C: Collection>(_ digits: C) -> UInt64? where C.Element == UInt8 {
    guard !digits.isEmpty, digits.count <= 10 else { return nil }
    var value: UInt64 = 0
    for byte in digits {
      guard let d = digit(byte) else { return nil }
      value = value << 6 | d
    }
    return value
  }

  /// `value` written in dictd's base 64 (the inverse of `decode`).
  static func encode(_ value: UInt64) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var digits: [UInt8] = []
    var rest = value
    repeat {
      digits.append(alphabet[Int(rest & 63)])
      rest >>= 6
    } while rest > 0
    return String(decoding: digits.reversed(), as: UTF8.self)
  }
}
