import Foundation
import TestSupport
import Testing
@testable import TFLiteFormat

/// Seeded random damage to valid models: the reader must only throw or succeed, never crash
/// or read outside the file (run under `--sanitize=address` to check the latter).
@Suite struct RandomCorruptionTests {

  /// One random mutation: flip bits, overwrite with an extreme value, or truncate.
  static func mutate(_ bytes: inout [UInt8], in region: Range<Int>, using random: inout SplitMix64) {
    switch random.next() % 8 {
    case 0:
      bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
    case 1, 2:
      // A 32-bit field set to an extreme value (offsets and lengths are the interesting targets).
      let position = region.lowerBound + Int(random.next() % UInt64(max(region.count - 4, 1)))
      let value: UInt32 = [0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, UInt32(bytes.count), UInt32(truncatingIfNeeded: random.next())][Int(random.next() % 7)]
      for k in 0..<4 where position + k < bytes.count { bytes[position + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
    default:
      for _ in 0..<(1 + Int(random.next() % 4)) {
        let position = region.lowerBound + Int(random.next() % UInt64(region.count))
        bytes[position] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
      }
    }
  }

  /// Loads `bytes`, and on success reads every view, returning whether it loaded.
  static func loadAndTouch(_ bytes: [UInt8]) -> Bool {
    do throws(ModelFormatError) {
      let model = try ModelFile(bytes: bytes)
      var sum = 0
      for index in 0..<model.bufferCount { for byte in model.bufferBytes(index) { sum &+= Int(byte) } }
      for file in model.packedFiles {
        if let contents = model.associatedFile(named: file.name) { for byte in contents { sum &+= Int(byte) } }
      }
      for subgraph in model.subgraphs { for op in subgraph.operators { for byte in model.bytes(in: op.customOptions) { sum &+= Int(byte) } } }
      return sum >= 0
    } catch {
      return false
    }
  }

  @Test func seedModelSurvivesThousandsOfMutations() throws {
    let seed = Array(try Data(contentsOf: TestPaths.models("test/corrupt/valid_base.tflite")))
    var random = SplitMix64(seed: 20_261_121)
    var loaded = 0
    let iterations = 5000
    for _ in 0..<iterations {
      var bytes = seed
      for _ in 0..<(1 + Int(random.next() % 3)) where !bytes.isEmpty {
        Self.mutate(&bytes, in: 0..<bytes.count, using: &random)
      }
      if Self.loadAndTouch(bytes) { loaded += 1 }
    }
    // Some mutations land in weights or padding and leave a valid model; most must be caught.
    #expect(loaded < iterations)
    #expect(loaded > 0)
  }

  @Test(.enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"))
  func realModelStructureSurvivesMutations() throws {
    let url = try #require(TestPaths.shared("real-models/nlclassifier_avgwordvec_imdb_regex_with_metadata.tflite"))
    let seed = Array(try Data(contentsOf: url))
    // Mutate where the structure is: the start of the flatbuffer, the metadata buffer, the zip records.
    let original = try ModelFile(bytes: seed)
    let metadataBuffer = try #require(original.metadataEntries.first { $0.name == "TFLITE_METADATA" }).buffer
    let regions = [0..<4096, original.bufferByteRange(Int(metadataBuffer)), (seed.count - 256)..<seed.count]
    var random = SplitMix64(seed: 7)
    for iteration in 0..<600 {
      var bytes = seed
      let region = regions[iteration % regions.count]
      Self.mutate(&bytes, in: region, using: &random)
      _ = Self.loadAndTouch(bytes)
    }
  }
}
