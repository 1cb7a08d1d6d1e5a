/// One character of terminal input, and whether it arrived inside a bracketed paste.
public struct InputCharacter: Equatable, Sendable {
  public var scalar: Unicode.Scalar
  public var pasted: Bool

  public init(_ scalar: Unicode.Scalar, pasted: Bool = false) {
    self.scalar = scalar
    self.pasted = pasted
  }
}

/// Turns raw terminal bytes into characters: decodes UTF-8 and removes the
/// bracketed-paste markers `ESC[200~` and `ESC[201~`, so they never reach the line buffer.
///
/// Inside a paste the text is cleaned as well: CR LF counts as one line break, and control
/// characters other than tab and line breaks are dropped, so a pasted escape sequence cannot
/// act as an editing key. A byte sequence that is not UTF-8 becomes U+FFFD. The decoder is
/// pure, so the marker handling is tested without a terminal.
public struct InputDecoder: Sendable {
  private static let pasteStart: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x30, 0x7E]
  private static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]

  /// Bytes that may still turn out to be a paste marker.
  private var marker: [UInt8] = []
  /// The start of a multi-byte UTF-8 sequence.
  private var partial: [UInt8] = []
  private var expected = 0
  private var output: [InputCharacter] = []
  /// The index of the next character to hand out; a paste can be long, so taking a
  /// character must not shift the whole array.
  private var head = 0
  private var lastPastedWasCR = false

  /// True between a paste-start and a paste-end marker.
  public private(set) var inPaste = false

  public init() {}

  /// Characters decoded but not yet taken.
  public var hasOutput: Bool { head < output.count }

  /// Decodes `bytes`; the characters become available through `next()`.
  public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    for byte in bytes { feed(byte) }
  }

  /// Takes the oldest decoded character.
  public mutating func next() -> InputCharacter? {
    guard head < output.count else { return nil }
    let character = output[head]
    head += 1
    if head == output.count {
      output.removeAll(keepingCapacity: true)
      head = 0
    }
    return character
  }

  /// Takes every decoded character.
  public mutating func drain() -> [InputCharacter] {
    defer { discardOutput() }
    return Array(output[head...])
  }

  /// Gives up on bytes held back for a marker or an unfinished UTF-8 sequence; called at
  /// end of input so nothing typed is lost.
  public mutating func flush() {
    let held = marker
    marker.removeAll()
    for byte in held { emitByte(byte) }
    if !partial.isEmpty { emitInvalid() }
  }

  /// Forgets decoded characters that were not taken yet, for Ctrl-C.
  public mutating func discardOutput() {
    output.removeAll(keepingCapacity: true)
    head = 0
  }

  private mutating func feed(_ byte: UInt8) {
    guard !marker.isEmpty || byte == 0x1B else { return emitByte(byte) }
    marker.append(byte)
    if marker == Self.pasteStart || marker == Self.pasteEnd {
      inPaste = marker == Self.pasteStart
      lastPastedWasCR = false
      marker.removeAll()
    } else if !Self.pasteStart.starts(with: marker) && !Self.pasteEnd.starts(with: marker) {
      // Not a marker: pass the ESC on, and look at the rest again since it may start one.
      let rest = marker.dropFirst()
      marker.removeAll()
      emitByte(0x1B)
      for byte in rest { feed(byte) }
    }
  }

  private mutating func emitByte(_ byte: UInt8) {
    if expected > 0 {
      if byte & 0xC0 == 0x80 {
        partial.append(byte)
        if partial.count == expected { finishSequence() }
        return
      }
      emitInvalid()
    }
    switch byte {
    case 0x00..<0x80: emit(Unicode.Scalar(byte))
    case 0xC2...0xDF: begin(byte, length: 2)
    case 0xE0...0xEF: begin(byte, length: 3)
    case 0xF0...0xF4: begin(byte, length: 4)
    default: emit("\u{FFFD}")
    }
  }

  private mutating func begin(_ byte: UInt8, length: Int) {
    partial = [byte]
    expected = length
  }

  private mutating func finishSequence() {
    let decoded = String(validating: partial, as: UTF8.self)?.unicodeScalars.first
    partial.removeAll()
    expected = 0
    emit(decoded ?? "\u{FFFD}")
  }

  private mutating func emitInvalid() {
    partial.removeAll()
    expected = 0
    emit("\u{FFFD}")
  }

  private mutating func emit(_ scalar: Unicode.Scalar) {
    guard inPaste else {
      output.append(InputCharacter(scalar))
      return
    }
    let wasCR = lastPastedWasCR
    lastPastedWasCR = scalar == "\r"
    switch scalar {
    case "\n" where wasCR:
      return
    case "\r", "\n":
      output.append(InputCharacter("\r", pasted: true))
    case "\t":
      output.append(InputCharacter(scalar, pasted: true))
    case "\u{0}"..<"\u{20}", "\u{7F}":
      return
    default:
      output.append(InputCharacter(scalar, pasted: true))
    }
  }
}
