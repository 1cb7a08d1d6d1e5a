// swift-tools-version:6.0
// The target graph is the architecture; every arrow points one way:
//
//   AstroCore    values, spans, errors, JSON, builtin descriptors
//   AstroLang    syntax, evaluation, data builtins, formats     -> AstroCore
//   OrgAPI       operation table, schemas, HTTP client, API builtins -> AstroCore, CZlib
//   Emulator     the Organization API engine and its HTTP server -> OrgAPI, CMicroHTTPD
//   LineEditor   libedit binding and the history file            -> CLibEdit
//   Interactive  the interactive shell, driving a host protocol   -> AstroCore, LineEditor
//   AstroshKit   command line, script runner, wiring             -> everything above
//   astrosh      the executable: one call into AstroshKit
import PackageDescription

let package = Package(
  name: "astrosh",
  products: [
    .executable(name: "astrosh", targets: ["astrosh"])
  ],
  targets: [
    .systemLibrary(
      name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
    .systemLibrary(
      name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

    .target(name: "AstroCore"),
    .target(name: "AstroLang", dependencies: ["AstroCore"]),
    .target(name: "OrgAPI", dependencies: ["AstroCore", "CZlib"]),
    .target(name: "Emulator", dependencies: ["OrgAPI", "CMicroHTTPD", "CZlib"]),
    .target(name: "LineEditor", dependencies: ["CLibEdit"]),
    .target(name: "Interactive", dependencies: ["AstroCore", "LineEditor"]),
    .target(
      name: "AstroshKit",
      dependencies: ["AstroCore", "AstroLang", "OrgAPI", "Emulator", "Interactive"]),
    .executableTarget(name: "astrosh", dependencies: ["AstroshKit"]),

    .testTarget(name: "AstroCoreTests", dependencies: ["AstroCore"]),
    .testTarget(name: "AstroLangTests", dependencies: ["AstroLang"]),
    .testTarget(name: "OrgAPITests", dependencies: ["OrgAPI", "Emulator", "AstroLang"]),
    .testTarget(name: "EmulatorTests", dependencies: ["Emulator"]),
    .testTarget(name: "LineEditorTests", dependencies: ["LineEditor"]),
    .testTarget(name: "InteractiveTests", dependencies: ["Interactive"]),
    .testTarget(
      name: "AstroshTests", dependencies: ["AstroshKit", "astrosh"],
      resources: [.copy("Golden")]),
  ]
)
