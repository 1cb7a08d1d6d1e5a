import AstroCore
import AstroLang
import Emulator
import Foundation
import Interactive
import OrgAPI

/// Everything one run of astrosh needs, built once from the options: the API client over
/// the sandbox or the network, the interpreter with every builtin, and the output renderer.
final class Session: @unchecked Sendable {
  let options: Options
  let environment: [String: String]
  let client: APIClient
  let interpreter: Interpreter
  let services = Services()
  /// Standard output and error, shared with the interpreter so writes stay in order and
  /// never land on the progress line.
  let sink = ProgressAwareSink()
  /// Script-wide keep-going, the journal and progress.
  let bulk: BulkSetup
  /// Where the API calls go, for the prompt: "sandbox" or a host name.
  let target: String
  let stdoutIsTerminal: Bool
  let stderrIsTerminal: Bool

  init(options: Options, environment: [String: String]) throws {
    self.options = options
    self.environment = environment
    stdoutIsTerminal = isatty(1) == 1
    stderrIsTerminal = isatty(2) == 1
    let settings = try APISettings.resolve(
      environment: environment, apiURL: options.apiURL, organization: options.organization,
      trace: options.trace, dryRun: options.dryRun, rateLimits: options.rateLimits,
      retryUnsafe: options.retryUnsafe, timeout: options.timeout)
    if options.sandbox {
      client = try Session.sandboxClient(settings, stateFile: options.sandboxState)
      target = "sandbox"
    } else {
      client = try APIClient.live(settings)
      target = client.configuration.transport.targetDescription
    }
    services.register(client)
    bulk = try BulkSetup(
      options: options, environment: environment, client: client, services: services,
      status: sink.status, stderrIsTerminal: stderrIsTerminal)
    services.register(
      GzipCodec(decompress: { try Gzip.decompress($0) }, compress: { Gzip.compress($0) }))
    // `$env` never shows the token: a script has no use for it, and `print $env` would
    // put it on the screen or in a CI log.
    var scriptEnvironment = environment
    if scriptEnvironment["ASTRO_API_TOKEN"] != nil {
      scriptEnvironment["ASTRO_API_TOKEN"] = Redactor.marker
    }
    interpreter = Interpreter(
      services: services, environment: scriptEnvironment, arguments: options.scriptArguments,
      output: sink)
    let builtins = DataBuiltins.all + APIBuiltins.all()
    interpreter.register(builtins)
    let everyBuiltin = interpreter.builtins.values.sorted {
      ($0.category, $0.name) < ($1.category, $1.name)
    }
    services.register(BuiltinCatalog(everyBuiltin))
    interpreter.display = { [unowned self] data in try self.show(data) }
  }

  /// The sandbox client; its default organization is the demo organization unless one
  /// was given.
  private static func sandboxClient(_ settings: APISettings, stateFile: String?) throws
    -> APIClient
  {
    var settings = settings
    settings.organization = settings.organization ?? DemoSeed.organizationId
    do {
      return APIClient.over(try Sandbox(stateFile: stateFile), settings)
    } catch {
      let hint =
        error.kind == .inUse
        ? "stop the other astrosh, or choose another file with --sandbox-state"
        : "fix or remove the file, or choose another with --sandbox-state"
      throw ShellError.usage(
        "sandbox_state", "cannot use the sandbox state file: \(error.message)", hint: hint)
    }
  }

  var useColor: Bool {
    if let color = options.color { return color }
    return environment["NO_COLOR"] == nil && stdoutIsTerminal
  }

  var renderOptions: RenderOptions {
    let format =
      options.output.flatMap(OutputFormat.init(rawValue:)) ?? (stdoutIsTerminal ? .table : .json)
    return RenderOptions(
      format: format,
      terminalWidth: stdoutIsTerminal ? terminalWidth(environment: environment) : nil,
      color: useColor, maskedKeys: Operations.secretKeys, showSecrets: options.showSecrets)
  }

  /// Shows a top-level value on standard output. The renderer hands over blocks of up
  /// to 64 KB, or what came within a tenth of a second, so a long stream costs few system
  /// calls yet appears as it arrives.
  func show(_ data: PipelineData) throws {
    try OutputRenderer(renderOptions).render(data) { sink.write($0) }
  }

  /// Renders an error for standard error, in colour when that is a terminal.
  func render(_ error: ShellError) -> String {
    let color = options.color ?? (environment["NO_COLOR"] == nil && stderrIsTerminal)
    let token = environment["ASTRO_API_TOKEN"]
    return Diagnostic.render(error, color: color) { SecretScan.masked($0, token: token) }
  }
}
