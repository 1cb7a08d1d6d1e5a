import AstroCore

/// The data builtins of the language, in the order `help` lists their categories.
///
/// The host registers these beside the API builtins; `where`, `each` and the other
/// filters are lazy over streams, so a large file flows through without being collected.
public enum DataBuiltins {
  public static let all: [Builtin] =
    FilterBuiltins.all + ListBuiltins.all + StringBuiltins.all + MathBuiltins.all
    + ConversionBuiltins.all + FormatBuiltins.all + FileBuiltins.all + DateBuiltins.all
    + OutputBuiltins.all + HelpBuiltins.all
}
