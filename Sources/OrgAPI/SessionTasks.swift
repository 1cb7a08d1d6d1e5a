import AstroCore
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The session-level delegate: it routes each task's events to that task's `TaskBox`
/// and guards redirects. On Linux only the session's delegate is ever called.
final class SessionTasks: NSObject, URLSessionDataDelegate, @unchecked Sendable {
  private let boxes = Locked<[Int: TaskBox]>([:])

  func register(_ box: TaskBox, for id: Int) { boxes.withLock { $0[id] = box } }

  private func box(_ task: URLSessionTask) -> TaskBox? {
    boxes.withLock { $0[task.taskIdentifier] }
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask,
    willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
    completionHandler: @escaping (URLRequest?) -> Void
  ) {
    completionHandler(SessionTasks.guardedRedirect(request, from: task.currentRequest?.url))
  }

  /// The redirected request, without credentials when it leaves the original origin
  /// (scheme, host and port), as curl does and URLSession on Linux does not.
  static func guardedRedirect(_ request: URLRequest, from origin: URL?) -> URLRequest {
    var next = request
    if let origin, let target = request.url, !sameOrigin(origin, target) {
      next.setValue(nil, forHTTPHeaderField: "Authorization")
    }
    return next
  }

  static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
    func port(_ u: URL) -> Int? { u.port ?? (u.scheme?.lowercased() == "https" ? 443 : 80) }
    return a.scheme?.lowercased() == b.scheme?.lowercased()
      && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
  ) {
    if let http = response as? HTTPURLResponse { box(dataTask)?.receive(http) }
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    guard let box = box(dataTask) else { return }
    if box.append(data) { dataTask.suspend() }
  }

  func urlSession(
    _ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?
  ) {
    let done = boxes.withLock { $0.removeValue(forKey: task.taskIdentifier) }
    if let response = task.response as? HTTPURLResponse { done?.receive(response) }
    done?.finish(error)
  }
}

/// What one task has received so far, handed from the delegate queue to the waiting
/// caller under a condition variable.
final class TaskBox: @unchecked Sendable {
  let cond = NSCondition()
  /// Whether a reader drains the body while it arrives; only then may the transfer pause,
  /// since a whole-body wait would never drain it.
  let streaming: Bool
  private(set) var response: HTTPURLResponse?
  private(set) var finished = false
  private(set) var error: Error?
  private var chunks: [Data] = []
  private var head = 0
  private var buffered = 0
  private var paused = false

  /// Above this many unread bytes the transfer is paused until the reader catches up,
  /// so a slow pipeline does not make a large download pile up in memory.
  static let highWater = 8 << 20
  static let lowWater = 2 << 20

  init(streaming: Bool) { self.streaming = streaming }

  func receive(_ response: HTTPURLResponse) {
    cond.lock()
    if self.response == nil { self.response = response }
    cond.broadcast()
    cond.unlock()
  }

  /// Stores a chunk; returns true when the caller should pause the transfer.
  func append(_ data: Data) -> Bool {
    cond.lock()
    defer { cond.unlock() }
    chunks.append(data)
    buffered += data.count
    cond.broadcast()
    if streaming, !paused, !finished, buffered > TaskBox.highWater {
      paused = true
      return true
    }
    return false
  }

  func finish(_ error: Error?) {
    cond.lock()
    finished = true
    if self.error == nil { self.error = error }
    cond.broadcast()
    cond.unlock()
  }

  /// The whole body, once the task has finished.
  func takeAll() -> [UInt8] {
    cond.lock()
    defer { cond.unlock() }
    var out: [UInt8] = []
    out.reserveCapacity(buffered)
    for chunk in chunks[head...] { out.append(contentsOf: chunk) }
    chunks = []
    head = 0
    buffered = 0
    return out
  }

  /// The next chunk (nil at the end), or the error that cut the body short.
  func nextChunk(isCancelled: () -> Bool, task: URLSessionTask) throws -> Result<[UInt8]?, Error> {
    cond.lock()
    defer { cond.unlock() }
    while true {
      if head < chunks.count {
        let chunk = chunks[head]
        head += 1
        if head > 64, head * 2 > chunks.count {
          chunks.removeFirst(head)
          head = 0
        }
        buffered -= chunk.count
        if paused, buffered < TaskBox.lowWater {
          paused = false
          task.resume()
        }
        return .success([UInt8](chunk))
      }
      if finished { return error.map { .failure($0) } ?? .success(nil) }
      if isCancelled() {
        task.cancel()
        throw ShellError.interrupted
      }
      _ = cond.wait(until: Date().addingTimeInterval(0.05))
    }
  }
}
