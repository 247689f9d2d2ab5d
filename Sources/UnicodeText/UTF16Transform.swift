import CICU

/// Runs an ICU "fill this UTF-16 buffer" function over `text`, growing the
/// buffer once when ICU reports the size it needs.
@usableFromInline
func transformUTF16(
  _ text: String,
  operation: @autoclosure () -> String,
  _ body: (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt16>?, Int32, UnsafeMutablePointer<Int32>) -> Int32
) throws(UnicodeTextError) -> String {
  let source = Array(text.utf16)
  if source.isEmpty { return "" }
  guard source.count < Int(Int32.max / 4) else {
    throw UnicodeTextError(operation: operation(), icuStatus: "U_INPUT_TOO_LONG_ERROR")
  }
  var capacity = source.count + source.count / 2 + 16
  for _ in 0..<2 {
    var output = [UInt16](repeating: 0, count: capacity)
    var status: Int32 = 0
    let length = source.withUnsafeBufferPointer { src in
      output.withUnsafeMutableBufferPointer { dst in
        body(src.baseAddress, Int32(src.count), dst.baseAddress, Int32(dst.count), &status)
      }
    }
    if status == 0 {
      return String(decoding: output[0..<Int(length)], as: UTF16.self)
    }
    if status == GLEAN_ICU_BUFFER_OVERFLOW, Int(length) > capacity {
      capacity = Int(length)
      continue
    }
    throw UnicodeTextError(operation: operation(), icuStatus: String(cString: glean_icu_error_name(status)))
  }
  throw UnicodeTextError(operation: operation(), icuStatus: "U_BUFFER_OVERFLOW_ERROR")
}
