import CZlib

/// Gzip over zlib: the audit logs arrive as gzip-compressed NDJSON, and the emulator
/// serves them that way.
public enum Gzip {
  /// Why gzip data could not be read or written.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
  }

  /// Compresses `bytes` into one gzip member.
  public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
    let compressor = GzipCompressor(level: level)
    var out = compressor.feed(bytes)
    out += compressor.finish()
    return out
  }

  /// Decompresses a whole gzip body (one or more members) at once.
  public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
    let inflater = GzipDecompressor()
    var out = try inflater.feed(bytes)
    out += try inflater.finish()
    return out
  }
}

/// A streaming gzip compressor: feed chunks, then `finish` once to get the trailer.
///
/// One thread uses an instance at a time; it may be handed from thread to thread.
public final class GzipCompressor: @unchecked Sendable {
  private let stream: UnsafeMutablePointer<z_stream>
  private var finished = false

  public init(level: Int32 = 6) {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    // Only fails on a bad level or out of memory; neither is recoverable here.
    let rc = shim_deflate_init_gzip(stream, level)
    precondition(rc == Z_OK, "deflateInit2 failed with \(rc)")
  }

  deinit {
    deflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  /// Compresses a chunk; returns whatever compressed bytes zlib has ready.
  public func feed(_ chunk: [UInt8]) -> [UInt8] {
    precondition(!finished, "GzipCompressor used after finish")
    return run(chunk, flush: Z_NO_FLUSH)
  }

  /// Ends the member and returns the remaining bytes, including the gzip trailer.
  public func finish() -> [UInt8] {
    precondition(!finished, "GzipCompressor finished twice")
    finished = true
    return run([], flush: Z_FINISH)
  }

  private func run(_ input: [UInt8], flush: Int32) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    input.withUnsafeBufferPointer { inPtr in
      stream.pointee.next_in = UnsafeMutablePointer(mutating: inPtr.baseAddress)
      stream.pointee.avail_in = UInt32(inPtr.count)
      repeat {
        let produced = buffer.withUnsafeMutableBufferPointer { outPtr -> Int in
          stream.pointee.next_out = outPtr.baseAddress
          stream.pointee.avail_out = UInt32(outPtr.count)
          _ = deflate(stream, flush)
          return outPtr.count - Int(stream.pointee.avail_out)
        }
        out.append(contentsOf: buffer[0..<produced])
      } while stream.pointee.avail_out == 0
      stream.pointee.next_in = nil
    }
    return out
  }
}

/// A streaming gzip decompressor: feed chunks as they arrive and get the plain bytes out.
///
/// Concatenated members (as `cat a.gz b.gz` makes) decode as one stream. `finish` reports
/// data that stops in the middle of a member, so a cut-off download is never mistaken for
/// a complete one. One thread uses an instance at a time.
public final class GzipDecompressor: @unchecked Sendable {
  private let stream: UnsafeMutablePointer<z_stream>
  /// True between members: at the start, and after each member's trailer.
  private var atBoundary = true
  private var failed: Gzip.Failure?

  public init() {
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let rc = shim_inflate_init_gzip(stream)
    precondition(rc == Z_OK, "inflateInit2 failed with \(rc)")
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  /// Decompresses a chunk; throws on corrupt data (and on every later call).
  public func feed(_ chunk: [UInt8]) throws -> [UInt8] {
    if let failed { throw failed }
    var out: [UInt8] = []
    try chunk.withUnsafeBufferPointer { inPtr in
      guard let base = inPtr.baseAddress, !inPtr.isEmpty else { return }
      stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
      stream.pointee.avail_in = UInt32(inPtr.count)
      defer { stream.pointee.next_in = nil }
      try inflateAvailable(into: &out)
    }
    return out
  }

  /// Declares the end of input; throws when the data stopped inside a member.
  @discardableResult
  public func finish() throws -> [UInt8] {
    if let failed { throw failed }
    guard atBoundary else {
      let error = Gzip.Failure("gzip data is truncated")
      failed = error
      throw error
    }
    return []
  }

  private func inflateAvailable(into out: inout [UInt8]) throws {
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while stream.pointee.avail_in > 0 {
      atBoundary = false
      let (rc, produced) = buffer.withUnsafeMutableBufferPointer { outPtr -> (Int32, Int) in
        stream.pointee.next_out = outPtr.baseAddress
        stream.pointee.avail_out = UInt32(outPtr.count)
        let rc = inflate(stream, Z_NO_FLUSH)
        return (rc, outPtr.count - Int(stream.pointee.avail_out))
      }
      out.append(contentsOf: buffer[0..<produced])
      switch rc {
      case Z_STREAM_END:
        // A member ended; any further input is the next member.
        atBoundary = true
        inflateReset(stream)
      case Z_OK:
        continue
      case Z_BUF_ERROR where produced > 0:
        continue
      default:
        let error = Gzip.Failure(reason(rc))
        failed = error
        throw error
      }
    }
  }

  private func reason(_ rc: Int32) -> String {
    if let msg = stream.pointee.msg { return "gzip data is corrupt: \(String(cString: msg))" }
    switch rc {
    case Z_MEM_ERROR: return "gzip decompression ran out of memory"
    default: return "gzip data is corrupt (zlib error \(rc))"
    }
  }
}
