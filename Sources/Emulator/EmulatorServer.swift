import AstroCore
import CMicroHTTPD
import Foundation
import OrgAPI

/// Why the HTTP server could not start.
public struct ServerError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// The emulator over HTTP/1.1, under `/v1alpha1`, on GNU libmicrohttpd.
///
/// MHD runs a small pool of polling threads. Nothing blocks them for long: injected latency
/// suspends the connection and a timer resumes it, and the audit-log download is
/// compressed block by block as the socket drains. So one slow request never holds up the
/// others.
public final class EmulatorServer: @unchecked Sendable {
  public struct Configuration: Sendable {
    /// A numeric IPv4 or IPv6 address; `localhost` means 127.0.0.1.
    public var host: String
    /// 0 picks a free port; read the real one from `port` after `start`.
    public var port: UInt16
    /// MHD's polling threads.
    public var threads: Int
    /// Receives one line per request (method, path, status, duration); nil logs nothing.
    public var log: (@Sendable (String) -> Void)?

    public init(
      host: String = "127.0.0.1", port: UInt16 = 0, threads: Int = 4,
      log: (@Sendable (String) -> Void)? = nil
    ) {
      self.host = host
      self.port = port
      self.threads = threads
      self.log = log
    }
  }

  public let engine: EmulatorEngine
  public let configuration: Configuration
  private var daemon: OpaquePointer?
  /// The port the server listens on, once started.
  public private(set) var port: UInt16 = 0
  /// Connections suspended for injected latency. MHD must not stop while one is still
  /// suspended, so the timer and `stop` race for each entry, and whoever removes it resumes
  /// it; `resuming` counts resumes in progress, which `stop` waits for.
  let suspension = Locked(Suspension())

  struct Suspension {
    var table: [ObjectIdentifier: SuspendedConnection] = [:]
    var stopping = false
    var resuming = 0
    /// Requests resumed by `stop` whose 503 has not been sent yet.
    var draining: Set<ObjectIdentifier> = []
  }

  /// The largest request body accepted; larger ones get 413.
  static let maxBodyBytes = 4 << 20

  public init(engine: EmulatorEngine, configuration: Configuration = Configuration()) {
    self.engine = engine
    self.configuration = configuration
  }

  deinit { stop() }

  /// The API base URL clients should use, e.g. `http://127.0.0.1:8080/v1alpha1`.
  public var baseURL: String {
    let host = bindAddress.contains(":") ? "[\(bindAddress)]" : bindAddress
    return "http://\(host):\(port)/v1alpha1"
  }

  private var bindAddress: String {
    configuration.host == "localhost" ? "127.0.0.1" : configuration.host
  }

  public func start() throws(ServerError) {
    guard daemon == nil else { return }
    let me = Unmanaged.passUnretained(self).toOpaque()
    daemon = shim_mhd_start(
      bindAddress, configuration.port, UInt32(max(1, configuration.threads)),
      MHDCallbacks.access, me, MHDCallbacks.completed, me)
    guard let daemon else {
      throw ServerError(
        message: "cannot listen on \(configuration.host) port \(configuration.port): the "
          + "address is not a numeric IP address, or the port is in use")
    }
    port = shim_mhd_port(daemon)
  }

  /// Stops accepting, answers any request still waiting out injected latency with 503,
  /// and shuts MHD down. Safe to call twice.
  public func stop() {
    guard let daemon else { return }
    let waiting = suspension.withLock { s in
      s.stopping = true
      s.draining = Set(s.table.keys)
      defer { s.table.removeAll() }
      return Array(s.table.values)
    }
    for entry in waiting {
      entry.context.finish(
        Replies.error(
          APIFailure(status: 503, message: "Service unavailable: the emulator is stopping"),
          requestId: entry.context.requestId))
      MHD_resume_connection(entry.connection)
    }
    // Give the resumed requests a moment to get their 503 out before MHD closes sockets.
    let deadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
    while suspension.withLock({ $0.resuming > 0 || !$0.draining.isEmpty }),
      DispatchTime.now().uptimeNanoseconds < deadline
    {
      usleep(1000)
    }
    MHD_stop_daemon(daemon)
    self.daemon = nil
  }

  /// Suspends a connection for injected latency; false when the server is stopping and the
  /// request must be answered at once instead.
  func suspend(_ connection: OpaquePointer, _ context: RequestContext) -> Bool {
    suspension.withLock { s in
      guard !s.stopping else { return false }
      MHD_suspend_connection(connection)
      s.table[ObjectIdentifier(context)] = SuspendedConnection(
        connection: connection, context: context)
      return true
    }
  }

  /// Resumes a suspended connection after its injected latency, with the reply (nil to
  /// drop it), unless `stop` got there first.
  func resume(_ context: RequestContext, with reply: () -> EngineReply?) {
    let entry = suspension.withLock { s in
      let entry = s.table.removeValue(forKey: ObjectIdentifier(context))
      if entry != nil { s.resuming += 1 }
      return entry
    }
    guard let entry else { return }
    context.finish(reply())
    MHD_resume_connection(entry.connection)
    suspension.withLock { $0.resuming -= 1 }
  }

  /// The request is over (answered, dropped or broken off): log it.
  func completed(_ context: RequestContext) {
    suspension.withLock { _ = $0.draining.remove(ObjectIdentifier(context)) }
    guard let log = configuration.log else { return }
    let ms = Double(DispatchTime.now().uptimeNanoseconds - context.started) / 1e6
    let status = context.status.map(String.init) ?? "dropped"
    // The path arrives decoded: a `%0A` in an id must not start a forged log line.
    let what = "\(context.method) \(context.url)".escapingControls(keepingLineBreaks: false)
    log("\(what) \(status) \(String(format: "%.1f", ms)) ms")
  }
}

/// A connection waiting out injected latency.
struct SuspendedConnection: @unchecked Sendable {
  let connection: OpaquePointer
  let context: RequestContext
}
