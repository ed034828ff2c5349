#include "jinja_render.h"

#include <algorithm>
#include <exception>

#include "error.h"
#include "text_messages.h"
#include "jinja_builtins.h"
#include "jinja_operators.h"
#include "jinja_strings.h"

namespace lora::jinja {

// Variables of one scope; lookups walk to the parent. Scopes are small, so a vector beats a map.
struct Scope {
  ScopePtr parent;
  std::vector<std::pair<std::string, Value>> vars;

  explicit Scope(ScopePtr parent_scope = nullptr) : parent(std::move(parent_scope)) {}

  const Value* find_here(const std::string& name) const {
    for (const auto& var : vars)
      if (var.first == name) return &var.second;
    return nullptr;
  }
  const Value* find(const std::string& name) const {
    for (const Scope* scope = this; scope; scope = scope->parent.get())
      if (const Value* value = scope->find_here(name)) return value;
    return nullptr;
  }
  void set(const std::string& name, Value value) {
    for (auto& var : vars) {
      if (var.first == name) {
        var.second = std::move(value);
        return;
      }
    }
    vars.emplace_back(name, std::move(value));
  }
};

namespace {

// A macro (or the caller of a {% call %} block). It holds its defining scope weakly: scopes hold
// macros, and a strong reference back would leak both.
class MacroObject : public Object {
 public:
  MacroObject(const MacroDef& def, std::weak_ptr<Scope> closure) : def_(def), closure_(std::move(closure)) {}
  std::string type_name() const override { return "Macro"; }
  std::string described_type() const override { return "jinja2.runtime.Macro object"; }
  std::string repr() const override { return "<Macro " + pystr::repr(def_.name) + ">"; }
  bool callable() const override { return true; }
  Value call(Renderer& renderer, CallArgs& args) override { return renderer.invoke_macro(def_, closure_, args); }
  bool get_attribute(const std::string& name, Value& out) const override {
    if (name == "name") {
      out = Value::string(def_.name);
    } else if (name == "arguments") {
      std::vector<Value> params;
      for (const auto& param : def_.params) params.push_back(Value::string(param));
      out = Value::tuple(std::move(params));
    } else if (name == "catch_kwargs") {
      out = Value::boolean(def_.catch_kwargs);
    } else if (name == "catch_varargs") {
      out = Value::boolean(def_.catch_varargs);
    } else if (name == "caller") {
      out = Value::boolean(def_.uses_caller);
    } else {
      return false;
    }
    return true;
  }

 private:
  const MacroDef& def_;
  std::weak_ptr<Scope> closure_;
};

}  // namespace

// jinja2.runtime.LoopContext over the (already filtered) items of a for loop.
class LoopState : public Object, public std::enable_shared_from_this<LoopState> {
 public:
  LoopState(std::vector<Value> items, int depth0, const Stmt* loop, std::weak_ptr<Scope> scope)
      : items_(std::move(items)), depth0_(depth0), loop_(loop), scope_(std::move(scope)) {
    for (const Value& item : items_) depth_ = std::max(depth_, 1 + nesting_depth(item));
  }
  size_t index0 = 0;
  std::vector<Value> last_changed;
  bool changed_called = false;

  const std::vector<Value>& items() const { return items_; }
  std::string type_name() const override { return "LoopContext"; }
  std::string described_type() const override { return "jinja2.runtime.LoopContext object"; }
  std::string repr() const override {
    return "<LoopContext " + std::to_string(index0 + 1) + "/" + std::to_string(items_.size()) + ">";
  }
  bool truthy() const override { return !items_.empty(); }
  bool has_length() const override { return true; }
  size_t length() const override { return items_.size(); }
  uint32_t depth() const override { return depth_; }
  bool callable() const override { return true; }
  Value call(Renderer& renderer, CallArgs& args) override {
    if (!loop_->recursive) throw Failure("The loop must have the 'recursive' marker to be called recursively.");
    if (args.positional.size() != 1 || !args.keywords.empty())
      throw Failure("loop() takes exactly one argument (the items to loop over)");
    return Value::string(renderer.loop_again(*loop_, scope_, args.positional[0], depth0_ + 1));
  }
  bool get_attribute(const std::string& name, Value& out) const override;

 private:
  std::vector<Value> items_;
  int depth0_;
  const Stmt* loop_;
  std::weak_ptr<Scope> scope_;
  uint32_t depth_ = 1;
};

namespace {

// loop.cycle and loop.changed, bound to their loop.
class LoopMethod : public Object {
 public:
  LoopMethod(std::shared_ptr<LoopState> loop, bool cycle) : loop_(std::move(loop)), cycle_(cycle) {}
  std::string type_name() const override { return "method"; }
  std::string repr() const override {
    return std::string("<bound method LoopContext.") + (cycle_ ? "cycle" : "changed") + ">";
  }
  bool callable() const override { return true; }
  uint32_t depth() const override { return 1 + loop_->depth(); }
  Value call(Renderer&, CallArgs& args) override {
    if (!args.keywords.empty())
      throw Failure(std::string(cycle_ ? "cycle" : "changed") + "() got an unexpected keyword argument '" +
                    args.keywords[0].first + "'");
    if (cycle_) {
      if (args.positional.empty()) throw Failure("no items for cycling given");
      return args.positional[loop_->index0 % args.positional.size()];
    }
    const auto& values = args.positional;
    bool same = loop_->changed_called && values.size() == loop_->last_changed.size();
    for (size_t i = 0; same && i < values.size(); ++i) same = equal(values[i], loop_->last_changed[i]);
    loop_->changed_called = true;
    if (same) return Value::boolean(false);
    loop_->last_changed = values;
    return Value::boolean(true);
  }

 private:
  std::shared_ptr<LoopState> loop_;
  bool cycle_;
};

}  // namespace

bool LoopState::get_attribute(const std::string& name, Value& out) const {
  const auto n = static_cast<int64_t>(items_.size());
  const auto i = static_cast<int64_t>(index0);
  if (name == "index")
    out = Value::integer(i + 1);
  else if (name == "index0")
    out = Value::integer(i);
  else if (name == "revindex")
    out = Value::integer(n - i);
  else if (name == "revindex0")
    out = Value::integer(n - i - 1);
  else if (name == "first")
    out = Value::boolean(i == 0);
  else if (name == "last")
    out = Value::boolean(i + 1 >= n);
  else if (name == "length")
    out = Value::integer(n);
  else if (name == "depth")
    out = Value::integer(depth0_ + 1);
  else if (name == "depth0")
    out = Value::integer(depth0_);
  else if (name == "previtem")
    out = i == 0 ? Value::undefined("there is no previous item") : items_[static_cast<size_t>(i - 1)];
  else if (name == "nextitem")
    out = i + 1 >= n ? Value::undefined("there is no next item") : items_[static_cast<size_t>(i + 1)];
  else if (name == "cycle" || name == "changed")
    out = Value::object(
        std::make_shared<LoopMethod>(std::const_pointer_cast<LoopState>(shared_from_this()), name == "cycle"));
  else
    return false;
  return true;
}

// ---- guards -----------------------------------------------------------------------------------------

// Counts a step and a level of nesting for every statement and expression evaluated.
class Renderer::NodeGuard {
 public:
  explicit NodeGuard(Renderer& renderer) : renderer_(renderer) {
    renderer.step();
    if (++renderer.depth_ > renderer.limits_.max_depth) {
      --renderer.depth_;
      throw Failure("the template nests deeper than " + std::to_string(renderer.limits_.max_depth) +
                    " levels (recursion?)");
    }
  }
  ~NodeGuard() { --renderer_.depth_; }

 private:
  Renderer& renderer_;
};

namespace {

// The first (innermost) node a failure passes through is where it happened.
void locate(Failure& failure, SourcePos pos) {
  if (failure.positioned) return;
  failure.positioned = true;
  failure.line = pos.line;
  failure.column = pos.column;
}

}  // namespace

class Renderer::OutputRedirect {
 public:
  OutputRedirect(Renderer& renderer, std::string* target) : renderer_(renderer), saved_(renderer.out_) {
    renderer.out_ = target;
  }
  ~OutputRedirect() { renderer_.out_ = saved_; }

 private:
  Renderer& renderer_;
  std::string* saved_;
};

// ---- Renderer ---------------------------------------------------------------------------------------

Renderer::Renderer(const Program& program, const JinjaLimits& limits) : program_(program), limits_(limits) {
  // Deep C++ recursion is what max_depth guards against; beyond this the stack itself is at risk.
  limits_.max_depth = std::max(1, std::min(limits_.max_depth, 2048));
}

Renderer::~Renderer() {
  // Break reference cycles through namespaces ({% set ns.self = ns %}).
  for (const auto& weak : namespaces_) {
    if (auto ns = weak.lock()) {
      ns->attributes.entries.clear();
      ns->attributes.string_keys.clear();
    }
  }
}

void Renderer::step(uint64_t count) {
  steps_ += count;
  if (steps_ > limits_.max_steps)
    throw Failure("the template ran more than " + std::to_string(limits_.max_steps) + " steps (an endless loop?)");
}

void Renderer::allocate(size_t bytes) {
  if (bytes > limits_.max_output_bytes)
    throw Failure("a value of " + std::to_string(bytes) + " bytes exceeds the limit of " +
                  std::to_string(limits_.max_output_bytes) + " bytes");
  step(bytes / 16);
}

void Renderer::grow(size_t added, size_t total) {
  if (total > limits_.max_output_bytes)
    throw Failure("a value of more than " + std::to_string(limits_.max_output_bytes) + " bytes exceeds the limit");
  step(added / 16);
}

std::shared_ptr<NamespaceObject> Renderer::make_namespace() {
  auto ns = std::make_shared<NamespaceObject>();
  namespaces_.push_back(ns);
  return ns;
}

void Renderer::write(std::string_view text) {
  if (out_ == &root_) {
    ++root_writes_;
    root_chars_ += pystr::length(text);
  }
  if (out_->size() + text.size() > limits_.max_output_bytes)
    throw Failure("the rendered text exceeds the limit of " + std::to_string(limits_.max_output_bytes) + " bytes");
  step(text.size() / 16);
  out_->append(text);
}

Value Renderer::from_json(const nlohmann::ordered_json& json, uint32_t depth) {
  if (depth > kMaxNesting) throw Failure("the variables nest more than " + std::to_string(kMaxNesting) + " levels");
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null:
      return Value::none();
    case nlohmann::ordered_json::value_t::boolean:
      return Value::boolean(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return Value::integer(json.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: {
      const auto value = json.get<uint64_t>();
      if (value > static_cast<uint64_t>(INT64_MAX)) throw Failure("the variables hold an integer beyond 64 bits");
      return Value::integer(static_cast<int64_t>(value));
    }
    case nlohmann::ordered_json::value_t::number_float:
      return Value::real(json.get<double>());
    case nlohmann::ordered_json::value_t::string:
      return Value::string(json.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(from_json(item, depth + 1));
      return Value::list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      auto dict = std::make_shared<DictData>();
      for (auto it = json.begin(); it != json.end(); ++it)
        dict->set(Value::string(it.key()), from_json(it.value(), depth + 1));
      return Value::dict(std::move(dict));
    }
    default:
      throw Failure("the variables hold a value JSON text cannot (binary data)");
  }
}

namespace {

// transformers' character offsets as byte ranges of the text (an offset past its end is its end: a
// block rendered into a {% set %} or a macro gets an offset that need not point at its text), empty
// ones left out, sorted, overlapping ones (nested blocks) merged.
std::vector<std::pair<size_t, size_t>> byte_spans(const std::string& text,
                                                  const std::vector<std::pair<size_t, size_t>>& char_spans) {
  std::vector<size_t> offsets;  // byte offset of each code point, and of the end
  offsets.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    offsets.push_back(i);
    pystr::decode_at(text, i);
  }
  offsets.push_back(text.size());
  std::vector<std::pair<size_t, size_t>> spans;
  for (const auto& [first, last] : char_spans) {
    const size_t start = offsets[std::min(first, offsets.size() - 1)];
    const size_t end = offsets[std::min(last, offsets.size() - 1)];
    if (end > start) spans.emplace_back(start, end);
  }
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (const auto& span : spans) {
    if (!merged.empty() && span.first < merged.back().second)
      merged.back().second = std::max(merged.back().second, span.second);
    else
      merged.push_back(span);
  }
  return merged;
}

}  // namespace

JinjaRender Renderer::render(const nlohmann::ordered_json& variables) {
  const auto positioned = [&](const Failure& failure) {
    return Error(msg::Text::template_error_at, program_.name, failure.positioned ? failure.line : 1,
                 failure.positioned ? failure.column : 1, failure.what());
  };
  try {
    globals_ = std::make_shared<Scope>();
    if (!variables.is_null() && !variables.is_object())
      throw Error(msg::Text::template_variables_not_object, program_.name);
    if (variables.is_object())
      for (auto it = variables.begin(); it != variables.end(); ++it) globals_->set(it.key(), from_json(it.value(), 1));
    root_scope_ = std::make_shared<Scope>(globals_);
    exec(program_.body, root_scope_);
  } catch (const Failure& failure) {
    throw positioned(failure);
  }
  JinjaRender result;
  result.generation_spans = byte_spans(root_, char_spans_);
  result.text = std::move(root_);
  return result;
}

// ---- statements -------------------------------------------------------------------------------------

Renderer::Flow Renderer::exec(const Body& body, const ScopePtr& scope) {
  for (const auto& stmt : body) {
    const Flow flow = exec_stmt(*stmt, scope);
    if (flow != Flow::Normal) return flow;
  }
  return Flow::Normal;
}

std::string Renderer::capture(const Body& body, const ScopePtr& scope, Flow* flow) {
  std::string buffer;
  OutputRedirect redirect(*this, &buffer);
  const Flow result = exec(body, scope);
  if (flow) *flow = result;
  return buffer;
}

void Renderer::assign(const Target& target, const Value& value, const ScopePtr& scope) {
  switch (target.kind) {
    case Target::Kind::Name:
      scope->set(target.name, value);
      return;
    case Target::Kind::Tuple: {
      const std::vector<Value> items = iterate(value);
      const size_t expected = target.items.size();
      if (items.size() < expected)
        throw Failure("not enough values to unpack (expected " + std::to_string(expected) + ", got " +
                      std::to_string(items.size()) + ")");
      if (items.size() > expected)
        throw Failure("too many values to unpack (expected " + std::to_string(expected) + ")");
      for (size_t i = 0; i < expected; ++i) assign(target.items[i], items[i], scope);
      return;
    }
    case Target::Kind::Namespace: {
      const Value ns = lookup(target.name, scope);
      auto* object = ns.is_object() ? dynamic_cast<NamespaceObject*>(&ns.object()) : nullptr;
      if (!object) throw Failure("cannot assign attribute on non-namespace object");
      object->attributes.set(Value::string(target.attribute), value);
      return;
    }
  }
}

Renderer::Flow Renderer::exec_stmt(const Stmt& stmt, const ScopePtr& scope) {
  try {
    return exec_node(stmt, scope);
  } catch (Failure& failure) {
    locate(failure, stmt.pos);
    throw;
  }
}

Renderer::Flow Renderer::exec_node(const Stmt& stmt, const ScopePtr& scope) {
  NodeGuard guard(*this);
  switch (stmt.kind) {
    case StmtKind::Output:
      for (const auto& piece : stmt.pieces) {
        if (!piece.expr) {
          write(piece.text);
          continue;
        }
        const Value value = eval(*piece.expr, scope);
        if (value.is_str())
          write(value.str());
        else
          write(to_str(value));
      }
      return Flow::Normal;

    case StmtKind::If:
      for (size_t i = 0; i < stmt.exprs.size(); ++i)
        if (truthy(eval(*stmt.exprs[i], scope))) return exec(stmt.bodies[i], scope);
      return exec(stmt.bodies.back(), scope);

    case StmtKind::For:
      exec_for(stmt, scope, eval(*stmt.exprs[0], scope), 0);
      return Flow::Normal;

    case StmtKind::Set:
      assign(stmt.target, eval(*stmt.exprs[0], scope), scope);
      return Flow::Normal;

    case StmtKind::SetBlock: {
      Flow flow;
      std::string text = capture(stmt.bodies[0], std::make_shared<Scope>(scope), &flow);
      if (flow != Flow::Normal) return flow;
      Value value = Value::string(std::move(text));
      if (stmt.exprs[0]) value = eval_filter(*stmt.exprs[0], scope, &value);
      assign(stmt.target, value, scope);
      return Flow::Normal;
    }

    case StmtKind::Macro:
      scope->set(stmt.macro->name, Value::object(std::make_shared<MacroObject>(*stmt.macro, scope)));
      return Flow::Normal;

    case StmtKind::CallBlock: {
      const Expr& call = *stmt.exprs[0];
      const Value callee = eval(*call.children[0], scope);
      CallArgs args = eval_args(call.args, scope);
      args.keywords.emplace_back("caller", Value::object(std::make_shared<MacroObject>(*stmt.macro, scope)));
      const Value result = this->call(callee, args);
      write(result.is_str() ? result.str() : to_str(result));
      return Flow::Normal;
    }

    case StmtKind::FilterBlock: {
      Flow flow;
      const ScopePtr inner = std::make_shared<Scope>(scope);
      const Value text = Value::string(capture(stmt.bodies[0], inner, &flow));
      if (flow != Flow::Normal) return flow;
      const Value result = eval_filter(*stmt.exprs[0], inner, &text);
      write(to_str(result));
      return Flow::Normal;
    }

    case StmtKind::With: {
      std::vector<Value> values;
      for (const auto& expr : stmt.exprs) values.push_back(eval(*expr, scope));
      const ScopePtr inner = std::make_shared<Scope>(scope);
      for (size_t i = 0; i < values.size(); ++i) assign(stmt.targets[i], values[i], inner);
      return exec(stmt.bodies[0], inner);
    }

    case StmtKind::Break:
      return Flow::Break;
    case StmtKind::Continue:
      return Flow::Continue;

    case StmtKind::Generation: {
      // transformers' AssistantTracker: the body renders as a caller() macro; its span starts after
      // the text yielded at the top level so far and is as long as the body's text, in characters.
      // It records nothing while nothing has been yielded and no span recorded (its is_active()).
      const std::string text = capture(stmt.bodies[0], std::make_shared<Scope>(scope));
      if (root_writes_ > 0 || !char_spans_.empty())
        char_spans_.emplace_back(root_chars_, root_chars_ + pystr::length(text));
      write(text);
      return Flow::Normal;
    }

    case StmtKind::Block:
      exec(stmt.bodies[0], std::make_shared<Scope>(stmt.scoped ? scope : root_scope_));
      return Flow::Normal;

    case StmtKind::Unsupported:
      if (stmt.exprs[0]) eval(*stmt.exprs[0], scope);
      throw Failure(stmt.message);
  }
  return Flow::Normal;
}

Renderer::Flow Renderer::exec_for(const Stmt& stmt, const ScopePtr& scope, const Value& iterable, int depth0) {
  std::vector<Value> items = iterate(iterable);
  if (const Expr* filter = stmt.exprs[1].get()) {
    std::vector<Value> kept;
    for (const Value& item : items) {
      step();
      const ScopePtr test_scope = std::make_shared<Scope>(scope);
      assign(stmt.target, item, test_scope);
      if (truthy(eval(*filter, test_scope))) kept.push_back(item);
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    exec(stmt.bodies[1], std::make_shared<Scope>(scope));
    return Flow::Normal;
  }
  auto loop = std::make_shared<LoopState>(std::move(items), depth0, &stmt, scope);
  const Value loop_value = Value::object(loop);
  const auto& loop_items = loop->items();
  for (size_t i = 0; i < loop_items.size(); ++i) {
    step();
    loop->index0 = i;
    const ScopePtr iteration = std::make_shared<Scope>(scope);
    iteration->vars.reserve(2);
    static const std::string kLoop = "loop";
    iteration->set(kLoop, loop_value);
    assign(stmt.target, loop_items[i], iteration);
    if (exec(stmt.bodies[0], iteration) == Flow::Break) break;
  }
  return Flow::Normal;
}

std::string Renderer::loop_again(const Stmt& loop, const std::weak_ptr<Scope>& scope, const Value& iterable,
                                 int depth0) {
  NodeGuard guard(*this);
  std::string buffer;
  OutputRedirect redirect(*this, &buffer);
  ScopePtr parent = scope.lock();
  exec_for(loop, parent ? parent : root_scope_, iterable, depth0);
  return buffer;
}

Value Renderer::invoke_macro(const MacroDef& macro, const std::weak_ptr<Scope>& closure, CallArgs& args) {
  NodeGuard guard(*this);
  ScopePtr parent = closure.lock();
  const ScopePtr scope = std::make_shared<Scope>(parent ? parent : root_scope_);
  const size_t n = macro.params.size();
  const size_t consumed = std::min(args.positional.size(), n);
  std::vector<bool> provided(n, false);
  for (size_t i = 0; i < consumed; ++i) {
    scope->set(macro.params[i], args.positional[i]);
    provided[i] = true;
  }
  auto& keywords = args.keywords;
  const auto take_keyword = [&](const std::string& name, Value& out) {
    for (auto it = keywords.begin(); it != keywords.end(); ++it) {
      if (it->first == name) {
        out = std::move(it->second);
        keywords.erase(it);
        return true;
      }
    }
    return false;
  };
  bool found_caller = false;
  for (size_t i = consumed; i < n; ++i) {
    Value value;
    if (take_keyword(macro.params[i], value)) {
      scope->set(macro.params[i], std::move(value));
      provided[i] = true;
    }
    if (macro.params[i] == "caller") found_caller = true;
  }
  if (consumed == n)
    for (const auto& param : macro.params)
      if (param == "caller") found_caller = true;
  if (macro.uses_caller && !found_caller) {
    Value caller;
    if (!take_keyword("caller", caller)) caller = Value::undefined("No caller defined");
    scope->set("caller", std::move(caller));
  }
  if (macro.catch_kwargs) {
    auto dict = std::make_shared<DictData>();
    for (auto& kw : keywords) dict->set(Value::string(kw.first), std::move(kw.second));
    scope->set("kwargs", Value::dict(std::move(dict)));
  } else if (!keywords.empty()) {
    for (const auto& kw : keywords)
      if (kw.first == "caller")
        throw Failure("macro " + pystr::repr(macro.name) +
                      " was invoked with two values for the special caller argument. This is most likely a bug.");
    throw Failure("macro " + pystr::repr(macro.name) + " takes no keyword argument " +
                  pystr::repr(keywords.front().first));
  }
  if (macro.catch_varargs) {
    std::vector<Value> rest;
    for (size_t i = n; i < args.positional.size(); ++i) rest.push_back(args.positional[i]);
    scope->set("varargs", Value::tuple(std::move(rest)));
  } else if (args.positional.size() > n) {
    throw Failure("macro " + pystr::repr(macro.name) + " takes not more than " + std::to_string(n) + " argument(s)");
  }
  const size_t first_default = n - macro.defaults.size();
  for (size_t i = 0; i < n; ++i) {
    if (provided[i]) continue;
    if (i >= first_default)
      scope->set(macro.params[i], eval(*macro.defaults[i - first_default], scope));
    else
      scope->set(macro.params[i], Value::undefined("parameter " + pystr::repr(macro.params[i]) + " was not provided"));
  }
  std::string text = capture(macro.body, scope);
  return Value::string(std::move(text));
}

// ---- expressions ------------------------------------------------------------------------------------

Value Renderer::lookup(const std::string& name, const ScopePtr& scope) {
  if (const Value* value = scope->find(name)) return *value;
  Value global;
  if (find_global(name, global)) return global;
  return Value::undefined(pystr::repr(name) + " is undefined");
}

CallArgs Renderer::eval_args(const ArgList& list, const ScopePtr& scope) {
  CallArgs args;
  args.positional.reserve(list.positional.size());
  for (const auto& expr : list.positional) args.positional.push_back(eval(*expr, scope));
  for (const auto& kw : list.keywords) args.keywords.emplace_back(kw.first, eval(*kw.second, scope));
  if (list.star) {
    const Value extra = eval(*list.star, scope);
    for (Value& item : iterate(extra)) args.positional.push_back(std::move(item));
  }
  if (list.star_star) {
    const Value extra = eval(*list.star_star, scope);
    if (!extra.is_dict()) throw Failure("argument after ** must be a mapping, not " + type_name(extra));
    for (const auto& entry : extra.dict().entries) {
      if (!entry.first.is_str()) throw Failure("keywords must be strings");
      args.keywords.emplace_back(entry.first.str(), entry.second);
    }
  }
  return args;
}

Value Renderer::eval_filter(const Expr& expr, const ScopePtr& scope, const Value* block_input) {
  NodeGuard guard(*this);
  Value input;
  if (expr.children[0])
    input = expr.children[0]->kind == ExprKind::Filter ? eval_filter(*expr.children[0], scope, block_input)
                                                       : eval(*expr.children[0], scope);
  else if (block_input)
    input = *block_input;
  CallArgs args = eval_args(expr.args, scope);
  try {
    if (!expr.filter) throw Failure("No filter named " + pystr::repr(expr.name) + " found.");
    return expr.filter(*this, input, args);
  } catch (Failure& failure) {
    locate(failure, expr.pos);
    throw;
  }
}

Value Renderer::slice(const Value& object, const Expr& slice, const ScopePtr& scope) {
  Value bounds[3];
  for (int i = 0; i < 3; ++i) bounds[i] = slice.children[i] ? eval(*slice.children[i], scope) : Value::none();
  if (object.is_undefined()) throw Failure(object.undefined_message());
  if (auto result = slice_value(*this, object, bounds[0], bounds[1], bounds[2])) return *result;
  return Value::undefined(described_type(object) + " has no element slice(" + to_repr(bounds[0]) + ", " +
                          to_repr(bounds[1]) + ", " + to_repr(bounds[2]) + ")");
}

Value Renderer::eval(const Expr& expr, const ScopePtr& scope) {
  try {
    return eval_node(expr, scope);
  } catch (Failure& failure) {
    locate(failure, expr.pos);
    throw;
  }
}

Value Renderer::eval_node(const Expr& expr, const ScopePtr& scope) {
  NodeGuard guard(*this);
  switch (expr.kind) {
    case ExprKind::Const:
      return expr.constant;
    case ExprKind::Name:
      return lookup(expr.name, scope);
    case ExprKind::Getattr: {
      const Value object = eval(*expr.children[0], scope);
      return getattr(object, expr.name);
    }
    case ExprKind::Getitem: {
      const Value object = eval(*expr.children[0], scope);
      if (expr.children[1]->kind == ExprKind::Slice) return slice(object, *expr.children[1], scope);
      const Value key = eval(*expr.children[1], scope);
      return getitem(object, key);
    }
    case ExprKind::Slice:
      throw Failure("a slice can only be used in a subscript");
    case ExprKind::Call: {
      const Value callee = eval(*expr.children[0], scope);
      CallArgs args = eval_args(expr.args, scope);
      return call(callee, args);
    }
    case ExprKind::Filter:
      return eval_filter(expr, scope, nullptr);
    case ExprKind::Test: {
      const Value value = eval(*expr.children[0], scope);
      CallArgs args = eval_args(expr.args, scope);
      if (!expr.test) throw Failure("No test named " + pystr::repr(expr.name) + " found.");
      return Value::boolean(expr.test(*this, value, args));
    }
    case ExprKind::Not:
      return Value::boolean(!truthy(eval(*expr.children[0], scope)));
    case ExprKind::Neg: {
      const Value value = eval(*expr.children[0], scope);
      return negate(value);
    }
    case ExprKind::Pos: {
      const Value value = eval(*expr.children[0], scope);
      return unary_plus(value);
    }
    case ExprKind::Binary: {
      const Value left = eval(*expr.children[0], scope);
      const Value right = eval(*expr.children[1], scope);
      return binary_operation(*this, expr.op, left, right);
    }
    case ExprKind::And: {
      Value left = eval(*expr.children[0], scope);
      if (!truthy(left)) return left;
      return eval(*expr.children[1], scope);
    }
    case ExprKind::Or: {
      Value left = eval(*expr.children[0], scope);
      if (truthy(left)) return left;
      return eval(*expr.children[1], scope);
    }
    case ExprKind::Concat: {
      std::string text;
      for (const auto& child : expr.children) {
        const Value value = eval(*child, scope);
        const std::string piece = value.is_str() ? value.str() : to_str(value);
        grow(piece.size(), text.size() + piece.size());
        text += piece;
      }
      return Value::string(std::move(text));
    }
    case ExprKind::Compare: {
      Value left = eval(*expr.children[0], scope);
      for (size_t i = 0; i < expr.compare_ops.size(); ++i) {
        Value right = eval(*expr.children[i + 1], scope);
        if (!compare_values(expr.compare_ops[i], left, right)) return Value::boolean(false);
        left = std::move(right);
      }
      return Value::boolean(true);
    }
    case ExprKind::CondExpr:
      if (truthy(eval(*expr.children[1], scope))) return eval(*expr.children[0], scope);
      if (expr.children[2]) return eval(*expr.children[2], scope);
      return Value::undefined("the inline if-expression on line " + std::to_string(expr.pos.line) +
                              " evaluated to false and no else section was defined.");
    case ExprKind::List:
    case ExprKind::Tuple: {
      std::vector<Value> items;
      items.reserve(expr.children.size());
      for (const auto& child : expr.children) items.push_back(eval(*child, scope));
      allocate(items.size() * sizeof(Value));
      return expr.kind == ExprKind::List ? Value::list(std::move(items)) : Value::tuple(std::move(items));
    }
    case ExprKind::Dict: {
      auto dict = std::make_shared<DictData>();
      for (size_t i = 0; i + 1 < expr.children.size(); i += 2) {
        Value key = eval(*expr.children[i], scope);
        Value value = eval(*expr.children[i + 1], scope);
        try {
          require_hashable(key);
        } catch (Failure& failure) {
          locate(failure, expr.children[i]->pos);
          throw;
        }
        dict->set(key, std::move(value));
      }
      return Value::dict(std::move(dict));
    }
  }
  return Value();
}

// ---- the sandbox's attribute and item access --------------------------------------------------------

namespace {

bool is_dunder(const std::string& name) {
  return name.size() > 4 && name.compare(0, 2, "__") == 0 && name.compare(name.size() - 2, 2, "__") == 0;
}

Value unsafe(const Value& object, const std::string& name) {
  return Value::undefined(
      "access to attribute " + pystr::repr(name) + " of " + pystr::repr(type_name(object)) + " object is unsafe.",
      true);
}

// Python's obj[key] for the builtin containers; false where Python raises TypeError or LookupError
// (jinja2 then tries the attribute).
bool python_getitem(const Value& object, const Value& key, Value& out) {
  if (object.is_str() || object.is_sequence()) {
    if (!key.is_integral()) return false;
    const int64_t length = object.is_str() ? static_cast<int64_t>(pystr::length(object.str()))
                                           : static_cast<int64_t>(object.items().size());
    int64_t index = key.as_int();
    if (index < 0) index += length;
    if (index < 0 || index >= length) return false;
    if (object.is_sequence()) {
      out = object.items()[static_cast<size_t>(index)];
    } else if (pystr::is_ascii(object.str())) {
      out = Value::string(std::string(1, object.str()[static_cast<size_t>(index)]));
    } else {
      std::string one;
      pystr::append_code_point(one, pystr::decode(object.str())[static_cast<size_t>(index)]);
      out = Value::string(std::move(one));
    }
    return true;
  }
  if (object.is_dict()) {
    if (key.is_list() || key.is_dict()) return false;
    if (key.is_tuple()) {
      for (const Value& item : key.items())
        if (item.is_list() || item.is_dict()) return false;
    }
    if (const Value* value = object.dict().find(key)) {
      out = *value;
      return true;
    }
  }
  return false;
}

bool python_getattr(const Value& object, const std::string& name, Value& out) {
  if (object.is_object()) return object.object().get_attribute(name, out);
  return builtin_attribute(object, name, out);
}

}  // namespace

Value Renderer::getattr(const Value& object, const std::string& name) {
  if (object.is_undefined()) throw Failure(object.undefined_message());
  if (is_dunder(name)) return unsafe(object, name);
  Value out;
  if (python_getattr(object, name, out)) return out;
  if (python_getitem(object, Value::string(name), out)) return out;
  return Value::undefined(missing_attribute_message(object, Value::string(name)));
}

Value Renderer::getitem(const Value& object, const Value& key) {
  if (object.is_undefined()) throw Failure(object.undefined_message());
  Value out;
  if (python_getitem(object, key, out)) return out;
  if (key.is_str()) {
    if (is_dunder(key.str())) return unsafe(object, key.str());
    if (python_getattr(object, key.str(), out)) return out;
  }
  return Value::undefined(missing_attribute_message(object, key));
}

Value Renderer::call(const Value& callee, CallArgs& args) {
  if (callee.is_undefined()) throw Failure(callee.undefined_message());
  if (callee.is_object() && callee.object().callable()) {
    step();
    return callee.object().call(*this, args);
  }
  throw Failure("'" + type_name(callee) + "' object is not callable");
}

Value Renderer::call_filter(const std::string& name, const Value& input, CallArgs& args) {
  const FilterFn filter = find_filter(name);
  if (!filter) throw Failure("No filter named " + pystr::repr(name) + ".");
  step();
  return filter(*this, input, args);
}

bool Renderer::call_test(const std::string& name, const Value& input, CallArgs& args) {
  const TestFn test = find_test(name);
  if (!test) throw Failure("No test named " + pystr::repr(name) + ".");
  step();
  return test(*this, input, args);
}

}  // namespace lora::jinja
