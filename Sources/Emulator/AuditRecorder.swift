import AstroCore
import Foundation
import OrgAPI

/// Builds audit-log records in the documented shape of REST ("v2 API") events.
enum AuditRecorder {
  /// Hides secret fields (Azure client secrets, SAML signing certificates) at any depth,
  /// with the same marker the client's traces use.
  static let redactor = Redactor()

  static func event(
    subjectId: String, organizationId: String, time: Date, sourceIp: String, userAgent: String?,
    method: String, path: String, requestBody: Value?, requestId: String, status: Int
  ) -> AuditEvent {
    var r = Record()
    r.reserveCapacity(16)
    r.appendUnchecked("subjectId", .string(subjectId))
    r.appendUnchecked("subjectType", .string("SERVICEKEY"))
    r.appendUnchecked("organizationId", .string(organizationId))
    r.appendUnchecked("timestamp", .string(Timestamp.format(time)))
    r.appendUnchecked("sourceIp", .string(sourceIp))
    if let userAgent { r.appendUnchecked("userAgent", .string(userAgent)) }
    r.appendUnchecked("method", .string(method))
    r.appendUnchecked("path", .string("/v1alpha1" + path))
    if let requestBody { r.appendUnchecked("requestBody", redactor.redact(requestBody)) }
    r.appendUnchecked("requestId", .string(requestId))
    r.appendUnchecked("responseStatus", .int(status))
    return AuditEvent(time: time, organizationId: organizationId, record: r)
  }
}
