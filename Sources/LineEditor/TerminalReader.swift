import CLibEdit

#if canImport(Glibc)
  import Glibc
#endif

/// libedit's character source (EL_GETCFN). It reads the terminal in chunks, decodes UTF-8,
/// strips bracketed-paste markers, and ends the read when Ctrl-C or a terminating signal
/// arrives. Lines of a multi-line paste stay queued here and come out one call at a time.
final class TerminalReader {
  /// Why the last read stopped without a character.
  enum Stop: Equatable {
    case interrupted
    case terminated(Int32)
    case endOfInput
  }

  let fd: Int32
  var stop: Stop?
  /// Whether the character handed out last came from a paste (Tab then inserts itself).
  private(set) var lastWasPasted = false
  private var decoder = InputDecoder()
  private var buffer = [UInt8](repeating: 0, count: 4096)

  init(fd: Int32) {
    self.fd = fd
  }

  /// Delivers one character: 1 when `character` holds one, 0 at end of input, -1 when a
  /// signal ended the read.
  func readCharacter(_ editLine: OpaquePointer, into character: UnsafeMutablePointer<wchar_t>)
    -> Int32
  {
    while true {
      if let reason = signalStop() {
        stop = reason
        errno = EINTR
        return -1
      }
      if let next = decoder.next() {
        lastWasPasted = next.pasted
        character.pointee = wchar_t(bitPattern: next.scalar.value)
        return 1
      }
      switch fill(editLine) {
      case .some(true): continue
      case .some(false):
        stop = .endOfInput
        return 0
      case .none: continue
      }
    }
  }

  /// Forgets characters read ahead, and input still waiting in the terminal.
  func discardPending() {
    decoder.discardOutput()
    _ = tcflush(fd, TCIFLUSH)
  }

  private func signalStop() -> Stop? {
    if let signo = TerminalSignals.terminationSignal { return .terminated(signo) }
    return TerminalSignals.interruptPending ? .interrupted : nil
  }

  /// Waits for input or a signal. Returns true when bytes were decoded, false at end of
  /// input, nil when a signal woke the wait.
  private func fill(_ editLine: OpaquePointer) -> Bool? {
    var fds = [
      pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
      pollfd(fd: TerminalSignals.wakeReadEnd, events: Int16(POLLIN), revents: 0),
    ]
    if poll(&fds, 2, -1) < 0 || fds[1].revents != 0 {
      TerminalSignals.drainWakePipe()
      handleEditingSignals(editLine)
      return nil
    }
    let count = read(fd, &buffer, buffer.count)
    if count > 0 {
      decoder.feed(buffer[0..<count])
      return true
    }
    if count < 0, errno == EINTR || errno == EAGAIN { return nil }
    decoder.flush()
    return decoder.hasOutput
  }

  /// Window resizes and Ctrl-Z are handled here, in ordinary code, not in the handler.
  private func handleEditingSignals(_ editLine: OpaquePointer) {
    if TerminalSignals.take(SIGWINCH) {
      el_resize(editLine)
      _ = shim_el_refresh(editLine)
    }
    if TerminalSignals.take(SIGTSTP) {
      suspend(editLine)
    }
  }

  /// Gives the terminal back, stops the process as the default action would, and takes
  /// the terminal again when the shell is resumed with `fg`.
  private func suspend(_ editLine: OpaquePointer) {
    _ = shim_el_prep_term(editLine, 0)
    _ = shim_set_default_handler(SIGTSTP)
    _ = raise(SIGTSTP)
    TerminalSignals.beginReading()
    _ = shim_el_prep_term(editLine, 1)
    _ = shim_el_refresh(editLine)
  }
}

extension TerminalEditor {
  /// The Tab handler: asks `completer`, then inserts, narrows or lists.
  func complete(_ editLine: OpaquePointer) -> UInt8 {
    if pastedLast {
      // A Tab inside pasted text is text, not a request to complete.
      WideText.with("\t") { _ = el_winsertstr(editLine, $0) }
      return UInt8(CC_REFRESH)
    }
    guard let completer, let info = el_wline(editLine)?.pointee else {
      return UInt8(CC_REFRESH_BEEP)
    }
    let line = WideText.string(from: info.buffer, count: info.lastchar - info.buffer)
    let cursor = info.cursor - info.buffer
    switch completer(line, cursor).action(line: line, cursor: cursor) {
    case .beep:
      return UInt8(CC_REFRESH_BEEP)
    case .insert(let text, let deleting):
      if deleting > 0 { el_deletestr(editLine, Int32(deleting)) }
      if !text.isEmpty { WideText.with(text) { _ = el_winsertstr(editLine, $0) } }
      return UInt8(CC_REFRESH)
    case .list(let candidates):
      let width = Terminal.columns(of: outputDescriptor) ?? 80
      let lines = CandidateColumns.lines(candidates, width: width)
      write("\n" + lines.joined(separator: "\n") + "\n")
      return UInt8(CC_REDISPLAY)
    }
  }
}
