import AstroCore

/// The API builtins: one per operation of the table, named exactly after it, plus
/// `use_organization`. Nothing here is written per operation; signatures, help and
/// behaviour all derive from `Operations.all`.
public enum APIBuiltins {
  /// Every API builtin, for the one registration list.
  public static func all() -> [Builtin] {
    Operations.all.map(builtin(for:)) + [useOrganization]
  }

  /// Flags every API builtin has besides its operation's own.
  static let bulkFlags: Set<String> = ["keep-going", "parallel"]

  static func extraFlags(for op: Operation) -> Set<String> {
    op.response.isStreamed ? bulkFlags.union(["raw"]) : bulkFlags
  }

  /// The builtin of one operation.
  public static func builtin(for op: Operation) -> Builtin {
    let binder = CallBinder(operation: op, extraFlags: extraFlags(for: op))
    return Builtin(
      op.name, category: op.category, abstract: APIHelp.abstract(op),
      lazyDetails: { APIHelp.details(op) }, signature: signature(op),
      examples: APIExamples.examples(for: op.name)
    ) { args, ctx in
      try run(binder, args, ctx)
    }
  }

  static func signature(_ op: Operation) -> Signature {
    // Typed `any`: the binder sorts records (the body) from ids itself, so that
    // `create_managed_domain {name: …}` may leave out the organization.
    var positional = op.pathParams.map { p in
      Parameter(p.name, .any, optional: true, p.description)
    }
    if let body = op.body {
      positional.append(Parameter("body", .any, optional: true, "the \(body.name) record"))
    }
    var flags = op.query.map { q in
      Flag(FlagNames.kebab(q.name), short: nil, flagType(q.schema), q.description)
    }
    for field in op.body?.fields ?? [] {
      flags.append(
        Flag(
          FlagNames.kebab(field.name), short: nil, flagType(field.schema),
          "body field \(field.name): \(field.schema.displayName)"
            + (field.required ? ", required" : ""), choices: listChoices(field.schema)))
    }
    if op.response.isStreamed {
      flags.append(
        Flag(
          "raw", short: nil, nil, "give the gzip bytes as they came, e.g. for 'save log.ndjson.gz'")
      )
    }
    flags.append(
      Flag(
        "keep-going", short: nil, nil, "with piped items: carry on past failures, one result each"))
    flags.append(
      Flag("parallel", .int, "with piped items: how many requests in flight (at most 64)"))
    return Signature(
      positional: positional, flags: flags, input: "record | list<record>",
      output: APIHelp.outputName(op.response), openFlags: true)
  }

  /// The enum values of a list of enum strings, which a flag takes comma-separated.
  private static func listChoices(_ schema: Schema) -> [String]? {
    guard case .array(let item, _) = schema, case .string(let rule) = item else { return nil }
    return rule.values
  }

  /// Switches for booleans; enum choices for completion; anything else is checked by the
  /// binder, which gives better messages than a generic type check.
  private static func flagType(_ schema: Schema) -> ParamType? {
    switch schema {
    case .boolean: return nil
    case .string(let rule) where rule.values != nil: return .oneOf(rule.values!)
    default: return .any
    }
  }

  // MARK: Running

  static func run(_ binder: CallBinder, _ args: CallArgs, _ ctx: any CallContext) throws
    -> PipelineData
  {
    let client = try APIBuiltins.client(ctx)
    let flags = try binder.flags(args.flags)
    let raw = flags.extra["raw"]?.isTruthy ?? false
    let io = CallIO(ctx)
    // Only the arguments: closures that captured `args` would hold on to its input, an
    // upstream stage's stream, for as long as the bulk runner's threads live, and that
    // stage would not learn that its reader left (see `BulkRunner.input`).
    let positional = args.positional
    let bind: @Sendable (Value?) throws -> APICall = { item in
      try binder.bind(
        positional: positional, flags: flags, item: item,
        defaultOrganization: client.defaultOrganization, raw: raw)
    }
    let one: @Sendable (Value?) throws -> PipelineData = { item in
      try client.perform(bind(item), io: io)
    }
    switch args.input {
    case .empty, .value(.null): return try one(nil)
    case .value(.list), .value(.range), .stream:
      let split = BulkRunner.Split(
        begin: { item in
          do {
            return client.begin(try bind(item), io: io)
          } catch {
            return .done(.failure(error))
          }
        },
        finish: { call, timedOut in client.finish(call, timedOut: timedOut) })
      return try bulk(
        binder.operation, args.input.items(), flags: flags, client, ctx, one,
        split: client.sendsWithoutWaiting ? split : nil)
    case .value(let item): return try one(item)
    }
  }

  private static func bulk(
    _ op: Operation, _ items: ValueStream, flags: CallBinder.Flags, _ client: APIClient,
    _ ctx: any CallContext, _ one: @escaping @Sendable (Value?) throws -> PipelineData,
    split: BulkRunner.Split?
  ) throws -> PipelineData {
    if op.response.isStreamed { return .stream(concatenated(items, one)) }
    let explicit = flags.extra["keepgoing"]?.isTruthy ?? false
    let policy = BulkSettings.policy(explicitKeepGoing: explicit, ctx)
    var workers = client.configuration.bulkConcurrency
    if let p = flags.extra["parallel"] {
      // The cap matches `each --parallel`: the API's rate limit makes more threads useless.
      guard let n = p.intValue ?? p.stringValue.flatMap({ Int($0) }), (1...64).contains(n) else {
        throw ShellError.usage(
          "invalid_argument", "\(op.name): '--parallel' must be a whole number from 1 to 64")
      }
      workers = n
    }
    let settings = BulkSettings.of(ctx)
    let runner = BulkRunner(
      input: items, workers: workers, policy: policy,
      progress: settings?.meter?.start(
        op.name, total: items.knownCount, makesChanges: op.changesState),
      isCancelled: { [ctx] in ctx.isCancelled },
      onFinish: { summary in
        client.recordBulk(summary)
        // The pipeline stopped reading (`| first 3`, Ctrl-C): calls that finished after
        // that, failed or changing something, are still told.
        if summary.readerLeft || summary.interrupted, op.isMutating,
          !summary.unreadDone.isEmpty
        {
          ctx.writeError("\(op.name): " + summary.unreadChanges)
        }
        if policy.keepsGoing {
          report(summary, of: op, to: settings?.ledger, ctx)
        } else if summary.readerLeft, !summary.failures.isEmpty {
          ctx.writeError("\(op.name): " + summary.text)
        }
      }, split: split
    ) { item in try one(item).collect() }
    return .stream(runner.stream)
  }

  /// Hands a keep-going run's outcome to the ledger for the summary at the end of the
  /// script, or prints it now when nothing collects summaries (the interactive shell).
  private static func report(
    _ summary: BulkSummary, of op: Operation, to ledger: BulkLedger?, _ ctx: any CallContext
  ) {
    guard let ledger, ledger.defersSummary else {
      if !summary.failures.isEmpty { ctx.writeError("\(op.name): " + summary.text) }
      return
    }
    ledger.succeeded(op.name, count: summary.succeeded)
    for f in summary.failures {
      guard case .failure(let error) = f.outcome, error.category != .interrupted else { continue }
      ledger.failed(op.name, index: f.index, item: f.item, error: error)
    }
  }

  /// One download after another, their records joined into one stream.
  private static func concatenated(
    _ items: ValueStream, _ one: @escaping (Value?) throws -> PipelineData
  ) -> ValueStream {
    var current: ValueStream?
    return ValueStream {
      while true {
        if let c = current, let v = try c.next() { return v }
        guard let item = try items.next() else { return nil }
        current = try one(item).items()
      }
    }
  }

  static func client(_ ctx: any CallContext) throws -> APIClient {
    guard let client = ctx.services.get(APIClient.self) else {
      throw ShellError.runtime("no_api_client", "the API client is not set up in this session")
    }
    return client
  }

  // MARK: use_organization

  static let useOrganization = Builtin(
    "use_organization", category: "organizations",
    abstract: "set or show the default organization of the API builtins",
    details: """
      Organization-scoped builtins use this organization when none is given, so \
      `use_organization demo-org` lets `list_managed_domains` run without an argument. \
      It starts as $ASTRO_ORGANIZATION_ID (or --organization). Without an argument it \
      shows the current default. A piped organization record works too: \
      `list_organizations | first | use_organization`.
      """,
    signature: Signature(
      positional: [Parameter("organization", .string, optional: true, "an id or short name")],
      input: "record | string", output: "string"),
    examples: APIExamples.examples(for: "use_organization")
  ) { args, ctx in
    let client = try client(ctx)
    var chosen = args.positional.first
    if chosen == nil, case .value(let v) = args.input { chosen = v }
    switch chosen {
    case nil, .null?:
      return .value(client.defaultOrganization.map(Value.string) ?? .null)
    case .string(let s)?:
      guard !s.allSatisfy(\.isWhitespace) else {
        throw ShellError.usage("empty_argument", "use_organization: the id is empty")
      }
      client.defaultOrganization = s
    case .record(let r)?:
      guard let id = r["id"]?.stringValue else {
        throw ShellError.usage("invalid_argument", "use_organization: the record has no 'id'")
      }
      client.defaultOrganization = id
    case let other?:
      throw ShellError.usage(
        "invalid_argument", "use_organization needs an id, not \(other.typeName)")
    }
    return .empty
  }
}
