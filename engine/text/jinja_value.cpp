#include "jinja_value.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "jinja_strings.h"

namespace lora::jinja {

namespace {

struct UndefinedData {
  std::string message;
  bool security = false;
};

const std::string& empty_string() {
  static const std::string empty;
  return empty;
}

// Containers being printed, so that a namespace holding itself prints "{...}" as Python does.
thread_local std::vector<const void*> repr_active;

struct ReprGuard {
  const void* container;
  bool recursive = false;
  explicit ReprGuard(const void* c) : container(c) {
    for (const void* active : repr_active)
      if (active == c) recursive = true;
    if (!recursive) repr_active.push_back(c);
  }
  ~ReprGuard() {
    if (!recursive) repr_active.pop_back();
  }
};

std::string repr_items(const std::vector<Value>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += to_repr(items[i]);
  }
  return out;
}

std::string repr_dict(const DictData& dict) {
  ReprGuard guard(&dict);
  if (guard.recursive) return "{...}";
  std::string out = "{";
  for (size_t i = 0; i < dict.entries.size(); ++i) {
    if (i) out += ", ";
    out += to_repr(dict.entries[i].first);
    out += ": ";
    out += to_repr(dict.entries[i].second);
  }
  return out + "}";
}

std::string str_of_scalar_or_container(const Value& value) {
  switch (value.kind()) {
    case Kind::Undefined:
      return "";
    case Kind::None:
      return "None";
    case Kind::Bool:
      return value.as_bool() ? "True" : "False";
    case Kind::Int:
      return std::to_string(value.as_int());
    case Kind::Float:
      return float_repr(value.as_float());
    case Kind::Str:
      return value.str();
    case Kind::List: {
      ReprGuard guard(&value.list());
      if (guard.recursive) return "[...]";
      return "[" + repr_items(value.items()) + "]";
    }
    case Kind::Tuple: {
      const auto& items = value.items();
      if (items.size() == 1) return "(" + to_repr(items[0]) + ",)";
      return "(" + repr_items(items) + ")";
    }
    case Kind::Dict:
      return repr_dict(value.dict());
    case Kind::Object:
      return value.object().repr();
  }
  return "";
}

[[noreturn]] void fail_undefined(const Value& value) { throw Failure(value.undefined_message()); }

}  // namespace

// ---- Value ---------------------------------------------------------------------------------------

Value Value::none() {
  Value v;
  v.kind_ = Kind::None;
  return v;
}

Value Value::boolean(bool value) {
  Value v;
  v.kind_ = Kind::Bool;
  v.bool_ = value;
  return v;
}

Value Value::integer(int64_t value) {
  Value v;
  v.kind_ = Kind::Int;
  v.int_ = value;
  return v;
}

Value Value::real(double value) {
  Value v;
  v.kind_ = Kind::Float;
  v.float_ = value;
  return v;
}

Value Value::string(std::string text) { return string(std::make_shared<const std::string>(std::move(text))); }

Value Value::string(std::shared_ptr<const std::string> text) {
  Value v;
  v.kind_ = Kind::Str;
  v.ptr_ = std::const_pointer_cast<std::string>(std::move(text));
  return v;
}

Value Value::list(std::vector<Value> items) {
  auto data = std::make_shared<ListData>();
  for (const Value& item : items) data->depth = std::max(data->depth, 1 + nesting_depth(item));
  check_nesting(data->depth - 1);
  data->items = std::move(items);
  Value v;
  v.kind_ = Kind::List;
  v.ptr_ = std::move(data);
  return v;
}

Value Value::tuple(std::vector<Value> items) {
  Value v = list(std::move(items));
  v.kind_ = Kind::Tuple;
  return v;
}

Value Value::dict(std::shared_ptr<DictData> data) {
  Value v;
  v.kind_ = Kind::Dict;
  v.ptr_ = std::move(data);
  return v;
}

Value Value::object(std::shared_ptr<Object> object) {
  check_nesting(object->depth() - 1);
  Value v;
  v.kind_ = Kind::Object;
  v.ptr_ = std::move(object);
  return v;
}

Value Value::undefined(std::string message, bool security) {
  Value v;
  v.ptr_ = std::make_shared<UndefinedData>(UndefinedData{std::move(message), security});
  return v;
}

const std::string& Value::undefined_message() const {
  return ptr_ ? static_cast<const UndefinedData*>(ptr_.get())->message : empty_string();
}

bool Value::undefined_is_security() const { return ptr_ && static_cast<const UndefinedData*>(ptr_.get())->security; }

bool Value::identical(const Value& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::None:
      return true;
    case Kind::Bool:
      return bool_ == other.bool_;
    case Kind::Int:  // CPython caches the small ints
      return int_ == other.int_ && int_ >= -5 && int_ <= 256;
    case Kind::Float:
      return false;
    case Kind::Undefined:  // every failed lookup makes a new Undefined object
      return ptr_ && ptr_ == other.ptr_;
    default:
      return ptr_ == other.ptr_;
  }
}

// ---- DictData ------------------------------------------------------------------------------------

const Value* DictData::find(const Value& key) const {
  if (key.is_str()) {
    const auto it = string_keys.find(key.str());
    return it == string_keys.end() ? nullptr : &entries[it->second].second;
  }
  for (const auto& entry : entries)
    if (!entry.first.is_str() && equal(entry.first, key)) return &entry.second;
  return nullptr;
}

void DictData::set(const Value& key, Value value) {
  const uint32_t value_depth = nesting_depth(value);
  check_nesting(value_depth);
  if (const Value* existing = find(key)) {
    *const_cast<Value*>(existing) = std::move(value);
  } else {
    if (key.is_str()) string_keys.emplace(key.str(), entries.size());
    entries.emplace_back(key, std::move(value));
  }
  depth = std::max({depth, 1 + value_depth, 1 + nesting_depth(key)});
}

// ---- Object --------------------------------------------------------------------------------------

Value Object::call(Renderer&, CallArgs&) { throw Failure("'" + type_name() + "' object is not callable"); }

std::vector<Value> Object::iterate() { throw Failure("'" + type_name() + "' object is not iterable"); }

bool Object::contains(const Value& item) {
  for (const Value& element : iterate())
    if (equal(element, item)) return true;
  return false;
}

std::string NamespaceObject::repr() const { return "<Namespace " + repr_dict(attributes) + ">"; }

bool NamespaceObject::get_attribute(const std::string& name, Value& out) const {
  const auto it = attributes.string_keys.find(name);
  if (it == attributes.string_keys.end()) return false;
  out = attributes.entries[it->second].second;
  return true;
}

GeneratorObject::GeneratorObject(std::vector<Value> items, std::string name)
    : items_(std::move(items)), name_(std::move(name)) {
  for (const Value& item : items_) depth_ = std::max(depth_, 1 + nesting_depth(item));
}

std::vector<Value> GeneratorObject::iterate() { return std::exchange(items_, {}); }

// ---- Python semantics ----------------------------------------------------------------------------

uint32_t nesting_depth(const Value& value) {
  switch (value.kind()) {
    case Kind::List:
    case Kind::Tuple:
      return value.list().depth;
    case Kind::Dict:
      return value.dict().depth;
    case Kind::Object:
      return value.object().depth();
    default:
      return 0;
  }
}

void check_nesting(uint32_t child_depth) {
  if (child_depth + 1 > kMaxNesting)
    throw Failure("values nest more than " + std::to_string(kMaxNesting) + " levels deep");
}

std::string type_name(const Value& value) {
  switch (value.kind()) {
    case Kind::Undefined:
      return "Undefined";
    case Kind::None:
      return "NoneType";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::Str:
      return "str";
    case Kind::List:
      return "list";
    case Kind::Tuple:
      return "tuple";
    case Kind::Dict:
      return "dict";
    case Kind::Object:
      return value.object().type_name();
  }
  return "object";
}

std::string described_type(const Value& value) {
  if (value.is_none()) return "None";
  if (value.is_undefined()) return "jinja2.runtime.Undefined object";
  if (value.is_object()) return value.object().described_type();
  return type_name(value) + " object";
}

std::string missing_attribute_message(const Value& object, const Value& name) {
  if (name.is_str()) return pystr::repr(described_type(object)) + " has no attribute " + pystr::repr(name.str());
  return described_type(object) + " has no element " + to_repr(name);
}

bool truthy(const Value& value) {
  switch (value.kind()) {
    case Kind::Undefined:
    case Kind::None:
      return false;
    case Kind::Bool:
      return value.as_bool();
    case Kind::Int:
      return value.as_int() != 0;
    case Kind::Float:
      return value.as_float() != 0.0;
    case Kind::Str:
      return !value.str().empty();
    case Kind::List:
    case Kind::Tuple:
      return !value.items().empty();
    case Kind::Dict:
      return value.dict().size() != 0;
    case Kind::Object:
      return value.object().truthy();
  }
  return false;
}

bool equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_integral() && b.is_integral()) return a.as_int() == b.as_int();
    return a.as_float() == b.as_float();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::Undefined:
    case Kind::None:
      return true;
    case Kind::Str:
      return a.str() == b.str();
    case Kind::List:
    case Kind::Tuple: {
      const auto& x = a.items();
      const auto& y = b.items();
      if (&x == &y) return true;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!equal(x[i], y[i])) return false;
      return true;
    }
    case Kind::Dict: {
      const DictData& x = a.dict();
      const DictData& y = b.dict();
      if (&x == &y) return true;
      if (x.size() != y.size()) return false;
      for (const auto& [key, value] : x.entries) {
        const Value* other = y.find(key);
        if (!other || !equal(value, *other)) return false;
      }
      return true;
    }
    case Kind::Object:
      return &a.object() == &b.object();
    default:
      return false;
  }
}

int compare(const Value& a, const Value& b) {
  if (a.is_undefined()) fail_undefined(a);
  if (b.is_undefined()) fail_undefined(b);
  if (a.is_number() && b.is_number()) {
    if (a.is_integral() && b.is_integral()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    const double x = a.as_float(), y = b.as_float();
    return x < y ? -1 : x > y ? 1 : 0;  // NaN compares equal to everything here, as sorted() leaves it
  }
  if (a.is_str() && b.is_str()) {
    const int c = a.str().compare(b.str());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
    const auto& x = a.items();
    const auto& y = b.items();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (!equal(x[i], y[i])) return compare(x[i], y[i]);
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  throw Failure("'<' not supported between instances of '" + type_name(a) + "' and '" + type_name(b) + "'");
}

bool less(const Value& a, const Value& b, const char* op) {
  if (a.is_undefined()) fail_undefined(a);
  if (b.is_undefined()) fail_undefined(b);
  if (a.is_number() && b.is_number()) {
    if (a.is_integral() && b.is_integral()) return a.as_int() < b.as_int();
    return a.as_float() < b.as_float();
  }
  const bool orderable = (a.is_str() && b.is_str()) || (a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple());
  if (!orderable)
    throw Failure(std::string("'") + op + "' not supported between instances of '" + type_name(a) + "' and '" +
                  type_name(b) + "'");
  return compare(a, b) < 0;
}

void require_hashable(const Value& value) {
  if (value.is_list() || value.is_dict()) throw Failure("unhashable type: '" + type_name(value) + "'");
  if (value.is_tuple())
    for (const Value& item : value.items()) require_hashable(item);
}

std::string to_str(const Value& value) { return str_of_scalar_or_container(value); }

std::string to_repr(const Value& value) {
  if (value.is_str()) return pystr::repr(value.str());
  if (value.is_undefined()) return "Undefined";
  return str_of_scalar_or_container(value);
}

std::string float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string scientific(buffer, result.ptr);
  // scientific is "[-]D[.DDD]e[+-]XX": split into sign, digits and the decimal exponent.
  const bool negative = scientific[0] == '-';
  const size_t e = scientific.find('e');
  std::string digits;
  for (size_t i = negative ? 1 : 0; i < e; ++i)
    if (scientific[i] != '.') digits += scientific[i];
  const int exponent = std::stoi(scientific.substr(e + 1));
  std::string out = negative ? "-" : "";
  // Python's repr switches to exponent notation outside 1e-5 <= |x| < 1e16.
  if (exponent < -4 || exponent >= 16) {
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp;
  }
  if (exponent < 0) return out + "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  const size_t integer_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= integer_digits) return out + digits + std::string(integer_digits - digits.size(), '0') + ".0";
  return out + digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
}

size_t length(const Value& value) {
  switch (value.kind()) {
    case Kind::Undefined:
      return 0;
    case Kind::Str:
      return pystr::length(value.str());
    case Kind::List:
    case Kind::Tuple:
      return value.items().size();
    case Kind::Dict:
      return value.dict().size();
    case Kind::Object:
      if (value.object().has_length()) return value.object().length();
      break;
    default:
      break;
  }
  throw Failure("object of type '" + type_name(value) + "' has no len()");
}

bool is_iterable(const Value& value) {
  switch (value.kind()) {
    case Kind::Undefined:
    case Kind::Str:
    case Kind::List:
    case Kind::Tuple:
    case Kind::Dict:
      return true;
    case Kind::Object:
      return value.object().iterable();
    default:
      return false;
  }
}

std::vector<Value> iterate(const Value& value) {
  switch (value.kind()) {
    case Kind::Undefined:
      return {};
    case Kind::List:
    case Kind::Tuple:
      return value.items();
    case Kind::Dict: {
      std::vector<Value> keys;
      keys.reserve(value.dict().size());
      for (const auto& entry : value.dict().entries) keys.push_back(entry.first);
      return keys;
    }
    case Kind::Str: {
      std::vector<Value> chars;
      const std::string& text = value.str();
      if (pystr::is_ascii(text)) {
        chars.reserve(text.size());
        for (char c : text) chars.push_back(Value::string(std::string(1, c)));
      } else {
        for (char32_t c : pystr::decode(text)) {
          std::string one;
          pystr::append_code_point(one, c);
          chars.push_back(Value::string(std::move(one)));
        }
      }
      return chars;
    }
    case Kind::Object:
      if (value.object().iterable()) return value.object().iterate();
      break;
    default:
      break;
  }
  throw Failure("'" + type_name(value) + "' object is not iterable");
}

int64_t checked_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw Failure("integer overflow: the result does not fit in 64 bits");
  return r;
}

int64_t checked_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) throw Failure("integer overflow: the result does not fit in 64 bits");
  return r;
}

int64_t checked_mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw Failure("integer overflow: the result does not fit in 64 bits");
  return r;
}

}  // namespace lora::jinja
