import AstroCore
import Testing

@testable import OrgAPI

@Suite struct SettingsTests {
  @Test func environmentFillsWhatOptionsLeaveOut() throws {
    let env = [
      "ASTRO_API_TOKEN": " tok ", "ASTRO_API_URL": "http://127.0.0.1:9/v1alpha1",
      "ASTRO_ORGANIZATION_ID": "o-env",
    ]
    let s = try APISettings.resolve(environment: env)
    #expect(s.token == "tok")
    #expect(s.apiURL == "http://127.0.0.1:9/v1alpha1")
    #expect(s.organization == "o-env")
    #expect(s.rateLimits == .documented)
    let o = try APISettings.resolve(
      environment: env, apiURL: "http://localhost:8/v1alpha1", organization: "o-opt",
      trace: true, dryRun: true, rateLimits: "post=2", retryUnsafe: true)
    #expect(o.apiURL == "http://localhost:8/v1alpha1")
    #expect(o.organization == "o-opt")
    #expect(o.rateLimits.post == 2)
    #expect(o.trace && o.dryRun && o.retryUnsafe)
  }

  @Test func defaultsPointAtTheRealAPIWithoutContactingIt() throws {
    let s = try APISettings.resolve(environment: ["ASTRO_API_TOKEN": ""])
    #expect(s.apiURL == "https://api.astronomer.io/v1alpha1")
    #expect(s.token == nil)
    let client = try APIClient.live(s)
    #expect(client.configuration.transport.targetDescription == "api.astronomer.io")
    #expect(client.configuration.retry.retryUnsafe == false)
  }

  @Test func badRateLimitOrURLIsAUsageError() {
    #expect(throws: ShellError.self) { try APISettings.resolve(environment: [:], rateLimits: "x") }
    #expect(throws: ShellError.self) { try APIClient.live(APISettings(apiURL: "not a url")) }
  }

  @Test func overAnotherTransportMakesUpAToken() {
    let client = APIClient.over(RecordingTransport(), APISettings(organization: "o1"))
    #expect(client.configuration.token == "sandbox")
    #expect(client.defaultOrganization == "o1")
  }
}
