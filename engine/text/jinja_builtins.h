#pragma once
// What a template can use without defining it: jinja2's filters and tests, the globals of
// transformers' environment (range, dict, namespace, cycler, joiner, raise_exception, strftime_now),
// and the methods of str, list and dict that templates call (with jinja2 3.1.6's
// ImmutableSandboxedEnvironment refusing every method that mutates, list.pop and list.clear included).
#include <string>

#include "jinja_ast.h"
#include "jinja_value.h"

namespace lora::jinja {

// Null when jinja2 has no filter / test of that name.
FilterFn find_filter(const std::string& name);
TestFn find_test(const std::string& name);

// The value of a global name (range, namespace, ...); false for names that are not globals.
bool find_global(const std::string& name, Value& out);

// The attribute `name` of a str, list, tuple or dict as Python's getattr sees it (bound methods,
// or an undefined value carrying the SecurityError for mutating methods); false when it has none.
bool builtin_attribute(const Value& object, const std::string& name, Value& out);

}  // namespace lora::jinja
