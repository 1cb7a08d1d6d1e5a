import Testing

@testable import AstroshKit

/// Secrets typed into a script never reach an error's echo of the source line.
struct SecretMaskTests {
  @Test(arguments: [
    (
      #"create_sso_connection {configuration: {azureClientSecret: "s3cr3t", x: 1}}"#,
      #"create_sso_connection {configuration: {azureClientSecret: "••••••", x: 1}}"#
    ),
    (
      "upsert_sso_bypass_key --bypass-key hunter22 --x 1",
      "upsert_sso_bypass_key --bypass-key •••••••• --x 1"
    ),
    (#"{"saml_signing_cert": 'MII\nabc'}"#, #"{"saml_signing_cert": '••••••••'}"#),
    (#"{azureClientSecret: "a\"b"}"#, #"{azureClientSecret: "••••"}"#),
    // A variable holds nothing typed in; a command name that contains a key is no key.
    ("{bypassKey: $key} | upsert_sso_bypass_key", "{bypassKey: $key} | upsert_sso_bypass_key"),
    ("print $k.bypassKey", "print $k.bypassKey"),
  ])
  func maskedKeepsEveryPosition(line: String, expected: String) {
    let masked = SecretScan.masked(line, token: nil)
    #expect(masked == expected)
    #expect(masked.count == line.count)
  }

  @Test func theTokenIsMaskedWhereverItIsTyped() {
    let masked = SecretScan.masked(#"print "tok-1234567" | x tok-1234567"#, token: "tok-1234567")
    let hidden = String(repeating: "•", count: "tok-1234567".count)
    #expect(masked == "print \"\(hidden)\" | x \(hidden)")
    // A short token would mask ordinary words; it is left to the key rule.
    #expect(SecretScan.masked("print abc", token: "abc") == "print abc")
  }

  @Test func anErrorInAScriptDoesNotEchoASecretTypedIntoIt() throws {
    let result = try Binary.run([
      "--sandbox", "-c",
      #"let c = {azureClientSecret: "very-secret-1"}; nosuch"#,
    ])
    #expect(result.status == 3)
    #expect(!result.stderr.contains("very-secret-1"))
    let hidden = String(repeating: "•", count: "very-secret-1".count)
    #expect(result.stderr.contains("1 | let c = {azureClientSecret: \"\(hidden)\"}; nosuch"))
    #expect(result.stderr.contains("  |" + String(repeating: " ", count: 47) + "^^^^^^"))
  }
}
