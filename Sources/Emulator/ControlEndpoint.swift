import AstroCore
import OrgAPI

/// The emulator's own control endpoint, beside the API (never part of it):
///
/// - `GET /_emulator/faults`: the fault configuration as JSON (`FaultConfig.json`).
/// - `POST /_emulator/faults`: replaces it with the JSON body (`{}` clears every fault);
///   answers the new configuration.
/// - `POST /_emulator/reset`: restores the demo seed; faults stay as they are.
/// - `POST /_emulator/audit-events` with `{"count": N}`: the demo organization's audit log
///   gets N synthetic events spread over the last 23 hours (0 removes them).
///
/// Over HTTP it is served both at `/_emulator/…` and at `/v1alpha1/_emulator/…`. It needs
/// the same bearer token as the API, and faults never apply to it.
extension EmulatorEngine {
  func control(_ request: APIRequest, requestId: String) -> EngineReply {
    if case .failure(let failure) = authenticate(request) {
      return Replies.error(failure, requestId: requestId)
    }
    let route = (
      request.method, request.path.split(separator: "/").dropFirst().joined(separator: "/")
    )
    do {
      switch route {
      case (.get, "faults"):
        return Replies.json(200, faults.json, requestId: requestId)
      case (.post, "faults"):
        let faults = try FaultConfig(json: try controlBody(request))
        setFaults(faults)
        return Replies.json(200, faults.json, requestId: requestId)
      case (.post, "reset"):
        try reset()
        return Replies.json(200, .record(Record([("reset", .bool(true))])), requestId: requestId)
      case (.post, "audit-events"):
        let range = ServeOptions.auditEventRange
        guard let count = try controlBody(request).recordValue?["count"]?.intValue,
          range.contains(count)
        else {
          throw FaultConfigError(
            "audit-events needs {\"count\": N} with N from 0 to \(range.upperBound)")
        }
        setSyntheticAuditEvents(count: count)
        return Replies.json(200, .record(Record([("count", .int(count))])), requestId: requestId)
      case (_, "faults"), (_, "reset"), (_, "audit-events"):
        let failure = APIFailure(
          status: 405,
          message: "Method not allowed: \(request.method.rawValue) is not served on \(request.path)"
        )
        return Replies.error(failure, requestId: requestId)
      default:
        return Replies.error(
          .notFound("no emulator control at \(request.path); try /_emulator/faults"),
          requestId: requestId)
      }
    } catch let error as FaultConfigError {
      return Replies.error(.invalid(error.message), requestId: requestId)
    } catch let error as StateFileError {
      return Replies.error(
        APIFailure(status: 500, message: "Internal server error: \(error.message)"),
        requestId: requestId)
    } catch {
      return Replies.error(.invalid("\(error)"), requestId: requestId)
    }
  }

  private func controlBody(_ request: APIRequest) throws(FaultConfigError) -> Value {
    guard let bytes = request.body, !bytes.isEmpty else { return .record(Record()) }
    do {
      return try bytes.withUnsafeBufferPointer { try JSON.parse(bytes: $0) }
    } catch {
      throw FaultConfigError("the request body is not valid JSON: \(error)")
    }
  }
}
