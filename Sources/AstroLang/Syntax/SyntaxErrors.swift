import AstroCore

/// Every syntax error text of the lexer and parser, in one voice: lower case, no trailing
/// period, source text in single quotes. Each error carries the span it is about.
enum SyntaxErrors {
  static func make(
    _ code: String, _ message: String, hint: String? = nil, _ file: SourceFile, _ span: Span
  ) -> ShellError {
    ShellError(.syntax, code: code, message, hint: hint, at: SourceLocation(file: file, span: span))
  }

  static func nulByte(_ file: SourceFile, at offset: Int) -> ShellError {
    make(
      "binary_input", "the source contains a NUL byte",
      hint: "astrosh scripts are UTF-8 text; is this a binary file?", printable(file),
      Span(offset, offset + 1))
  }

  static func controlCharacter(_ byte: UInt8, _ file: SourceFile, at offset: Int) -> ShellError {
    let code = String(byte, radix: 16, uppercase: true)
    let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
    return make(
      "binary_input", "unexpected control character U+\(padded)",
      hint: "astrosh scripts are UTF-8 text; is this a binary file?", printable(file),
      Span(offset, offset + 1))
  }

  /// The file with control characters shown as `?`, byte for byte, so that quoting a line
  /// of binary input cannot send escape sequences to the terminal.
  static func printable(_ file: SourceFile) -> SourceFile {
    let bytes = file.text.utf8.map { byte -> UInt8 in
      let control = (byte < 0x20 && byte != Ascii.newline && byte != Ascii.tab) || byte == 0x7F
      return control ? UInt8(ascii: "?") : byte
    }
    return SourceFile(name: file.name, text: String(decoding: bytes, as: UTF8.self))
  }

  static func unterminatedString(_ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "unterminated_string", "this string is never closed",
      hint: "add the closing quote", file, span)
  }

  static func nestingTooDeep(_ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "nesting_too_deep", "the code is nested too deeply",
      hint: "at most \(Parser.maxDepth) levels of brackets, blocks and operators are allowed",
      file, span)
  }

  static func unexpected(_ found: String, _ file: SourceFile, _ span: Span, hint: String? = nil)
    -> ShellError
  {
    make("unexpected_token", "unexpected \(found)", hint: hint, file, span)
  }

  static func expected(
    _ what: String, found: String, _ file: SourceFile, _ span: Span, hint: String? = nil
  ) -> ShellError {
    make("unexpected_token", "expected \(what), found \(found)", hint: hint, file, span)
  }

  static func unclosed(_ open: Punct, _ file: SourceFile, _ span: Span) -> ShellError {
    let close: Punct =
      switch open {
      case .lparen: .rparen
      case .lbracket: .rbracket
      default: .rbrace
      }
    return make(
      "unclosed_bracket", "this '\(open.rawValue)' is never closed",
      hint: "add '\(close.rawValue)'", file, span)
  }

  static func bareWord(_ word: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "bare_word", "unexpected word '\(word)' in an expression",
      hint: "quote a string (\"\(word)\"), write $\(word) for a variable, or call a command "
        + "in parentheses: (\(word) …)", file, span)
  }

  static func invalidNumber(_ text: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make("invalid_number", "'\(text)' is not a valid number", file, span)
  }

  static func numberTooLarge(_ text: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "invalid_number", "the number '\(text)' is too \(text.hasPrefix("-") ? "small" : "large")",
      hint: "integers range from \(Int.min) to \(Int.max)", file, span)
  }

  static func floatTooLarge(_ text: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "invalid_number", "the number '\(text)' is too large for a float",
      hint: "floats range up to about ±1.8e308", file, span)
  }

  static func invalidEscape(_ text: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "invalid_escape", "unknown escape '\(text)' in a string",
      hint: "the escapes are \\n \\t \\r \\0 \\\" \\' \\\\ \\$ and \\u{…}; "
        + "'single quotes' take text as it is", file, span)
  }

  static func duplicateField(_ key: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make("duplicate_field", "the field '\(key)' appears twice in this record", file, span)
  }

  static func unknownType(_ name: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "unknown_type", "unknown type '\(name)'",
      hint: Suggest.hint(for: name, in: TypeNames.all.map(\.0))
        ?? "the types are " + TypeNames.all.map(\.0).joined(separator: ", "), file, span)
  }

  static func dollarInDeclaration(_ name: String, _ file: SourceFile, _ span: Span)
    -> ShellError
  {
    make(
      "unexpected_token", "a declared name is written without '$'",
      hint: "write 'let \(name) = …' and read it as $\(name)", file, span)
  }
}

/// The type names a def parameter may be annotated with.
enum TypeNames {
  static let all: [(String, ParamType)] = [
    ("any", .any), ("string", .string), ("int", .int), ("float", .float), ("number", .number),
    ("bool", .bool), ("list", .list(.any)), ("record", .record), ("closure", .closure),
    ("path", .path),
  ]

  static func lookup(_ name: String) -> ParamType? {
    all.first { $0.0 == name }?.1
  }
}
