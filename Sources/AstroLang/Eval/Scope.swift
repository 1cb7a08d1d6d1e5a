import AstroCore

/// How the resolver sees a declared variable.
struct Binding {
  enum Kind {
    /// Declared in this function; may be reassigned.
    case local
    /// A closure's copy of an outer variable; reading is fine, assigning is not.
    case captured
    /// `$env`, `$args`, `$it`, `$in`, and loop-stage inputs.
    case readOnly
  }

  var slot: Int
  var kind: Kind
  var used = false
}

/// What a variable name refers to from the current function.
enum VariableRef {
  case local(Int, Binding.Kind)
  /// A top-level variable read from inside a def, live.
  case global(Int)

  /// The code that reads it.
  var code: Code {
    switch self {
    case .local(let slot, _): return .local(slot)
    case .global(let slot): return .global(slot)
    }
  }
}

/// The names visible in one function (the top level, a def or a closure) and the layout
/// of its frame. Slots are never reused, so a variable keeps its slot for the whole frame.
final class FunctionScope {
  enum Kind {
    case topLevel
    case def
    case closure
  }

  let kind: Kind
  let parent: FunctionScope?
  /// Lexical blocks, innermost last.
  var blocks: [[String: Binding]] = [[:]]
  /// Defs declared in each block, parallel to `blocks`.
  var defs: [[String: DefFunction]] = [[:]]
  var slotCount = 0
  /// For a closure: where each captured value comes from in the parent's frame, and the
  /// slot it is copied to.
  var captures: [Code] = []
  var captureSlots: [Int] = []
  var loopDepth = 0
  /// A closure without parameters binds `$it` to its input.
  var implicitIt = false
  var itSlot: Int?
  var inSlot: Int?

  init(kind: Kind, parent: FunctionScope?) {
    self.kind = kind
    self.parent = parent
  }

  var root: FunctionScope { parent?.root ?? self }

  func newSlot() -> Int {
    defer { slotCount += 1 }
    return slotCount
  }

  /// Declares `name` in the innermost block; declaring it again there reuses its slot.
  func declare(_ name: String, kind: Binding.Kind = .local) -> Int {
    if let existing = blocks[blocks.count - 1][name], existing.kind == kind {
      return existing.slot
    }
    let slot = newSlot()
    blocks[blocks.count - 1][name] = Binding(slot: slot, kind: kind)
    return slot
  }

  func pushBlock() {
    blocks.append([:])
    defs.append([:])
  }

  func popBlock() {
    blocks.removeLast()
    defs.removeLast()
  }

  /// Finds `name`, capturing it into this closure when it lives further out.
  func lookup(_ name: String) -> VariableRef? {
    for i in blocks.indices.reversed() {
      if let binding = blocks[i][name] {
        blocks[i][name]!.used = true
        return .local(binding.slot, binding.kind)
      }
    }
    if name == "it", implicitIt {
      if itSlot == nil { itSlot = newSlot() }
      return .local(itSlot!, .readOnly)
    }
    if name == "in", kind != .topLevel {
      if inSlot == nil { inSlot = newSlot() }
      return .local(inSlot!, .readOnly)
    }
    switch kind {
    case .topLevel:
      return nil
    case .def:
      return root.lookupOwn(name).map { .global($0.slot) }
    case .closure:
      guard let outer = parent?.lookup(name) else { return nil }
      let slot = newSlot()
      captures.append(outer.code)
      captureSlots.append(slot)
      blocks[0][name] = Binding(slot: slot, kind: .captured, used: true)
      return .local(slot, .captured)
    }
  }

  /// A variable declared in this function's own blocks, without looking outside.
  func lookupOwn(_ name: String) -> Binding? {
    for block in blocks.reversed() {
      if let binding = block[name] { return binding }
    }
    return nil
  }

  /// The def `name` visible here: this function's blocks first, then enclosing functions.
  func lookupDef(_ name: String) -> DefFunction? {
    for block in defs.reversed() {
      if let def = block[name] { return def }
    }
    return parent?.lookupDef(name)
  }

  /// Every variable name visible from here, for "did you mean" hints.
  var visibleNames: [String] {
    var names = blocks.flatMap(\.keys)
    if implicitIt { names.append("it") }
    if kind != .topLevel { names.append("in") }
    switch kind {
    case .topLevel: break
    case .def: names += root.blocks.flatMap(\.keys)
    case .closure: names += parent?.visibleNames ?? []
    }
    return names
  }

  /// Every def name visible from here.
  var visibleDefs: [String] {
    defs.flatMap(\.keys) + (parent?.visibleDefs ?? [])
  }
}
