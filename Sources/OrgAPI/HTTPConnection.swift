import AstroCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Seconds on the monotonic clock (a vDSO call, cheap enough for every read).
func monotonicNow() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// How long one exchange may wait on the network, and how it notices Ctrl-C.
struct WaitLimits {
  /// The monotonic time by which the exchange must be over; `.infinity` for none.
  var deadline: Double
  /// The most the connection may stay silent, in seconds.
  var idle: Double
  var isCancelled: () -> Bool
}

/// Why a socket operation failed, before the transport decides what it means.
struct SocketFailure: Error {
  enum Kind: Equatable {
    /// No connection could be made; the server saw nothing.
    case connect
    /// The peer closed or reset the connection.
    case closed
    case deadline
    case idle
    case cancelled
    /// The answer is larger than this client reads (`APIResponse.maxBodySize`).
    case tooLarge
    case other
  }

  var kind: Kind
  var detail: String

  init(_ kind: Kind, _ detail: String) {
    self.kind = kind
    self.detail = detail
  }

  /// A failure from `errno`, with the system's text in lower case.
  static func errno(_ kind: Kind, _ code: Int32) -> SocketFailure {
    SocketFailure(kind, TransportText.cause(String(cString: strerror(code))))
  }
}

/// One TCP connection with a read buffer, used by one thread at a time.
///
/// The socket stays blocking with short send and receive timeouts, so a read costs one
/// system call when the answer is there, and a wait wakes up every `slice` seconds to
/// look at Ctrl-C, the deadline and the idle timeout.
final class HTTPConnection: @unchecked Sendable {
  static let slice = 0.05

  let fd: Int32
  /// When the connection was last handed back to the pool.
  var idleSince = 0.0
  /// How many exchanges it has completed; above zero it is a reused keep-alive connection.
  var exchanges = 0
  /// Bytes received since `startExchange`, to tell a stale connection from a broken answer.
  private(set) var received = 0
  /// When Ctrl-C was last looked at, so that a steady stream of data still gets it checked.
  private var checkedCancel = 0.0
  private var storage: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// The unread bytes are `storage[start..<end]`.
  private(set) var start = 0
  private(set) var end = 0

  private init(fd: Int32) {
    self.fd = fd
    capacity = 16 << 10
    storage = .allocate(capacity: capacity)
  }

  deinit {
    close(fd)
    storage.deallocate()
  }

  // MARK: Connecting

  /// Connects to the first address of `host` that accepts, within the limits.
  static func open(host: String, port: Int, limits: WaitLimits) throws -> HTTPConnection {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_NUMERICSERV
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      let why = status == EAI_SYSTEM ? String(cString: strerror(errno)) : gaiText(status)
      throw SocketFailure(.connect, "cannot resolve the host name: " + TransportText.cause(why))
    }
    defer { freeaddrinfo(first) }
    var failure = SocketFailure(.connect, "no address to connect to")
    var next: UnsafeMutablePointer<addrinfo>? = first
    while let info = next {
      next = info.pointee.ai_next
      do {
        return try connect(info.pointee, limits: limits)
      } catch let error as SocketFailure where error.kind == .connect {
        failure = error
      }
    }
    throw failure
  }

  private static func gaiText(_ status: Int32) -> String {
    guard let text = gai_strerror(status) else { return "unknown error" }
    return String(cString: text)
  }

  private static func connect(_ info: addrinfo, limits: WaitLimits) throws -> HTTPConnection {
    let fd = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw SocketFailure.errno(.connect, errno) }
    // Owned from here on: its deinit closes the descriptor on every failure path.
    let connection = HTTPConnection(fd: fd)
    let flags = fcntl(fd, F_GETFL)
    _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 {
      guard errno == EINPROGRESS else { throw refusal(errno) }
      try waitForConnect(fd, limits: limits)
    }
    _ = fcntl(fd, F_SETFL, flags)
    connection.configure()
    return connection
  }

  /// Waits for a non-blocking connect to finish, in slices so Ctrl-C is noticed.
  private static func waitForConnect(_ fd: Int32, limits: WaitLimits) throws {
    let started = monotonicNow()
    let until = min(limits.deadline, started + limits.idle)
    var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
    while true {
      if limits.isCancelled() { throw SocketFailure(.cancelled, "cancelled") }
      let left = until - monotonicNow()
      if left <= 0 {
        throw SocketFailure(
          .connect, "no connection within \(RetryPolicy.seconds(until - started))")
      }
      let ready = poll(&poller, 1, Int32(min(left, slice) * 1000) + 1)
      if ready < 0, errno != EINTR { throw SocketFailure.errno(.connect, errno) }
      if ready > 0 { break }
    }
    var code: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
    if code != 0 { throw refusal(code) }
  }

  private static func refusal(_ code: Int32) -> SocketFailure {
    if code == ECONNREFUSED || code == EHOSTUNREACH || code == ENETUNREACH {
      return SocketFailure(.connect, "the connection was refused or the host is unreachable")
    }
    return SocketFailure.errno(.connect, code)
  }

  /// No Nagle delay (a request is written in one piece and waits for its answer), and the
  /// timeouts that make blocking calls wake up to look at Ctrl-C.
  private func configure() {
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    var wake = timeval(tv_sec: 0, tv_usec: Int(HTTPConnection.slice * 1_000_000))
    let size = socklen_t(MemoryLayout<timeval>.size)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wake, size)
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wake, size)
  }

  // MARK: Writing and reading

  /// Writes all of `bytes`; a peer that went away is `.closed`.
  func write(_ bytes: [UInt8], limits: WaitLimits) throws {
    var offset = 0
    // The clock is read only once the socket stalls: most requests go out in one call.
    var stalledSince: Double?
    try bytes.withUnsafeBytes { raw in
      while offset < raw.count {
        let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
        if n > 0 {
          offset += n
          stalledSince = nil
          continue
        }
        let code = errno
        let since = stalledSince ?? monotonicNow()
        stalledSince = since
        try handle(code, limits: limits, since: since)
      }
    }
  }

  /// Reads more bytes into the buffer; returns false at the end of the stream.
  /// `maxBuffered` bounds how much may pile up unread (the header limit).
  ///
  /// The deadline is checked on every call and Ctrl-C at least every `slice`, even when
  /// data keeps coming, so a server that trickles bytes cannot hold the caller forever.
  func fill(limits: WaitLimits, maxBuffered: Int = .max) throws -> Bool {
    let began = monotonicNow()
    if began >= limits.deadline { throw SocketFailure(.deadline, "deadline") }
    if began - checkedCancel >= HTTPConnection.slice {
      checkedCancel = began
      if limits.isCancelled() { throw SocketFailure(.cancelled, "cancelled") }
    }
    try makeRoom(limit: maxBuffered)
    while true {
      let n = recv(fd, storage + end, capacity - end, 0)
      if n > 0 {
        end += n
        received += n
        return true
      }
      if n == 0 { return false }
      try handle(errno, limits: limits, since: began)
    }
  }

  /// Decides about a failed send or receive: wait on (timeout slice, signal) or throw.
  private func handle(_ code: Int32, limits: WaitLimits, since: Double) throws {
    switch code {
    case EINTR: return
    case EAGAIN, EWOULDBLOCK:
      if limits.isCancelled() { throw SocketFailure(.cancelled, "cancelled") }
      let now = monotonicNow()
      checkedCancel = now
      if now >= limits.deadline { throw SocketFailure(.deadline, "deadline") }
      if now - since >= limits.idle { throw SocketFailure(.idle, "idle") }
    case ECONNRESET, EPIPE, ECONNABORTED, ENOTCONN:
      throw SocketFailure(.closed, "the connection was reset by the server")
    default:
      throw SocketFailure.errno(.other, code)
    }
  }

  /// Moves unread bytes to the front, and grows the buffer when it is full, up to `limit`.
  private func makeRoom(limit: Int) throws {
    if start == end {
      start = 0
      end = 0
    }
    if end < capacity { return }
    if start > 0 {
      memmove(storage, storage + start, end - start)
      end -= start
      start = 0
      return
    }
    guard capacity < limit else {
      throw SocketFailure(.other, "the answer does not fit in \(limit >> 10) KB of buffer")
    }
    let size = min(capacity * 2, limit)
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    grown.update(from: storage, count: end)
    storage.deallocate()
    storage = grown
    capacity = size
  }

  // MARK: The buffer

  var buffered: Int { end - start }

  /// The unread bytes, without consuming them.
  var unread: UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: storage + start, count: end - start)
  }

  /// Marks `count` unread bytes as consumed.
  func consume(_ count: Int) {
    start += min(count, end - start)
  }

  /// Takes up to `count` unread bytes.
  func take(_ count: Int) -> [UInt8] {
    let n = min(count, end - start)
    let out = [UInt8](UnsafeBufferPointer(start: storage + start, count: n))
    start += n
    return out
  }

  /// Starts a new exchange: counts received bytes from zero, and takes Ctrl-C as just
  /// checked (the client looks at it before every attempt).
  func startExchange() {
    received = 0
    checkedCancel = monotonicNow()
  }

  /// Whether an idle keep-alive connection can carry another request: nothing unread, and
  /// the server has not closed it (a peek that would block means it is still open).
  var isReusable: Bool {
    guard start == end else { return false }
    var byte: UInt8 = 0
    let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
  }
}
