import AstroCore
import Foundation
import OrgAPI

/// Builds audit-log records in the documented shape of REST ("v2 API") events.
enum AuditRecorder {
  /// What replaces a secret in a recorded request body.
  static let redacted = "<redacted>"

  static func event(
    subjectId: String, organizationId: String, time: Date, sourceIp: String, userAgent: String?,
    method: String, path: String, requestBody: Value?, requestId: String, status: Int
  ) -> AuditEvent {
    var r = Record()
    r["subjectId"] = .string(subjectId)
    r["subjectType"] = .string("SERVICEKEY")
    r["organizationId"] = .string(organizationId)
    r["timestamp"] = .string(Timestamp.format(time))
    r["sourceIp"] = .string(sourceIp)
    if let userAgent { r["userAgent"] = .string(userAgent) }
    r["method"] = .string(method)
    r["path"] = .string("/v1alpha1" + path)
    if let requestBody { r["requestBody"] = redact(requestBody) }
    r["requestId"] = .string(requestId)
    r["responseStatus"] = .int(status)
    return AuditEvent(time: time, organizationId: organizationId, record: r)
  }

  /// The value with every secret field (bypass keys, Azure client secrets, SAML signing
  /// certificates) replaced, at any depth.
  static func redact(_ value: Value) -> Value {
    switch value {
    case .record(let r):
      var out = Record()
      for (k, v) in r.pairs {
        out.appendUnchecked(k, Operations.secretKeys.contains(k) ? .string(redacted) : redact(v))
      }
      return .record(out)
    case .list(let items): return .list(items.map(redact))
    default: return value
    }
  }
}
