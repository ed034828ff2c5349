#pragma once
// The values a Jinja template computes with, following Python's semantics because chat templates are
// written against jinja2 running on Python: str (UTF-8, counted in code points), int (64-bit; what
// would overflow is an error), float, bool, None, list and dict (shared and in insertion order, as
// Python's references are), tuple, jinja2's Undefined, and objects (namespaces, macros, loops, bound
// methods, generators) behind the Object interface.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lora::jinja {

class Value;
class Object;

// A runtime error of the template (Python's TypeError, UndefinedError, SecurityError, ...). The
// renderer prefixes the template position; `message` is what Python's exception would say.
class Failure : public std::runtime_error {
 public:
  explicit Failure(const std::string& message) : std::runtime_error(message) {}
  // Where in the template it happened: set by the innermost statement or expression it passes.
  bool positioned = false;
  int line = 0;
  int column = 0;
};

// Charged by every operation that builds a string or a list, so that a template cannot allocate
// without bound ('a' * 10**9, doubling a string in a loop): throws Failure past the limits.
class Budget {
 public:
  virtual ~Budget() = default;
  // `bytes` about to be allocated for one value (a string's length, a list's element storage).
  virtual void allocate(size_t bytes) = 0;
  // A value growing piece by piece: `added` bytes more, `total` now.
  virtual void grow(size_t added, size_t total) = 0;
};

enum class Kind : uint8_t { Undefined, None, Bool, Int, Float, Str, List, Tuple, Dict, Object };

// How deeply containers may nest (lists, dicts, namespaces, generators inside each other). Deeper
// structures are refused when built, so printing, comparing, serialising and freeing them never
// recurses without bound.
constexpr uint32_t kMaxNesting = 512;

struct ListData {
  std::vector<Value> items;
  uint32_t depth = 1;  // 1 + the deepest nesting of its items
};

class Value {
 public:
  Value() = default;  // Undefined with no message

  static Value none();
  static Value boolean(bool value);
  static Value integer(int64_t value);
  static Value real(double value);
  static Value string(std::string text);
  static Value string(std::shared_ptr<const std::string> text);
  static Value list(std::vector<Value> items);
  static Value tuple(std::vector<Value> items);
  static Value dict(std::shared_ptr<struct DictData> data);
  static Value object(std::shared_ptr<Object> object);
  // jinja2's Undefined: `message` is what using it reports; `security` makes that a SecurityError
  // (an attribute the sandbox refuses).
  static Value undefined(std::string message, bool security = false);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::Undefined; }
  bool is_none() const { return kind_ == Kind::None; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_int() const { return kind_ == Kind::Int; }
  bool is_float() const { return kind_ == Kind::Float; }
  bool is_number() const { return kind_ == Kind::Int || kind_ == Kind::Float || kind_ == Kind::Bool; }
  bool is_integral() const { return kind_ == Kind::Int || kind_ == Kind::Bool; }  // Python: bool is an int
  bool is_str() const { return kind_ == Kind::Str; }
  bool is_list() const { return kind_ == Kind::List; }
  bool is_tuple() const { return kind_ == Kind::Tuple; }
  bool is_sequence() const { return kind_ == Kind::List || kind_ == Kind::Tuple; }
  bool is_dict() const { return kind_ == Kind::Dict; }
  bool is_object() const { return kind_ == Kind::Object; }

  bool as_bool() const { return bool_; }
  int64_t as_int() const { return kind_ == Kind::Bool ? (bool_ ? 1 : 0) : int_; }  // Int or Bool
  double as_float() const { return kind_ == Kind::Float ? float_ : static_cast<double>(as_int()); }
  const std::string& str() const { return *static_cast<const std::string*>(ptr_.get()); }
  const std::shared_ptr<const std::string> str_ptr() const { return std::static_pointer_cast<const std::string>(ptr_); }
  ListData& list() const { return *static_cast<ListData*>(ptr_.get()); }  // List or Tuple
  const std::vector<Value>& items() const { return list().items; }
  DictData& dict() const { return *static_cast<DictData*>(ptr_.get()); }
  Object& object() const { return *static_cast<Object*>(ptr_.get()); }
  std::shared_ptr<Object> object_ptr() const { return std::static_pointer_cast<Object>(ptr_); }
  const std::string& undefined_message() const;
  bool undefined_is_security() const;

  // Python's `is`: the same object (for None/True/False and small ints, the same value).
  bool identical(const Value& other) const;

 private:
  Kind kind_ = Kind::Undefined;
  union {
    bool bool_;
    int64_t int_ = 0;
    double float_;
  };
  std::shared_ptr<void> ptr_;
};

// A dict in insertion order. Keys are hashable values (str, numbers, None, tuples); numbers that are
// equal are the same key, as in Python (1, 1.0 and True).
struct DictData {
  std::vector<std::pair<Value, Value>> entries;
  std::unordered_map<std::string, size_t> string_keys;  // index into entries
  uint32_t depth = 1;

  const Value* find(const Value& key) const;
  void set(const Value& key, Value value);  // key must be hashable (see require_hashable)
  size_t size() const { return entries.size(); }
};

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;
};

class Renderer;

// Everything that is neither a plain value nor a container: namespace(), macros, loop, bound methods,
// builtin functions, generators (what map/select/... return), cycler/joiner.
class Object {
 public:
  virtual ~Object() = default;
  virtual std::string type_name() const = 0;  // Python's type(x).__name__
  // How jinja2 names the type in "'X object' has no attribute 'y'" (module-qualified for its own classes).
  virtual std::string described_type() const { return type_name() + " object"; }
  virtual std::string repr() const { return "<" + type_name() + " object>"; }
  virtual bool truthy() const { return true; }
  // Attribute lookup (getattr); false when there is none.
  virtual bool get_attribute(const std::string& name, Value& out) const {
    (void)name;
    (void)out;
    return false;
  }
  virtual bool callable() const { return false; }
  virtual Value call(Renderer& renderer, CallArgs& args);
  virtual bool iterable() const { return false; }
  // Python's `item in object` for iterable objects (by default: equal to one of the items).
  virtual bool contains(const Value& item);
  // The items, in order. A generator hands them out once (a second pass finds it exhausted).
  virtual std::vector<Value> iterate();
  virtual bool has_length() const { return false; }
  virtual size_t length() const { return 0; }
  // 1 + the deepest nesting of the values it holds (see kMaxNesting); 1 for objects holding none.
  virtual uint32_t depth() const { return 1; }
};

// jinja2.utils.Namespace: attributes set with {% set ns.attr = value %}.
class NamespaceObject : public Object {
 public:
  DictData attributes;
  std::string type_name() const override { return "Namespace"; }
  std::string described_type() const override { return "jinja2.utils.Namespace object"; }
  std::string repr() const override;
  bool get_attribute(const std::string& name, Value& out) const override;
  uint32_t depth() const override { return attributes.depth; }
};

// A generator (what map, select, reject, unique, items, batch, ... return): truthy even when empty,
// without len(), consumed by its first iteration.
class GeneratorObject : public Object {
 public:
  explicit GeneratorObject(std::vector<Value> items, std::string name = "generator");
  std::string type_name() const override { return name_; }
  std::string repr() const override { return "<" + name_ + " object>"; }
  bool iterable() const override { return true; }
  std::vector<Value> iterate() override;
  uint32_t depth() const override { return depth_; }

 private:
  std::vector<Value> items_;
  uint32_t depth_ = 1;
  std::string name_;
};

// How deeply `value` nests containers: 0 for scalars, 1 for a flat list, ...
uint32_t nesting_depth(const Value& value);
// Throws Failure when a container holding values this deep would nest more than kMaxNesting.
void check_nesting(uint32_t child_depth);

// Python's type(x).__name__ ("str", "int", "NoneType", "list", "dict", ...).
std::string type_name(const Value& value);
// jinja2's object_type_repr: "None", "str object", "dict object", ... for undefined-attribute messages.
std::string described_type(const Value& value);
// The message of an undefined value that came from looking up `name` (a str or an int) on `object`.
std::string missing_attribute_message(const Value& object, const Value& name);

bool truthy(const Value& value);
bool equal(const Value& a, const Value& b);  // Python ==
// Python <, raising TypeError ("'<' not supported between instances of 'int' and 'str'") for
// unorderable operands; `op` names the operator in that message.
bool less(const Value& a, const Value& b, const char* op = "<");
// Python's three-way comparison for sorting (TypeError as less()).
int compare(const Value& a, const Value& b);

void require_hashable(const Value& value);  // TypeError "unhashable type: 'list'"

std::string to_str(const Value& value);   // Python str()
std::string to_repr(const Value& value);  // Python repr()
std::string float_repr(double value);     // Python repr(float): shortest round trip

// Python's len(); TypeError for values without one.
size_t length(const Value& value);
// The items `for x in value` visits (dict: keys, str: characters); TypeError when not iterable.
std::vector<Value> iterate(const Value& value);
bool is_iterable(const Value& value);

// Python's int arithmetic with overflow checks (an error where Python would grow a big int).
int64_t checked_add(int64_t a, int64_t b);
int64_t checked_sub(int64_t a, int64_t b);
int64_t checked_mul(int64_t a, int64_t b);

}  // namespace lora::jinja
