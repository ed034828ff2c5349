#pragma once
// Renders a parsed template with jinja2's runtime semantics: its scoping (a for body, macro, call,
// filter, set block and with are scopes of their own; if is not), the sandbox's attribute and item
// lookup (getattr falls back to the item and back), Undefined, macros with caller/varargs/kwargs,
// loop variables and transformers' generation spans, all within JinjaLimits.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jinja_ast.h"
#include "jinja_template.h"
#include "jinja_value.h"

namespace lora::jinja {

struct Scope;
using ScopePtr = std::shared_ptr<Scope>;

class Renderer : public Budget {
 public:
  Renderer(const Program& program, const JinjaLimits& limits);
  ~Renderer() override;
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Throws lora::Error "NAME:LINE:COLUMN: message", or JinjaRaised from raise_exception.
  JinjaRender render(const nlohmann::ordered_json& variables);

  // ---- for builtins and the objects of the runtime -------------------------------------------------
  void allocate(size_t bytes) override;
  void grow(size_t added, size_t total) override;
  void step(uint64_t count = 1);
  Value getattr(const Value& object, const std::string& name);
  Value getitem(const Value& object, const Value& key);
  Value call(const Value& callee, CallArgs& args);
  // A filter or test by name (map('upper'), select('odd')): TemplateRuntimeError when there is none.
  Value call_filter(const std::string& name, const Value& input, CallArgs& args);
  bool call_test(const std::string& name, const Value& input, CallArgs& args);
  // namespace(...) objects are tracked so that cycles through them are broken when rendering ends.
  std::shared_ptr<NamespaceObject> make_namespace();
  Value invoke_macro(const MacroDef& macro, const std::weak_ptr<Scope>& closure, CallArgs& args);
  std::string loop_again(const Stmt& loop, const std::weak_ptr<Scope>& scope, const Value& iterable, int depth0);

 private:
  enum class Flow { Normal, Break, Continue };
  class NodeGuard;
  class OutputRedirect;

  Flow exec(const Body& body, const ScopePtr& scope);
  Flow exec_stmt(const Stmt& stmt, const ScopePtr& scope);
  Flow exec_for(const Stmt& stmt, const ScopePtr& scope, const Value& iterable, int depth0);
  std::string capture(const Body& body, const ScopePtr& scope, Flow* flow = nullptr);
  void assign(const Target& target, const Value& value, const ScopePtr& scope);
  void write(std::string_view text);

  Value eval(const Expr& expr, const ScopePtr& scope);
  Value eval_node(const Expr& expr, const ScopePtr& scope);
  Flow exec_node(const Stmt& stmt, const ScopePtr& scope);
  Value eval_filter(const Expr& expr, const ScopePtr& scope, const Value* block_input);
  CallArgs eval_args(const ArgList& args, const ScopePtr& scope);
  Value lookup(const std::string& name, const ScopePtr& scope);
  Value slice(const Value& object, const Expr& slice, const ScopePtr& scope);
  Value from_json(const nlohmann::ordered_json& json, uint32_t depth);

  const Program& program_;
  JinjaLimits limits_;
  uint64_t steps_ = 0;
  int depth_ = 0;
  std::string root_;
  std::string* out_ = &root_;
  uint64_t root_writes_ = 0;
  size_t root_chars_ = 0;  // code points of root_, as transformers counts its offsets
  std::vector<std::pair<size_t, size_t>> char_spans_;
  ScopePtr globals_;
  ScopePtr root_scope_;
  std::vector<std::weak_ptr<NamespaceObject>> namespaces_;
};

}  // namespace lora::jinja
