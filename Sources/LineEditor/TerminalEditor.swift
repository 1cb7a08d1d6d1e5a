import CLibEdit

#if canImport(Glibc)
  import Glibc
#endif

/// An interactive line editor over libedit's wide-character API.
///
/// It reads one line at a time with emacs key bindings, Up/Down and Ctrl-R history search,
/// Tab completion through `completer`, and bracketed paste. Use it from one thread only;
/// the REPL keeps it on the initial thread so that Ctrl-C interrupts its reads.
public final class TerminalEditor {
  /// How a call to `readLine` ended.
  public enum ReadResult: Equatable, Sendable {
    /// A line, without its line break.
    case line(String)
    /// Ctrl-C: the partly typed line was dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the input was closed.
    case endOfInput
    /// SIGTERM or SIGHUP arrived: the shell should end.
    case terminated(Int32)
  }

  /// Called on Tab with the line and the cursor offset (in Unicode scalars).
  public var completer: ((_ line: String, _ cursor: Int) -> Completion)?

  /// Whether to ask the terminal to mark pastes (ESC[?2004h) while a line is read.
  public var bracketedPaste: Bool

  private let editLine: OpaquePointer
  private let history: OpaquePointer
  let reader: TerminalReader
  let outputDescriptor: Int32
  private let output: UnsafeMutablePointer<FILE>
  private let ownsOutput: Bool
  private let ownsInput: UnsafeMutablePointer<FILE>?
  private var prompt = PromptBuffer()
  private var permanentText = WideTextStore()

  /// Opens an editor on the terminal at `input`/`output` (standard input and output by
  /// default). Returns nil when libedit cannot be set up.
  public init?(
    input: Int32 = 0, output: Int32 = 1, historySize: Int = 10_000, bracketedPaste: Bool = true
  ) {
    Terminal.useUTF8Locale()
    guard let files = Self.openFiles(input: input, output: output) else { return nil }
    // libedit is given the descriptors behind its own streams: el_end restores the terminal
    // through them, and a caller's descriptor may by then be closed and reused.
    let inFD = fileno(files.input)
    let outFD = fileno(files.output)
    guard
      let editLine = el_init_fd(
        "astrosh", files.input, files.output, files.output, inFD, outFD, outFD)
    else { return nil }
    guard let history = history_winit() else {
      el_end(editLine)
      return nil
    }
    self.editLine = editLine
    self.history = history
    self.output = files.output
    self.ownsOutput = output != 1
    self.ownsInput = input != 0 ? files.input : nil
    self.reader = TerminalReader(fd: inFD)
    self.outputDescriptor = outFD
    self.bracketedPaste = bracketedPaste
    configure(historySize: historySize)
  }

  deinit {
    el_end(editLine)
    history_wend(history)
    prompt.pointer?.deallocate()
    permanentText.deallocate()
    if ownsOutput { fclose(output) }
    if let ownsInput { fclose(ownsInput) }
  }

  /// Shows `prompt` and reads one line. Escape sequences in the prompt (colours) are
  /// accounted for, so the cursor lands right.
  public func readLine(prompt text: String) -> ReadResult {
    prompt.set(PromptText.markingInvisible(text))
    TerminalSignals.beginReading()
    setBracketedPaste(bracketedPaste)
    defer {
      setBracketedPaste(false)
      TerminalSignals.endReading()
    }
    reader.stop = nil
    var count: Int32 = 0
    let line = el_wgets(editLine, &count)
    return result(line: line, count: count)
  }

  /// Adds an entry to the in-memory history that Up/Down and Ctrl-R search.
  public func addHistory(_ entry: String) {
    WideText.with(entry) { _ = shim_hist_enter(history, $0) }
  }

  /// Replaces the in-memory history with `entries`, oldest first.
  public func setHistory(_ entries: [String]) {
    _ = shim_hist_clear(history)
    for entry in entries { addHistory(entry) }
  }

  var pastedLast: Bool { reader.lastWasPasted }

  /// Drops input that was typed or pasted ahead but not read yet, as after Ctrl-C.
  public func discardPendingInput() {
    reader.discardPending()
  }

  private func result(line: UnsafePointer<wchar_t>?, count: Int32) -> ReadResult {
    if let line, count > 0 {
      var text = WideText.string(from: line, count: Int(count))
      if text.hasSuffix("\n") { text.removeLast() }
      return .line(text)
    }
    switch reader.stop {
    case .interrupted:
      _ = TerminalSignals.takeInterrupt()
      reader.discardPending()
      write("^C\n")
      return .interrupted
    case .terminated(let signo):
      write("\n")
      return .terminated(signo)
    case .endOfInput, nil:
      write("\n")
      return .endOfInput
    }
  }

  /// Writes text straight to the terminal, in order with libedit's own output.
  func write(_ text: String) {
    fputs(text, output)
    fflush(output)
  }

  private func setBracketedPaste(_ on: Bool) {
    guard bracketedPaste else { return }
    write(on ? "\u{1B}[?2004h" : "\u{1B}[?2004l")
  }

  private static func openFiles(input: Int32, output: Int32)
    -> (input: UnsafeMutablePointer<FILE>, output: UnsafeMutablePointer<FILE>)?
  {
    // Standard streams are shared with the rest of the program so output stays in order;
    // other descriptors (a test's pseudo-terminal) get streams of their own.
    let inFile = input == 0 ? shim_stdin() : fdopen(fcntl(input, F_DUPFD_CLOEXEC, 0), "r")
    let outFile = output == 1 ? shim_stdout() : fdopen(fcntl(output, F_DUPFD_CLOEXEC, 0), "w")
    guard let inFile, let outFile else { return nil }
    return (inFile, outFile)
  }
}

extension TerminalEditor {
  /// Sets key bindings, callbacks and history; the callbacks find this editor again
  /// through libedit's client-data pointer.
  fileprivate func configure(historySize: Int) {
    _ = shim_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
    _ = shim_el_set_editor_emacs(editLine)
    _ = el_source(editLine, nil)
    _ = shim_hist_set_size(history, Int32(clamping: historySize))
    _ = shim_hist_set_unique(history, 1)
    _ = shim_el_set_history(editLine, history)
    _ = shim_el_set_prompt(
      editLine, { TerminalEditor.from($0)?.prompt.pointer },
      wchar_t(bitPattern: PromptText.invisibleMarker.value))
    _ = shim_el_set_getcfn(editLine) { editLine, character in
      guard let editLine, let character, let editor = TerminalEditor.from(editLine) else {
        return -1
      }
      return editor.reader.readCharacter(editLine, into: character)
    }
    bind()
  }

  private func bind() {
    // libedit keeps the name and help pointers of an added function, so they live as long
    // as the editor does.
    let name = permanentText.add("astrosh-complete")
    let help = permanentText.add("complete the word before the cursor")
    _ = shim_el_addfn(editLine, name, help) { editLine, _ in
      guard let editLine, let editor = TerminalEditor.from(editLine) else {
        return UInt8(CC_ERROR)
      }
      return editor.complete(editLine)
    }
    let bindings = [
      ("^I", "astrosh-complete"), ("^R", "em-inc-search-prev"), ("^S", "em-inc-search-next"),
      ("\\e[1;5D", "ed-prev-word"), ("\\e[1;5C", "em-next-word"),
      ("\\e[H", "ed-move-to-beg"), ("\\e[F", "ed-move-to-end"),
      ("\\e[1~", "ed-move-to-beg"), ("\\e[4~", "ed-move-to-end"),
      ("\\e[3~", "ed-delete-next-char"),
    ]
    for (keys, command) in bindings {
      WideText.with(keys) { keys in
        WideText.with(command) { command in _ = shim_el_bind(editLine, keys, command) }
      }
    }
  }

  static func from(_ editLine: OpaquePointer?) -> TerminalEditor? {
    guard let editLine, let data = shim_el_get_clientdata(editLine) else { return nil }
    return Unmanaged<TerminalEditor>.fromOpaque(data).takeUnretainedValue()
  }
}

/// Wide strings handed to libedit that must outlive the call that passed them.
private struct WideTextStore {
  private var buffers: [UnsafeMutablePointer<wchar_t>] = []

  mutating func add(_ text: String) -> UnsafeMutablePointer<wchar_t> {
    let wide = WideText.terminated(text)
    let buffer = UnsafeMutablePointer<wchar_t>.allocate(capacity: wide.count)
    buffer.initialize(from: wide, count: wide.count)
    buffers.append(buffer)
    return buffer
  }

  func deallocate() {
    for buffer in buffers { buffer.deallocate() }
  }
}

/// The current prompt as a C wide string that stays valid while libedit shows it.
private struct PromptBuffer {
  private(set) var pointer: UnsafeMutablePointer<wchar_t>?
  private var text: String?

  mutating func set(_ newText: String) {
    guard newText != text else { return }
    pointer?.deallocate()
    let wide = WideText.terminated(newText)
    let buffer = UnsafeMutablePointer<wchar_t>.allocate(capacity: wide.count)
    buffer.initialize(from: wide, count: wide.count)
    pointer = buffer
    text = newText
  }
}
