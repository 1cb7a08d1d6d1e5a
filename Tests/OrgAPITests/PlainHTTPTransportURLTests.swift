import Testing

@testable import OrgAPI

/// How the built-in client reads base URLs and redirect locations.
@Suite struct PlainHTTPTransportURLTests {
  struct EndpointCase: Sendable, CustomStringConvertible {
    var url: String
    var host: String
    var port: Int
    var basePath: String
    var hostHeader: String
    var shown: String
    var description: String { url }
  }

  @Test(arguments: [
    EndpointCase(
      url: "http://127.0.0.1:8080/v1alpha1/", host: "127.0.0.1", port: 8080,
      basePath: "/v1alpha1", hostHeader: "127.0.0.1:8080", shown: "127.0.0.1:8080"),
    EndpointCase(
      url: "http://Proxy.Internal/api%20v1", host: "Proxy.Internal", port: 80,
      basePath: "/api%20v1", hostHeader: "Proxy.Internal", shown: "Proxy.Internal"),
    EndpointCase(
      url: "http://[::1]:9000", host: "::1", port: 9000, basePath: "", hostHeader: "[::1]:9000",
      shown: "[::1]:9000"),
    EndpointCase(
      url: "http://localhost:80/x", host: "localhost", port: 80, basePath: "/x",
      hostHeader: "localhost", shown: "localhost:80"),
  ])
  func endpoints(_ c: EndpointCase) throws {
    let e = try #require(HTTPEndpoint(c.url))
    #expect(e.host == c.host)
    #expect(e.port == c.port)
    #expect(e.basePath == c.basePath)
    #expect(e.hostHeader == c.hostHeader)
    #expect(e.description == c.shown)
  }

  @Test func originsCompareSchemeHostAndPort() throws {
    let a = try #require(HTTPEndpoint("http://LOCALHOST:80/a"))
    #expect(a.sameOrigin(try #require(HTTPEndpoint("http://localhost/b"))))
    #expect(!a.sameOrigin(try #require(HTTPEndpoint("http://localhost:81/a"))))
    #expect(!a.sameOrigin(try #require(HTTPEndpoint("https://localhost:80/a"))))
    #expect(!a.sameOrigin(try #require(HTTPEndpoint("http://127.0.0.1/a"))))
  }

  @Test(arguments: [
    ("/v1/next?x=%2F", "127.0.0.1:1", "/v1/next?x=%2F"),
    ("sibling", "127.0.0.1:1", "/v1/dir/sibling"),
    ("../up", "127.0.0.1:1", "/v1/up"),
    ("http://other:2/p%20q", "other:2", "/p%20q"),
    ("http://other:3", "other:3", "/"),
  ])
  func redirectLocations(_ location: String, _ host: String, _ target: String) throws {
    let from = try #require(HTTPEndpoint("http://127.0.0.1:1"))
    let next = try #require(RedirectTarget(location: location, from: from, target: "/v1/dir/item"))
    #expect(next.endpoint.hostHeader == host)
    #expect(next.target == target)
    #expect(next.endpoint.basePath == "")
  }
}
