#pragma once
// The parsed form of a Jinja template: expressions and statements as jinja2's parser builds them
// (nodes.py), each with the position of the token it starts at.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jinja_lexer.h"
#include "jinja_value.h"

namespace lora::jinja {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

using FilterFn = Value (*)(Renderer& renderer, const Value& input, CallArgs& args);
using TestFn = bool (*)(Renderer& renderer, const Value& input, CallArgs& args);

struct ArgList {
  std::vector<ExprPtr> positional;
  std::vector<std::pair<std::string, ExprPtr>> keywords;
  ExprPtr star;       // *args
  ExprPtr star_star;  // **kwargs
};

enum class ExprKind {
  Const,     // constant
  Name,      // name
  Getattr,   // children[0].name
  Getitem,   // children[0][children[1]]
  Slice,     // children: start, stop, step (each may be null); only as a Getitem index
  Call,      // children[0](args)
  Filter,    // children[0] | name(args); children[0] is null for the body of a filter/set block
  Test,      // children[0] is name(args)
  Not,       // not children[0]
  Neg,       // -children[0]
  Pos,       // +children[0]
  Binary,    // children[0] op children[1]
  And,       // children[0] and children[1]
  Or,        // children[0] or children[1]
  Concat,    // children joined with ~
  Compare,   // children[0] compare_ops[i] children[i + 1] ...
  CondExpr,  // children[0] if children[1] else children[2] (children[2] null: no else)
  List,      // [children...]
  Tuple,     // (children...)
  Dict,      // {children[0]: children[1], ...}
};

enum class BinaryOp { Add, Sub, Mul, Div, FloorDiv, Mod, Pow };
enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge, In, NotIn };

struct Expr {
  ExprKind kind = ExprKind::Const;
  SourcePos pos;
  Value constant;
  std::string name;  // Name, Getattr's attribute, Filter's and Test's name
  BinaryOp op = BinaryOp::Add;
  std::vector<ExprPtr> children;
  std::vector<CompareOp> compare_ops;
  ArgList args;               // Call, Filter, Test
  FilterFn filter = nullptr;  // resolved when parsed; null for an unknown name jinja2 only reports when reached
  TestFn test = nullptr;
};

// Where {% set %}, {% for %} and {% with %} put values.
struct Target {
  enum class Kind { Name, Tuple, Namespace } kind = Kind::Name;
  std::string name;       // Name, and the namespace variable of Namespace
  std::string attribute;  // Namespace: {% set ns.attribute = ... %}
  std::vector<Target> items;
  SourcePos pos;
};

struct MacroDef {
  std::string name;  // "caller" for the body of a {% call %}
  std::vector<std::string> params;
  std::vector<ExprPtr> defaults;  // for the last defaults.size() params
  Body body;
  bool catch_varargs = false;  // the body uses `varargs`
  bool catch_kwargs = false;   // the body uses `kwargs`
  bool uses_caller = false;    // the body uses `caller`
  SourcePos pos;
};

struct OutputPiece {
  std::string text;  // template data, when expr is null
  ExprPtr expr;
};

enum class StmtKind {
  Output,       // pieces
  If,           // exprs: one condition per branch; bodies: one per branch, then the else body
  For,          // target in exprs[0] (if exprs[1]); bodies: body, else body; recursive
  Set,          // target = exprs[0]
  SetBlock,     // target = bodies[0] rendered (through the filter chain exprs[0] when there is one)
  Macro,        // macro
  CallBlock,    // exprs[0] is the call; macro is the caller
  FilterBlock,  // exprs[0] is the filter chain (its innermost operand null); bodies[0]
  With,         // targets = exprs; bodies[0]
  Break,
  Continue,
  Generation,  // transformers' {% generation %}: bodies[0]
  Block,       // {% block name %}: rendered in place (there is no template inheritance without a loader)
  Unsupported  // include/import/extends/from: fail when reached, as jinja2 does without a loader
};

struct Stmt {
  StmtKind kind = StmtKind::Output;
  SourcePos pos;
  std::vector<OutputPiece> pieces;
  std::vector<ExprPtr> exprs;
  std::vector<Body> bodies;
  Target target;
  std::vector<Target> targets;
  std::shared_ptr<MacroDef> macro;
  bool recursive = false;
  bool scoped = false;  // {% block name scoped %}
  std::string message;  // Unsupported: what jinja2 would raise
};

struct Program {
  std::string source;
  std::string name;
  Body body;
  bool has_generation = false;
};

}  // namespace lora::jinja
