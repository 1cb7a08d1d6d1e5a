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
    completionHandler(
      SessionTasks.guardedRedirect(
        request, from: task.currentRequest?.url, method: task.originalRequest?.httpMethod,
        status: response.statusCode))
  }

  /// The redirected request, without credentials when it leaves the original origin
  /// (scheme, host and port), as curl does and URLSession on Linux does not. A change
  /// (any method but GET and HEAD) follows only 307 and 308, which keep the method; nil
  /// makes the redirect itself the answer, as the plain HTTP client does.
  static func guardedRedirect(
    _ request: URLRequest, from origin: URL?, method: String?, status: Int
  ) -> URLRequest? {
    if let method, !["GET", "HEAD"].contains(method.uppercased()), status != 307, status != 308 {
      return nil
    }
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
    if box(dataTask)?.append(data) == false { dataTask.cancel() }
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
  /// Whether a reader drains the body while it arrives; only then does the body spill to
  /// disk, since a whole-body wait needs it all in memory at the end anyway.
  let streaming: Bool
  private(set) var response: HTTPURLResponse?
  private(set) var finished = false
  private(set) var error: Error?
  private var received = 0
  /// The body received and not read yet. The transfer is never paused (see `ChunkSpool`
  /// for why); a slow reader makes the backlog spill to a temporary file instead.
  private let spool: ChunkSpool

  /// Unread bytes kept in memory for a streamed body before the rest spills to disk.
  static let memoryLimit = 4 << 20

  init(streaming: Bool) {
    self.streaming = streaming
    spool = ChunkSpool(memoryLimit: streaming ? TaskBox.memoryLimit : Int.max)
  }

  func receive(_ response: HTTPURLResponse) {
    cond.lock()
    if self.response == nil { self.response = response }
    cond.broadcast()
    cond.unlock()
  }

  /// Stores a chunk. False when a whole body has grown past `APIResponse.maxBodySize`:
  /// the task is then done, with `BodyTooLarge` as its error, and is to be cancelled.
  func append(_ data: Data) -> Bool {
    cond.lock()
    defer { cond.unlock() }
    guard !finished else { return false }
    received += data.count
    if !streaming, received > APIResponse.maxBodySize {
      finished = true
      error = BodyTooLarge()
      _ = try? spool.takeAll()
      cond.broadcast()
      return false
    }
    spool.append(data)
    cond.broadcast()
    return true
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
    // A whole body never spills (its spool has no memory limit), so reading cannot fail.
    return (try? spool.takeAll()) ?? []
  }

  /// The next chunk (nil at the end), or the error that cut the body short.
  func nextChunk(isCancelled: () -> Bool, task: URLSessionTask) throws -> Result<[UInt8]?, Error> {
    cond.lock()
    defer { cond.unlock() }
    while true {
      do {
        if let chunk = try spool.next() { return .success(chunk) }
      } catch {
        task.cancel()
        return .failure(error)
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

/// A whole answer grew past `APIResponse.maxBodySize` and was not read to the end.
struct BodyTooLarge: Error {}
