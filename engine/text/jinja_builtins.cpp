#include "jinja_builtins.h"

#include <locale.h>
#include <sys/time.h>

#include <algorithm>
#include <charconv>
#include <clocale>
#include <cmath>
#include <ctime>
#include <optional>
#include <unordered_map>

#include "jinja_format.h"
#include "jinja_json.h"
#include "jinja_operators.h"
#include "jinja_render.h"
#include "jinja_strings.h"
#include "jinja_template.h"
#include "string_affix.h"
#include "text_messages.h"

namespace lora::jinja {

namespace {

// ---- argument binding (Python's rules for positional and keyword arguments) -------------------------

using Bound = std::vector<std::optional<Value>>;

// Binds `args` to the parameters `names` in order; `required` of them must be given.
Bound bind(const char* function, CallArgs& args, std::initializer_list<const char*> names, size_t required = 0) {
  const std::vector<const char*> params(names);
  Bound bound(params.size());
  if (args.positional.size() > params.size())
    throw Failure(std::string(function) + "() takes at most " + std::to_string(params.size()) + " argument" +
                  (params.size() == 1 ? "" : "s") + " (" + std::to_string(args.positional.size()) + " given)");
  for (size_t i = 0; i < args.positional.size(); ++i) bound[i] = args.positional[i];
  for (const auto& kw : args.keywords) {
    size_t index = params.size();
    for (size_t i = 0; i < params.size(); ++i)
      if (kw.first == params[i]) index = i;
    if (index == params.size())
      throw Failure(std::string(function) + "() got an unexpected keyword argument " + pystr::repr(kw.first));
    if (bound[index])
      throw Failure(std::string(function) + "() got multiple values for argument " + pystr::repr(kw.first));
    bound[index] = kw.second;
  }
  for (size_t i = 0; i < required; ++i)
    if (!bound[i]) throw Failure(std::string(function) + "() missing required argument: " + pystr::repr(params[i]));
  return bound;
}

Value value_or(const std::optional<Value>& v, Value fallback) { return v ? *v : std::move(fallback); }
bool bool_or(const std::optional<Value>& v, bool fallback) { return v ? truthy(*v) : fallback; }

int64_t as_index(const Value& v) {
  if (v.is_undefined()) throw Failure(v.undefined_message());
  if (!v.is_integral()) throw Failure("'" + type_name(v) + "' object cannot be interpreted as an integer");
  return v.as_int();
}

std::string as_text(const Value& v) { return v.is_str() ? v.str() : to_str(v); }

std::optional<std::string> optional_text(const std::optional<Value>& v, const char* function) {
  if (!v || v->is_none()) return std::nullopt;
  if (!v->is_str()) throw Failure(std::string(function) + " arg must be None or str");
  return v->str();
}

Value str_value(Renderer& renderer, std::string text) {
  renderer.allocate(text.size());
  return Value::string(std::move(text));
}

Value generator(Renderer& renderer, std::vector<Value> items, const char* name = "generator") {
  renderer.allocate(items.size() * sizeof(Value));
  return Value::object(std::make_shared<GeneratorObject>(std::move(items), name));
}

Value list_value(Renderer& renderer, std::vector<Value> items) {
  renderer.allocate(items.size() * sizeof(Value));
  return Value::list(std::move(items));
}

std::vector<Value> items_of(Renderer& renderer, const Value& value) {
  std::vector<Value> items = iterate(value);
  renderer.step(items.size());
  return items;
}

// ---- callable objects -------------------------------------------------------------------------------

using MethodFn = Value (*)(Renderer&, const Value& self, CallArgs& args);

class BoundMethod : public Object {
 public:
  BoundMethod(Value self, std::string name, MethodFn fn) : self_(std::move(self)), name_(std::move(name)), fn_(fn) {}
  std::string type_name() const override { return "builtin_function_or_method"; }
  std::string repr() const override {
    return "<built-in method " + name_ + " of " + jinja::type_name(self_) + " object>";
  }
  bool callable() const override { return true; }
  Value call(Renderer& renderer, CallArgs& args) override { return fn_(renderer, self_, args); }
  uint32_t depth() const override { return 1 + nesting_depth(self_); }

 private:
  Value self_;
  std::string name_;
  MethodFn fn_;
};

using FunctionFn = Value (*)(Renderer&, CallArgs& args);

class BuiltinFunction : public Object {
 public:
  BuiltinFunction(std::string name, FunctionFn fn, std::string shown)
      : name_(std::move(name)), fn_(fn), shown_(std::move(shown)) {}
  std::string type_name() const override { return "builtin_function_or_method"; }
  std::string repr() const override { return shown_; }
  bool callable() const override { return true; }
  Value call(Renderer& renderer, CallArgs& args) override { return fn_(renderer, args); }

 private:
  std::string name_;
  FunctionFn fn_;
  std::string shown_;
};

class CyclerObject : public Object, public std::enable_shared_from_this<CyclerObject> {
 public:
  explicit CyclerObject(std::vector<Value> items) : items_(std::move(items)) {
    for (const Value& item : items_) depth_ = std::max(depth_, 1 + nesting_depth(item));
  }
  std::string type_name() const override { return "Cycler"; }
  std::string described_type() const override { return "jinja2.utils.Cycler object"; }
  uint32_t depth() const override { return depth_; }
  bool get_attribute(const std::string& name, Value& out) const override;
  size_t position = 0;
  std::vector<Value> items_;
  uint32_t depth_ = 1;
};

class CyclerMethod : public Object {
 public:
  CyclerMethod(std::shared_ptr<CyclerObject> cycler, bool next) : cycler_(std::move(cycler)), next_(next) {}
  std::string type_name() const override { return "method"; }
  bool callable() const override { return true; }
  uint32_t depth() const override { return 1 + cycler_->depth(); }
  Value call(Renderer&, CallArgs& args) override {
    bind(next_ ? "next" : "reset", args, {});
    if (!next_) {
      cycler_->position = 0;
      return Value::none();
    }
    const Value value = cycler_->items_[cycler_->position];
    cycler_->position = (cycler_->position + 1) % cycler_->items_.size();
    return value;
  }

 private:
  std::shared_ptr<CyclerObject> cycler_;
  bool next_;
};

bool CyclerObject::get_attribute(const std::string& name, Value& out) const {
  if (name == "current") {
    out = items_[position];
    return true;
  }
  if (name == "next" || name == "reset") {
    out = Value::object(
        std::make_shared<CyclerMethod>(std::const_pointer_cast<CyclerObject>(shared_from_this()), name == "next"));
    return true;
  }
  return false;
}

class JoinerObject : public Object {
 public:
  explicit JoinerObject(std::string separator) : separator_(std::move(separator)) {}
  std::string type_name() const override { return "Joiner"; }
  std::string described_type() const override { return "jinja2.utils.Joiner object"; }
  bool callable() const override { return true; }
  Value call(Renderer&, CallArgs& args) override {
    bind("__call__", args, {});
    if (!used_) {
      used_ = true;
      return Value::string(std::string());
    }
    return Value::string(separator_);
  }

 private:
  std::string separator_;
  bool used_ = false;
};

// groupby's (grouper, list) named tuple.
class GroupTuple : public Object {
 public:
  GroupTuple(Value grouper, Value list) : grouper_(std::move(grouper)), list_(std::move(list)) {}
  std::string type_name() const override { return "_GroupTuple"; }
  std::string repr() const override { return "(" + to_repr(grouper_) + ", " + to_repr(list_) + ")"; }
  bool iterable() const override { return true; }
  std::vector<Value> iterate() override { return {grouper_, list_}; }
  bool has_length() const override { return true; }
  size_t length() const override { return 2; }
  uint32_t depth() const override { return 1 + std::max(nesting_depth(grouper_), nesting_depth(list_)); }
  bool get_attribute(const std::string& name, Value& out) const override {
    if (name == "grouper")
      out = grouper_;
    else if (name == "list")
      out = list_;
    else
      return false;
    return true;
  }

 private:
  Value grouper_, list_;
};

// dict.items() / keys() / values(): iterable, sized, not subscriptable, and not JSON serializable.
class DictView : public Object {
 public:
  DictView(std::string name, std::vector<Value> items) : name_(std::move(name)), items_(std::move(items)) {
    for (const Value& item : items_) depth_ = std::max(depth_, 1 + nesting_depth(item));
  }
  std::string type_name() const override { return name_; }
  std::string repr() const override {
    std::string out = name_ + "([";
    for (size_t i = 0; i < items_.size(); ++i) out += (i ? ", " : "") + to_repr(items_[i]);
    return out + "])";
  }
  bool truthy() const override { return !items_.empty(); }
  bool iterable() const override { return true; }
  std::vector<Value> iterate() override { return items_; }
  bool contains(const Value& item) override {
    if (name_ != "dict_values") require_hashable(item);  // keys and items views are set-like
    return Object::contains(item);
  }
  bool has_length() const override { return true; }
  size_t length() const override { return items_.size(); }
  uint32_t depth() const override { return depth_; }

 private:
  std::string name_;
  std::vector<Value> items_;
  uint32_t depth_ = 1;
};

bool is_dict_view(const Value& v) { return v.is_object() && dynamic_cast<const DictView*>(&v.object()) != nullptr; }

// ---- attribute getters of the filters (jinja2's make_attrgetter) ------------------------------------

std::vector<Value> attribute_parts(const Value& attribute) {
  if (attribute.is_none()) return {};
  if (!attribute.is_str()) return {attribute};
  std::vector<Value> parts;
  for (const std::string& part : pystr::split(attribute.str(), std::string("."), -1)) {
    const bool digits =
        !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    int64_t index = 0;
    if (digits && parse_python_int(part, 10, index))
      parts.push_back(Value::integer(index));
    else
      parts.push_back(Value::string(part));
  }
  return parts;
}

Value lower_if_str(const Value& v) { return v.is_str() ? Value::string(pystr::lower(v.str())) : v; }

struct AttrGetter {
  std::vector<Value> parts;
  bool ignore_case = false;
  std::optional<Value> fallback;

  Value operator()(Renderer& renderer, Value item) const {
    for (const Value& part : parts) {
      item = renderer.getitem(item, part);
      if (fallback && item.is_undefined()) item = *fallback;
    }
    return ignore_case ? lower_if_str(item) : item;
  }
};

AttrGetter make_getter(const std::optional<Value>& attribute, bool ignore_case, std::optional<Value> fallback = {}) {
  AttrGetter getter;
  if (attribute) getter.parts = attribute_parts(*attribute);
  getter.ignore_case = ignore_case;
  if (fallback && !fallback->is_none()) getter.fallback = fallback;
  return getter;
}

// ---- filters ----------------------------------------------------------------------------------------

Value f_abs(Renderer&, const Value& v, CallArgs& args) {
  bind("abs", args, {});
  if (v.is_integral()) return Value::integer(v.as_int() < 0 ? checked_sub(0, v.as_int()) : v.as_int());
  if (v.is_float()) return Value::real(std::fabs(v.as_float()));
  throw Failure("bad operand type for abs(): '" + type_name(v) + "'");
}

Value f_attr(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_attr", args, {"name"}, 1);
  if (v.is_undefined()) throw Failure(v.undefined_message());
  if (!a[0]->is_str()) throw Failure("attribute name must be string");
  const std::string& name = a[0]->str();
  // Python's own attributes (__class__, ...) exist: the sandbox's getattr then refuses them.
  if (name.size() > 4 && name.compare(0, 2, "__") == 0 && name.compare(name.size() - 2, 2, "__") == 0)
    return renderer.getattr(v, name);
  Value out;
  const bool found =
      v.is_object() ? v.object().get_attribute(a[0]->str(), out) : builtin_attribute(v, a[0]->str(), out);
  if (!found) return Value::undefined(missing_attribute_message(v, *a[0]));
  return renderer.getattr(v, a[0]->str());
}

Value f_batch(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_batch", args, {"linecount", "fill_with"}, 1);
  const int64_t count = as_index(*a[0]);
  std::vector<Value> rows, row;
  for (Value& item : items_of(renderer, v)) {
    if (static_cast<int64_t>(row.size()) == count) {
      rows.push_back(list_value(renderer, std::move(row)));
      row.clear();
    }
    row.push_back(std::move(item));
  }
  if (!row.empty()) {
    if (a[1] && !a[1]->is_none())
      while (static_cast<int64_t>(row.size()) < count) row.push_back(*a[1]);
    rows.push_back(list_value(renderer, std::move(row)));
  }
  return generator(renderer, std::move(rows));
}

Value f_capitalize(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("do_capitalize", args, {});
  return str_value(renderer, pystr::capitalize(as_text(v)));
}

std::string center(const std::string& text, int64_t width) {
  const auto length = static_cast<int64_t>(pystr::length(text));
  if (width <= length) return text;
  const int64_t margin = width - length;
  const int64_t left = margin / 2 + (margin & width & 1);
  return std::string(static_cast<size_t>(left), ' ') + text + std::string(static_cast<size_t>(margin - left), ' ');
}

Value f_center(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_center", args, {"width"});
  const int64_t width = a[0] ? as_index(*a[0]) : 80;
  renderer.allocate(static_cast<size_t>(std::max<int64_t>(0, width)));
  return Value::string(center(as_text(v), width));
}

Value f_length(Renderer&, const Value& v, CallArgs& args) {
  bind("len", args, {});
  return Value::integer(static_cast<int64_t>(length(v)));
}

Value f_default(Renderer&, const Value& v, CallArgs& args) {
  const Bound a = bind("do_default", args, {"default_value", "boolean"});
  if (v.is_undefined() || (bool_or(a[1], false) && !truthy(v))) return value_or(a[0], Value::string(std::string()));
  return v;
}

Value f_dictsort(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_dictsort", args, {"case_sensitive", "by", "reverse"});
  const bool case_sensitive = bool_or(a[0], false);
  const std::string by = a[1] ? as_text(*a[1]) : "key";
  if (by != "key" && by != "value") throw Failure("You can only sort by either \"key\" or \"value\"");
  const bool reverse = bool_or(a[2], false);
  if (!v.is_dict()) {
    if (v.is_undefined()) throw Failure(v.undefined_message());
    throw Failure("'" + type_name(v) + "' object has no attribute 'items'");
  }
  std::vector<std::pair<Value, Value>> entries = v.dict().entries;
  renderer.step(entries.size());
  const size_t pos = by == "key" ? 0 : 1;
  const auto key = [&](const std::pair<Value, Value>& e) {
    const Value& k = pos == 0 ? e.first : e.second;
    return case_sensitive ? k : lower_if_str(k);
  };
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& x, const auto& y) {
    return reverse ? compare(key(y), key(x)) < 0 : compare(key(x), key(y)) < 0;
  });
  std::vector<Value> out;
  for (auto& e : entries) out.push_back(Value::tuple({e.first, e.second}));
  return list_value(renderer, std::move(out));
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Value f_escape(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("escape", args, {});
  return str_value(renderer, html_escape(as_text(v)));
}

Value f_filesizeformat(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_filesizeformat", args, {"binary"});
  const bool binary = bool_or(a[0], false);
  double bytes;
  if (v.is_number())
    bytes = v.as_float();
  else if (!v.is_str() || !parse_python_float(v.str(), bytes))
    throw Failure("could not convert to float: " + to_repr(v));
  const double base = binary ? 1024 : 1000;
  static const char* const kDecimal[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* const kBinary[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1) return Value::string("1 Byte");
  if (bytes < base) return str_value(renderer, std::to_string(static_cast<int64_t>(bytes)) + " Bytes");
  double unit = base;
  int i = 0;
  for (; i < 8; ++i) {
    unit = std::pow(base, i + 2);
    if (bytes < unit) break;
  }
  if (i == 8) i = 7;
  return str_value(renderer, format_float(base * bytes / unit, 'f', 1) + " " + (binary ? kBinary[i] : kDecimal[i]));
}

Value f_first(Renderer&, const Value& v, CallArgs& args) {
  bind("do_first", args, {});
  const std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

// Python's float(value); false where it raises TypeError or ValueError.
bool python_float(const Value& v, double& out) {
  if (v.is_undefined()) throw Failure(v.undefined_message());
  if (v.is_number()) {
    out = v.as_float();
    return true;
  }
  return v.is_str() && parse_python_float(v.str(), out);
}

Value f_float(Renderer&, const Value& v, CallArgs& args) {
  const Bound a = bind("do_float", args, {"default"});
  double out;
  if (python_float(v, out)) return Value::real(out);
  return value_or(a[0], Value::real(0.0));
}

Value f_format(Renderer& renderer, const Value& v, CallArgs& args) {
  if (!args.positional.empty() && !args.keywords.empty())
    throw Failure("can't handle positional and keyword arguments at the same time");
  Value packed;
  if (!args.keywords.empty()) {
    auto dict = std::make_shared<DictData>();
    for (const auto& kw : args.keywords) dict->set(Value::string(kw.first), kw.second);
    packed = Value::dict(std::move(dict));
  } else {
    packed = Value::tuple(args.positional);
  }
  return str_value(renderer, percent_format(renderer, as_text(v), packed));
}

Value f_groupby(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_groupby", args, {"attribute", "default", "case_sensitive"}, 1);
  const bool case_sensitive = bool_or(a[2], false);
  const AttrGetter key = make_getter(a[0], !case_sensitive, a[1]);
  const AttrGetter shown = make_getter(a[0], false, a[1]);
  std::vector<Value> items = items_of(renderer, v);
  std::vector<std::pair<Value, Value>> keyed;
  for (Value& item : items) keyed.emplace_back(key(renderer, item), std::move(item));
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& x, const auto& y) { return compare(x.first, y.first) < 0; });
  std::vector<Value> groups;
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i;
    std::vector<Value> members;
    while (j < keyed.size() && equal(keyed[j].first, keyed[i].first)) members.push_back(keyed[j++].second);
    const Value grouper = case_sensitive ? keyed[i].first : shown(renderer, members.front());
    groups.push_back(Value::object(std::make_shared<GroupTuple>(grouper, list_value(renderer, std::move(members)))));
    i = j;
  }
  return list_value(renderer, std::move(groups));
}

Value f_indent(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_indent", args, {"width", "first", "blank"});
  std::string indention;
  if (a[0] && a[0]->is_str()) {
    indention = a[0]->str();
  } else {
    const int64_t width = a[0] ? as_index(*a[0]) : 4;
    renderer.allocate(static_cast<size_t>(std::max<int64_t>(0, width)));
    indention.assign(static_cast<size_t>(std::max<int64_t>(0, width)), ' ');
  }
  const bool first = bool_or(a[1], false), blank = bool_or(a[2], false);
  // jinja2 starts with `s += "\n"`, which only a string survives.
  if (v.is_undefined()) throw Failure(v.undefined_message());
  if (v.is_list()) throw Failure("'list' object has no attribute 'splitlines'");
  if (v.is_tuple()) throw Failure("can only concatenate tuple (not \"str\") to tuple");
  if (!v.is_str()) throw Failure("unsupported operand type(s) for +=: '" + type_name(v) + "' and 'str'");
  const std::string text = v.str() + "\n";
  const std::vector<std::string> lines = pystr::splitlines(text, false);
  std::string out;
  if (blank) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i) out += "\n" + indention;
      out += lines[i];
      renderer.grow(lines[i].size() + indention.size(), out.size());
    }
  } else {
    out = lines.empty() ? "" : lines[0];
    for (size_t i = 1; i < lines.size(); ++i) {
      out += "\n";
      if (!lines[i].empty()) out += indention;
      out += lines[i];
      renderer.grow(lines[i].size() + indention.size(), out.size());
    }
  }
  if (first) out = indention + out;
  return str_value(renderer, std::move(out));
}

Value f_int(Renderer&, const Value& v, CallArgs& args) {
  const Bound a = bind("do_int", args, {"default", "base"});
  const int base = a[1] ? static_cast<int>(as_index(*a[1])) : 10;
  const Value fallback = value_or(a[0], Value::integer(0));
  if (v.is_undefined()) throw Failure(v.undefined_message());
  if (v.is_integral()) return Value::integer(v.as_int());
  int64_t out;
  if (v.is_str() && parse_python_int(v.str(), base, out)) return Value::integer(out);
  double f;
  if (!(v.is_float() ? (f = v.as_float(), true) : v.is_str() && parse_python_float(v.str(), f))) return fallback;
  if (std::isnan(f)) return fallback;
  if (std::isinf(f)) throw Failure("cannot convert float infinity to integer");
  if (f >= 9.2233720368547758e18 || f < -9.2233720368547758e18)
    throw Failure("integer overflow: the result does not fit in 64 bits");
  return Value::integer(static_cast<int64_t>(f));
}

Value f_items(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("do_items", args, {});
  if (v.is_undefined()) return generator(renderer, {});
  if (!v.is_dict()) throw Failure("Can only get item pairs from a mapping.");
  std::vector<Value> pairs;
  for (const auto& e : v.dict().entries) pairs.push_back(Value::tuple({e.first, e.second}));
  return generator(renderer, std::move(pairs));
}

Value f_join(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_join", args, {"d", "attribute"});
  const std::string separator = a[0] ? as_text(*a[0]) : "";
  std::vector<Value> items = items_of(renderer, v);
  if (a[1] && !a[1]->is_none()) {
    const AttrGetter getter = make_getter(a[1], false);
    for (Value& item : items) item = getter(renderer, item);
  }
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string piece = (i ? separator : "") + as_text(items[i]);
    renderer.grow(piece.size(), out.size() + piece.size());
    out += piece;
  }
  return Value::string(std::move(out));
}

Value f_last(Renderer&, const Value& v, CallArgs& args) {
  bind("do_last", args, {});
  if (!(v.is_str() || v.is_sequence() || v.is_dict() || v.is_undefined() || is_dict_view(v)))
    throw Failure("'" + type_name(v) + "' object is not reversible");
  const std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

Value f_list(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("do_list", args, {});
  return list_value(renderer, items_of(renderer, v));
}

Value f_lower(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("do_lower", args, {});
  return str_value(renderer, pystr::lower(as_text(v)));
}

Value f_upper(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("do_upper", args, {});
  return str_value(renderer, pystr::upper(as_text(v)));
}

Value f_map(Renderer& renderer, const Value& v, CallArgs& args) {
  if (!truthy(v)) return generator(renderer, {});
  std::vector<Value> items = items_of(renderer, v);
  std::vector<Value> out;
  if (args.positional.empty() &&
      std::any_of(args.keywords.begin(), args.keywords.end(), [](const auto& kw) { return kw.first == "attribute"; })) {
    std::optional<Value> attribute, fallback;
    for (const auto& kw : args.keywords) {
      if (kw.first == "attribute")
        attribute = kw.second;
      else if (kw.first == "default")
        fallback = kw.second;
      else
        throw Failure("Unexpected keyword argument " + pystr::repr(kw.first));
    }
    const AttrGetter getter = make_getter(attribute, false, fallback);
    for (const Value& item : items) out.push_back(getter(renderer, item));
  } else {
    if (args.positional.empty()) throw Failure("map requires a filter argument");
    const std::string name = as_text(args.positional[0]);
    for (const Value& item : items) {
      CallArgs rest;
      rest.positional.assign(args.positional.begin() + 1, args.positional.end());
      rest.keywords = args.keywords;
      out.push_back(renderer.call_filter(name, item, rest));
    }
  }
  return generator(renderer, std::move(out));
}

Value min_or_max(Renderer& renderer, const Value& v, CallArgs& args, bool max) {
  const Bound a = bind(max ? "do_max" : "do_min", args, {"case_sensitive", "attribute"});
  const std::vector<Value> items = items_of(renderer, v);
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  const AttrGetter key = make_getter(a[1], !bool_or(a[0], false));
  size_t best = 0;
  Value best_key = key(renderer, items[0]);
  for (size_t i = 1; i < items.size(); ++i) {
    Value k = key(renderer, items[i]);
    if (max ? less(best_key, k, ">") : less(k, best_key)) {
      best = i;
      best_key = std::move(k);
    }
  }
  return items[best];
}

Value f_max(Renderer& renderer, const Value& v, CallArgs& args) { return min_or_max(renderer, v, args, true); }
Value f_min(Renderer& renderer, const Value& v, CallArgs& args) { return min_or_max(renderer, v, args, false); }

// select / reject / selectattr / rejectattr
Value select_or_reject(Renderer& renderer, const Value& v, CallArgs& args, bool select, bool lookup_attr) {
  if (!truthy(v)) return generator(renderer, {});
  std::vector<Value> items = items_of(renderer, v);
  size_t offset = 0;
  std::optional<AttrGetter> getter;
  if (lookup_attr) {
    if (args.positional.empty()) throw Failure("Missing parameter for attribute name");
    getter = make_getter(args.positional[0], false);
    offset = 1;
  }
  std::optional<std::string> test;
  CallArgs test_args;
  if (args.positional.size() > offset) {
    test = as_text(args.positional[offset]);
    test_args.positional.assign(args.positional.begin() + static_cast<long>(offset) + 1, args.positional.end());
    test_args.keywords = args.keywords;
  }
  std::vector<Value> out;
  for (Value& item : items) {
    const Value subject = getter ? (*getter)(renderer, item) : item;
    bool passed;
    if (test) {
      CallArgs call_args = test_args;
      passed = renderer.call_test(*test, subject, call_args);
    } else {
      passed = truthy(subject);
    }
    if (passed == select) out.push_back(std::move(item));
  }
  return generator(renderer, std::move(out));
}

Value f_select(Renderer& r, const Value& v, CallArgs& a) { return select_or_reject(r, v, a, true, false); }
Value f_reject(Renderer& r, const Value& v, CallArgs& a) { return select_or_reject(r, v, a, false, false); }
Value f_selectattr(Renderer& r, const Value& v, CallArgs& a) { return select_or_reject(r, v, a, true, true); }
Value f_rejectattr(Renderer& r, const Value& v, CallArgs& a) { return select_or_reject(r, v, a, false, true); }

Value f_replace(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_replace", args, {"old", "new", "count"}, 2);
  const int64_t count = a[2] && !a[2]->is_none() ? as_index(*a[2]) : -1;
  const std::string text = as_text(v), old = as_text(*a[0]), replacement = as_text(*a[1]);
  if (!old.empty()) {
    // Bound the result before building it: each replacement can grow the text.
    size_t occurrences = 0;
    for (size_t pos = 0; (pos = text.find(old, pos)) != std::string::npos; pos += old.size()) ++occurrences;
    if (replacement.size() > old.size())
      renderer.allocate(text.size() + occurrences * (replacement.size() - old.size()));
  } else {
    renderer.allocate(text.size() + (pystr::length(text) + 1) * replacement.size());
  }
  return Value::string(pystr::replace(text, old, replacement, count));
}

Value f_reverse(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("do_reverse", args, {});
  if (v.is_str()) {
    std::u32string cps = pystr::decode(v.str());
    std::reverse(cps.begin(), cps.end());
    return Value::string(pystr::encode(cps));
  }
  if (v.is_sequence() || v.is_dict() || v.is_undefined() || is_dict_view(v)) {
    std::vector<Value> items = items_of(renderer, v);
    std::reverse(items.begin(), items.end());
    return generator(renderer, std::move(items), v.is_dict() ? "dict_reversekeyiterator" : "list_reverseiterator");
  }
  if (!is_iterable(v)) throw Failure("argument must be iterable");
  std::vector<Value> items = items_of(renderer, v);
  std::reverse(items.begin(), items.end());
  return list_value(renderer, std::move(items));
}

double python_round(double value, int64_t digits) {
  if (!std::isfinite(value)) return value;
  if (digits >= 0) {
    if (digits > 300) return value;
    // Correctly rounded decimal rounding of the binary value (half to even), as Python's round().
    const std::string text = format_float(value, 'f', static_cast<int>(digits));
    double out = 0;
    std::from_chars(text.data(), text.data() + text.size(), out);
    return out;
  }
  if (digits < -308) return std::copysign(0.0, value);
  const double scale = std::pow(10.0, static_cast<double>(-digits));
  return std::nearbyint(value / scale) * scale;
}

Value f_round(Renderer&, const Value& v, CallArgs& args) {
  const Bound a = bind("do_round", args, {"precision", "method"});
  const int64_t precision = a[0] ? as_index(*a[0]) : 0;
  const std::string method = a[1] ? as_text(*a[1]) : "common";
  if (method != "common" && method != "ceil" && method != "floor")
    throw Failure("method must be common, ceil or floor");
  if (!v.is_number()) throw Failure("type " + type_name(v) + " doesn't define __round__ method");
  if (method == "common") {
    if (v.is_integral()) {
      if (precision >= 0) return Value::integer(v.as_int());
      return Value::integer(static_cast<int64_t>(python_round(static_cast<double>(v.as_int()), precision)));
    }
    return Value::real(python_round(v.as_float(), precision));
  }
  const double scale = std::pow(10.0, static_cast<double>(precision));
  const double scaled = v.as_float() * scale;
  if (!std::isfinite(scaled)) throw Failure("cannot convert float infinity to integer");
  return Value::real((method == "ceil" ? std::ceil(scaled) : std::floor(scaled)) / scale);
}

Value f_safe(Renderer&, const Value& v, CallArgs& args) {
  bind("do_mark_safe", args, {});
  return v.is_str() ? v : Value::string(to_str(v));
}

Value f_slice(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_slice", args, {"slices", "fill_with"}, 1);
  const int64_t slices = as_index(*a[0]);
  if (slices <= 0) throw Failure("integer division or modulo by zero");
  const std::vector<Value> seq = items_of(renderer, v);
  const auto length = static_cast<int64_t>(seq.size());
  const int64_t per_slice = length / slices, with_extra = length % slices;
  std::vector<Value> out;
  int64_t offset = 0;
  renderer.step(static_cast<uint64_t>(std::min<int64_t>(slices, 1 << 30)));
  for (int64_t n = 0; n < slices; ++n) {
    const int64_t start = offset + n * per_slice;
    if (n < with_extra) ++offset;
    const int64_t end = offset + (n + 1) * per_slice;
    std::vector<Value> part(seq.begin() + start, seq.begin() + end);
    if (a[1] && !a[1]->is_none() && n >= with_extra) part.push_back(*a[1]);
    out.push_back(list_value(renderer, std::move(part)));
  }
  return generator(renderer, std::move(out));
}

Value f_sort(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_sort", args, {"reverse", "case_sensitive", "attribute"});
  const bool reverse = bool_or(a[0], false), case_sensitive = bool_or(a[1], false);
  std::vector<Value> items = items_of(renderer, v);
  // make_multi_attrgetter: "age,name" sorts by several attributes.
  std::vector<AttrGetter> getters;
  if (a[2] && a[2]->is_str()) {
    for (const std::string& part : pystr::split(a[2]->str(), std::string(","), -1))
      getters.push_back(make_getter(Value::string(part), !case_sensitive));
  } else {
    getters.push_back(make_getter(a[2] ? a[2] : std::optional<Value>(Value::none()), !case_sensitive));
  }
  std::vector<std::pair<Value, Value>> keyed;
  for (Value& item : items) {
    std::vector<Value> key;
    for (const auto& getter : getters) key.push_back(getter(renderer, item));
    keyed.emplace_back(Value::list(std::move(key)), std::move(item));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return reverse ? compare(y.first, x.first) < 0 : compare(x.first, y.first) < 0;
  });
  std::vector<Value> out;
  for (auto& k : keyed) out.push_back(std::move(k.second));
  return list_value(renderer, std::move(out));
}

Value f_string(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("soft_str", args, {});
  return v.is_str() ? v : str_value(renderer, to_str(v));
}

Value f_striptags(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("do_striptags", args, {});
  std::string text = as_text(v), stripped;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 4, "<!--") == 0) {
      const size_t end = text.find("-->", i + 4);
      if (end == std::string::npos) {
        stripped.append(text, i, std::string::npos);
        break;
      }
      i = end + 3;
    } else if (text[i] == '<') {
      const size_t end = text.find('>', i + 1);
      if (end == std::string::npos) {
        stripped.append(text, i, std::string::npos);
        break;
      }
      i = end + 1;
    } else {
      stripped += text[i++];
    }
  }
  std::string collapsed;
  for (const std::string& word : pystr::split(stripped, std::nullopt, -1)) {
    if (!collapsed.empty()) collapsed += ' ';
    collapsed += word;
  }
  static const std::pair<const char*, const char*> kEntities[] = {{"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
                                                                  {"&#34;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& entity : kEntities) collapsed = pystr::replace(collapsed, entity.first, entity.second, -1);
  return str_value(renderer, std::move(collapsed));
}

Value f_sum(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_sum", args, {"attribute", "start"});
  std::vector<Value> items = items_of(renderer, v);
  if (a[0] && !a[0]->is_none()) {
    const AttrGetter getter = make_getter(a[0], false);
    for (Value& item : items) item = getter(renderer, item);
  }
  Value total = value_or(a[1], Value::integer(0));
  if (total.is_str()) throw Failure("sum() can't sum strings [use ''.join(seq) instead]");
  for (const Value& item : items) total = binary_operation(renderer, BinaryOp::Add, total, item);
  return total;
}

Value f_title(Renderer& renderer, const Value& v, CallArgs& args) {
  bind("do_title", args, {});
  // jinja2 splits on runs of whitespace, -, (, {, [ and <, and capitalises every piece.
  const std::u32string text = pystr::decode(as_text(v));
  const auto separator = [](char32_t c) {
    return pystr::is_space(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
  };
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    const bool sep = separator(text[i]);
    size_t j = i;
    while (j < text.size() && separator(text[j]) == sep) ++j;
    out += pystr::to_upper(text[i]);
    for (size_t k = i + 1; k < j; ++k) out += pystr::to_lower(text[k]);
    i = j;
  }
  return str_value(renderer, pystr::encode(out));
}

Value f_trim(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_trim", args, {"chars"});
  return str_value(renderer, pystr::strip(as_text(v), optional_text(a[0], "strip"), true, true));
}

Value f_truncate(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_truncate", args, {"length", "killwords", "end", "leeway"});
  const int64_t length = a[0] ? as_index(*a[0]) : 255;
  const bool killwords = bool_or(a[1], false);
  const std::string end = a[2] ? as_text(*a[2]) : "...";
  const int64_t leeway = a[3] && !a[3]->is_none() ? as_index(*a[3]) : 5;
  const auto end_length = static_cast<int64_t>(pystr::length(end));
  if (length < end_length)
    throw Failure("expected length >= " + std::to_string(end_length) + ", got " + std::to_string(length));
  if (leeway < 0) throw Failure("expected leeway >= 0, got " + std::to_string(leeway));
  if (!v.is_str()) {
    // jinja2 returns a short value unchanged whatever it is; a long one fails adding `end` to it.
    if (static_cast<int64_t>(jinja::length(v)) <= length + leeway) return v;
    throw Failure("can only concatenate " + type_name(v) + " (not \"str\") to " + type_name(v));
  }
  const std::string text = v.str();
  const std::u32string cps = pystr::decode(text);
  if (static_cast<int64_t>(cps.size()) <= length + leeway) return v;
  const std::string head = pystr::encode(cps.substr(0, static_cast<size_t>(length - end_length)));
  if (killwords) return str_value(renderer, head + end);
  return str_value(renderer, pystr::rsplit(head, std::string(" "), 1)[0] + end);
}

Value f_unique(Renderer& renderer, const Value& v, CallArgs& args) {
  const Bound a = bind("do_unique", args, {"case_sensitive", "attribute"});
  const AttrGetter key = make_getter(a[1], !bool_or(a[0], false));
  std::vector<Value> seen, out;
  for (Value& item : items_of(renderer, v)) {
    const Value k = key(renderer, item);
    require_hashable(k);
    bool found = false;
    for (const Value& s : seen) {
      renderer.step();
      if (equal(s, k)) {
        found = true;
        break;
      }
    }
    if (found) continue;
    seen.push_back(k);
    out.push_back(std::move(item));
  }
  return generator(renderer, std::move(out));
}

Value f_wordcount(Renderer&, const Value& v, CallArgs& args) {
  bind("do_wordcount", args, {});
  int64_t words = 0;
  bool in_word = false;
  for (char32_t c : pystr::decode(as_text(v))) {
    const bool word = pystr::is_word(c);
    if (word && !in_word) ++words;
    in_word = word;
  }
  return Value::integer(words);
}

Value f_tojson(Renderer& renderer, const Value& v, CallArgs& args) {
  // transformers' override: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False).
  const Bound a = bind("tojson", args, {"ensure_ascii", "indent", "separators", "sort_keys"});
  JsonOptions options;
  options.ensure_ascii = bool_or(a[0], false);
  if (a[1] && !a[1]->is_none()) {
    if (a[1]->is_str()) {
      options.indent = a[1]->str();
    } else if (a[1]->is_integral()) {
      const int64_t width = a[1]->as_int();
      if (width > (1 << 16)) throw Failure("indent is too large");
      options.indent = std::string(static_cast<size_t>(std::max<int64_t>(0, width)), ' ');
    } else {
      throw Failure("can't multiply sequence by non-int of type '" + type_name(*a[1]) + "'");
    }
    options.item_separator = ",";
  }
  if (a[2] && !a[2]->is_none()) {
    const std::vector<Value> parts = iterate(*a[2]);
    if (parts.size() != 2)
      throw Failure(parts.size() < 2
                        ? "not enough values to unpack (expected 2, got " + std::to_string(parts.size()) + ")"
                        : "too many values to unpack (expected 2)");
    if (!parts[0].is_str() || !parts[1].is_str()) throw Failure("separators must be strings");
    options.item_separator = parts[0].str();
    options.key_separator = parts[1].str();
  }
  options.sort_keys = bool_or(a[3], false);
  return Value::string(json_dumps(renderer, v, options));
}

Value f_unsupported(Renderer&, const Value&, CallArgs&) {
  throw Failure("this filter is not supported by LoRA Studio's template engine");
}

// ---- tests ------------------------------------------------------------------------------------------

Value one_argument(const char* name, CallArgs& args) { return *bind(name, args, {"other"}, 1)[0]; }

bool t_defined(Renderer&, const Value& v, CallArgs& a) {
  bind("test_defined", a, {});
  return !v.is_undefined();
}
bool t_undefined(Renderer&, const Value& v, CallArgs& a) {
  bind("test_undefined", a, {});
  return v.is_undefined();
}
bool t_none(Renderer&, const Value& v, CallArgs& a) {
  bind("test_none", a, {});
  return v.is_none();
}
bool t_boolean(Renderer&, const Value& v, CallArgs& a) {
  bind("test_boolean", a, {});
  return v.is_bool();
}
bool t_false(Renderer&, const Value& v, CallArgs& a) {
  bind("test_false", a, {});
  return v.is_bool() && !v.as_bool();
}
bool t_true(Renderer&, const Value& v, CallArgs& a) {
  bind("test_true", a, {});
  return v.is_bool() && v.as_bool();
}
bool t_integer(Renderer&, const Value& v, CallArgs& a) {
  bind("test_integer", a, {});
  return v.is_int();
}
bool t_float(Renderer&, const Value& v, CallArgs& a) {
  bind("test_float", a, {});
  return v.is_float();
}
bool t_number(Renderer&, const Value& v, CallArgs& a) {
  bind("test_number", a, {});
  return v.is_number();
}
bool t_string(Renderer&, const Value& v, CallArgs& a) {
  bind("test_string", a, {});
  return v.is_str();
}
bool t_mapping(Renderer&, const Value& v, CallArgs& a) {
  bind("test_mapping", a, {});
  return v.is_dict();
}
bool t_iterable(Renderer&, const Value& v, CallArgs& a) {
  bind("test_iterable", a, {});
  return is_iterable(v);
}
bool t_sequence(Renderer&, const Value& v, CallArgs& a) {
  bind("test_sequence", a, {});
  return v.is_str() || v.is_sequence() || v.is_dict() || v.is_undefined();
}
bool t_callable(Renderer&, const Value& v, CallArgs& a) {
  bind("callable", a, {});
  return v.is_undefined() || (v.is_object() && v.object().callable());
}
bool t_escaped(Renderer&, const Value&, CallArgs& a) {
  bind("test_escaped", a, {});
  return false;
}
bool t_lower(Renderer&, const Value& v, CallArgs& a) {
  bind("test_lower", a, {});
  return pystr::is_lower(as_text(v));
}
bool t_upper(Renderer&, const Value& v, CallArgs& a) {
  bind("test_upper", a, {});
  return pystr::is_upper(as_text(v));
}

bool t_odd(Renderer& r, const Value& v, CallArgs& a) {
  bind("test_odd", a, {});
  return equal(binary_operation(r, BinaryOp::Mod, v, Value::integer(2)), Value::integer(1));
}
bool t_even(Renderer& r, const Value& v, CallArgs& a) {
  bind("test_even", a, {});
  return equal(binary_operation(r, BinaryOp::Mod, v, Value::integer(2)), Value::integer(0));
}
bool t_divisibleby(Renderer& r, const Value& v, CallArgs& a) {
  const Value num = *bind("test_divisibleby", a, {"num"}, 1)[0];
  return equal(binary_operation(r, BinaryOp::Mod, v, num), Value::integer(0));
}
bool t_sameas(Renderer&, const Value& v, CallArgs& a) { return v.identical(one_argument("test_sameas", a)); }
bool t_in(Renderer&, const Value& v, CallArgs& a) { return contains(*bind("test_in", a, {"seq"}, 1)[0], v); }
bool t_eq(Renderer&, const Value& v, CallArgs& a) { return compare_values(CompareOp::Eq, v, one_argument("eq", a)); }
bool t_ne(Renderer&, const Value& v, CallArgs& a) { return compare_values(CompareOp::Ne, v, one_argument("ne", a)); }
bool t_lt(Renderer&, const Value& v, CallArgs& a) { return compare_values(CompareOp::Lt, v, one_argument("lt", a)); }
bool t_le(Renderer&, const Value& v, CallArgs& a) { return compare_values(CompareOp::Le, v, one_argument("le", a)); }
bool t_gt(Renderer&, const Value& v, CallArgs& a) { return compare_values(CompareOp::Gt, v, one_argument("gt", a)); }
bool t_ge(Renderer&, const Value& v, CallArgs& a) { return compare_values(CompareOp::Ge, v, one_argument("ge", a)); }
bool t_filter(Renderer&, const Value& v, CallArgs& a) {
  bind("test_filter", a, {});
  require_hashable(v);
  return v.is_str() && find_filter(v.str()) != nullptr;
}
bool t_test(Renderer&, const Value& v, CallArgs& a) {
  bind("test_test", a, {});
  require_hashable(v);
  return v.is_str() && find_test(v.str()) != nullptr;
}

// ---- globals ----------------------------------------------------------------------------------------

Value g_range(Renderer& renderer, CallArgs& args) {
  if (!args.keywords.empty()) throw Failure("range() takes no keyword arguments");
  const auto& p = args.positional;
  if (p.empty()) throw Failure("range expected at least 1 argument, got 0");
  if (p.size() > 3) throw Failure("range expected at most 3 arguments, got " + std::to_string(p.size()));
  int64_t start = 0, stop, step = 1;
  if (p.size() == 1) {
    stop = as_index(p[0]);
  } else {
    start = as_index(p[0]);
    stop = as_index(p[1]);
    if (p.size() == 3) step = as_index(p[2]);
  }
  if (step == 0) throw Failure("range() arg 3 must not be zero");
  // The sandbox's MAX_RANGE.
  constexpr int64_t kMaxRange = 100000;
  __int128 count = 0;
  if (step > 0 && start < stop) count = ((__int128)stop - start - 1) / step + 1;
  if (step < 0 && start > stop) count = ((__int128)start - stop - 1) / (-(__int128)step) + 1;
  if (count > kMaxRange) throw Failure("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  std::vector<Value> items;
  items.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < static_cast<int64_t>(count); ++i) items.push_back(Value::integer(start + i * step));
  return list_value(renderer, std::move(items));
}

// dict(*args, **kwargs) into `out`.
void fill_dict(const char* function, CallArgs& args, DictData& out) {
  if (args.positional.size() > 1)
    throw Failure(std::string(function) + " expected at most 1 argument, got " +
                  std::to_string(args.positional.size()));
  if (!args.positional.empty()) {
    const Value& source = args.positional[0];
    if (source.is_dict()) {
      for (const auto& e : source.dict().entries) out.set(e.first, e.second);
    } else if (source.is_object() && dynamic_cast<NamespaceObject*>(&source.object())) {
      throw Failure("'Namespace' object is not iterable");
    } else {
      size_t index = 0;
      for (const Value& pair : iterate(source)) {
        const std::vector<Value> kv = is_iterable(pair) && !pair.is_dict() ? iterate(pair) : std::vector<Value>{};
        if (!is_iterable(pair))
          throw Failure("cannot convert dictionary update sequence element #" + std::to_string(index) +
                        " to a sequence");
        if (kv.size() != 2)
          throw Failure("dictionary update sequence element #" + std::to_string(index) + " has length " +
                        std::to_string(kv.size()) + "; 2 is required");
        require_hashable(kv[0]);
        out.set(kv[0], kv[1]);
        ++index;
      }
    }
  }
  for (const auto& kw : args.keywords) out.set(Value::string(kw.first), kw.second);
}

Value g_dict(Renderer&, CallArgs& args) {
  auto dict = std::make_shared<DictData>();
  fill_dict("dict", args, *dict);
  return Value::dict(std::move(dict));
}

Value g_namespace(Renderer& renderer, CallArgs& args) {
  auto ns = renderer.make_namespace();
  fill_dict("Namespace", args, ns->attributes);
  return Value::object(ns);
}

Value g_cycler(Renderer&, CallArgs& args) {
  if (!args.keywords.empty())
    throw Failure("Cycler() got an unexpected keyword argument " + pystr::repr(args.keywords[0].first));
  if (args.positional.empty()) throw Failure("at least one item has to be provided");
  return Value::object(std::make_shared<CyclerObject>(args.positional));
}

Value g_joiner(Renderer&, CallArgs& args) {
  const Bound a = bind("Joiner", args, {"sep"});
  return Value::object(std::make_shared<JoinerObject>(a[0] ? as_text(*a[0]) : ", "));
}

Value g_raise_exception(Renderer&, CallArgs& args) {
  const Bound a = bind("raise_exception", args, {"message"}, 1);
  throw JinjaRaised(msg::Text::template_raised, to_str(*a[0]));
}

// datetime.now().strftime(format), in the C locale as Python's LC_TIME stays.
Value g_strftime_now(Renderer& renderer, CallArgs& args) {
  const Bound a = bind("strftime_now", args, {"format"}, 1);
  if (!a[0]->is_str()) throw Failure("strftime() argument 1 must be str, not " + type_name(*a[0]));
  timeval now{};
  gettimeofday(&now, nullptr);
  std::tm local{};
  const time_t seconds = now.tv_sec;
  localtime_r(&seconds, &local);
  // %f (microseconds) is Python's own; the rest is the C library's.
  std::string format;
  const std::string& source = a[0]->str();
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '%' && i + 1 < source.size()) {
      if (source[i + 1] == 'f') {
        char micro[16];
        std::snprintf(micro, sizeof micro, "%06ld", static_cast<long>(now.tv_usec));
        format += micro;
        ++i;
        continue;
      }
      format += source.substr(i, 2);
      ++i;
      continue;
    }
    format += source[i];
  }
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  std::string out(format.size() * 8 + 64, '\0');
  size_t written = strftime_l(out.data(), out.size(), format.c_str(), &local, c_locale);
  if (written == 0 && !format.empty()) {
    out.assign(format.size() * 64 + 256, '\0');
    written = strftime_l(out.data(), out.size(), format.c_str(), &local, c_locale);
  }
  out.resize(written);
  return str_value(renderer, std::move(out));
}

Value g_unsupported_lipsum(Renderer&, CallArgs&) {
  throw Failure("lipsum() is not supported by LoRA Studio's template engine");
}

// ---- methods of str, list, tuple and dict -----------------------------------------------------------

std::optional<int64_t> optional_index(const std::optional<Value>& v) {
  if (!v || v->is_none()) return std::nullopt;
  return as_index(*v);
}

const std::string& self_text(const Value& self) { return self.str(); }

Value m_strip_common(Renderer& r, const Value& self, CallArgs& args, const char* name, bool left, bool right) {
  const Bound a = bind(name, args, {"chars"});
  return str_value(r, pystr::strip(self_text(self), optional_text(a[0], name), left, right));
}
Value m_strip(Renderer& r, const Value& s, CallArgs& a) { return m_strip_common(r, s, a, "strip", true, true); }
Value m_lstrip(Renderer& r, const Value& s, CallArgs& a) { return m_strip_common(r, s, a, "lstrip", true, false); }
Value m_rstrip(Renderer& r, const Value& s, CallArgs& a) { return m_strip_common(r, s, a, "rstrip", false, true); }

Value split_common(Renderer& r, const Value& self, CallArgs& args, const char* name, bool from_right) {
  const Bound a = bind(name, args, {"sep", "maxsplit"});
  const std::optional<std::string> sep = optional_text(a[0], name);
  if (sep && sep->empty()) throw Failure("empty separator");
  const int64_t maxsplit = a[1] ? as_index(*a[1]) : -1;
  const std::vector<std::string> parts =
      from_right ? pystr::rsplit(self_text(self), sep, maxsplit) : pystr::split(self_text(self), sep, maxsplit);
  std::vector<Value> out;
  out.reserve(parts.size());
  for (const auto& part : parts) out.push_back(Value::string(part));
  return list_value(r, std::move(out));
}
Value m_split(Renderer& r, const Value& s, CallArgs& a) { return split_common(r, s, a, "split", false); }
Value m_rsplit(Renderer& r, const Value& s, CallArgs& a) { return split_common(r, s, a, "rsplit", true); }

Value m_splitlines(Renderer& r, const Value& self, CallArgs& args) {
  const Bound a = bind("splitlines", args, {"keepends"});
  std::vector<Value> out;
  for (auto& line : pystr::splitlines(self_text(self), bool_or(a[0], false))) out.push_back(Value::string(line));
  return list_value(r, std::move(out));
}

Value affix_common(const Value& self, CallArgs& args, const char* name, bool prefix) {
  const Bound a = bind(name, args, {"prefix", "start", "end"}, 1);
  const std::u32string text = pystr::decode(self_text(self));
  const auto length = static_cast<int64_t>(text.size());
  const auto adjust = [&](const std::optional<Value>& v, int64_t fallback) {
    if (!v || v->is_none()) return fallback;
    int64_t i = as_index(*v);
    if (i < 0) i = std::max<int64_t>(0, i + length);
    return std::min(i, length);
  };
  const int64_t start = adjust(a[1], 0), end = adjust(a[2], length);
  std::vector<Value> candidates;
  if (a[0]->is_tuple()) {
    candidates = a[0]->items();
  } else if (a[0]->is_str()) {
    candidates.push_back(*a[0]);
  } else {
    throw Failure(std::string(name) + " first arg must be str or a tuple of str, not " + type_name(*a[0]));
  }
  for (const Value& candidate : candidates) {
    if (!candidate.is_str())
      throw Failure("tuple for " + std::string(name) + " must only contain str, not " + type_name(candidate));
    const std::u32string affix = pystr::decode(candidate.str());
    if (start > length || end - start < static_cast<int64_t>(affix.size())) continue;
    const size_t at = prefix ? static_cast<size_t>(start) : static_cast<size_t>(end) - affix.size();
    if (text.compare(at, affix.size(), affix) == 0) return Value::boolean(true);
  }
  return Value::boolean(false);
}
Value m_startswith(Renderer&, const Value& s, CallArgs& a) { return affix_common(s, a, "startswith", true); }
Value m_endswith(Renderer&, const Value& s, CallArgs& a) { return affix_common(s, a, "endswith", false); }

Value case_method(Renderer& r, const Value& self, CallArgs& args, const char* name,
                  std::string (*fn)(std::string_view)) {
  bind(name, args, {});
  return str_value(r, fn(self_text(self)));
}
Value m_upper(Renderer& r, const Value& s, CallArgs& a) { return case_method(r, s, a, "upper", pystr::upper); }
Value m_lower(Renderer& r, const Value& s, CallArgs& a) { return case_method(r, s, a, "lower", pystr::lower); }
Value m_title(Renderer& r, const Value& s, CallArgs& a) { return case_method(r, s, a, "title", pystr::title); }
Value m_capitalize(Renderer& r, const Value& s, CallArgs& a) {
  return case_method(r, s, a, "capitalize", pystr::capitalize);
}
Value m_swapcase(Renderer& r, const Value& s, CallArgs& a) { return case_method(r, s, a, "swapcase", pystr::swapcase); }
Value m_casefold(Renderer& r, const Value& s, CallArgs& a) { return case_method(r, s, a, "casefold", pystr::lower); }

Value m_replace(Renderer& r, const Value& self, CallArgs& args) {
  const Bound a = bind("replace", args, {"old", "new", "count"}, 2);
  if (!a[0]->is_str() || !a[1]->is_str())
    throw Failure("replace() argument must be str, not " + type_name(a[0]->is_str() ? *a[1] : *a[0]));
  CallArgs forwarded;
  forwarded.positional = {*a[0], *a[1]};
  if (a[2]) forwarded.positional.push_back(*a[2]);
  return f_replace(r, self, forwarded);
}

Value find_common(const Value& self, CallArgs& args, const char* name, bool from_right, bool raise) {
  const Bound a = bind(name, args, {"sub", "start", "end"}, 1);
  if (!a[0]->is_str()) throw Failure("must be str, not " + type_name(*a[0]));
  const int64_t found =
      pystr::find(self_text(self), a[0]->str(), optional_index(a[1]), optional_index(a[2]), from_right);
  if (found < 0 && raise) throw Failure("substring not found");
  return Value::integer(found);
}
Value m_find(Renderer&, const Value& s, CallArgs& a) { return find_common(s, a, "find", false, false); }
Value m_rfind(Renderer&, const Value& s, CallArgs& a) { return find_common(s, a, "rfind", true, false); }
Value m_str_index(Renderer&, const Value& s, CallArgs& a) { return find_common(s, a, "index", false, true); }
Value m_rindex(Renderer&, const Value& s, CallArgs& a) { return find_common(s, a, "rindex", true, true); }

Value m_str_count(Renderer&, const Value& self, CallArgs& args) {
  const Bound a = bind("count", args, {"sub", "start", "end"}, 1);
  if (!a[0]->is_str()) throw Failure("must be str, not " + type_name(*a[0]));
  return Value::integer(pystr::count(self_text(self), a[0]->str(), optional_index(a[1]), optional_index(a[2])));
}

Value predicate_method(const Value& self, CallArgs& args, const char* name, bool (*fn)(char32_t)) {
  bind(name, args, {});
  return Value::boolean(pystr::all_of(self_text(self), fn));
}
Value m_isdigit(Renderer&, const Value& s, CallArgs& a) { return predicate_method(s, a, "isdigit", pystr::is_digit); }
Value m_isdecimal(Renderer&, const Value& s, CallArgs& a) {
  return predicate_method(s, a, "isdecimal", pystr::is_decimal);
}
Value m_isnumeric(Renderer&, const Value& s, CallArgs& a) {
  return predicate_method(s, a, "isnumeric", pystr::is_numeric);
}
Value m_isalpha(Renderer&, const Value& s, CallArgs& a) { return predicate_method(s, a, "isalpha", pystr::is_alpha); }
Value m_isspace(Renderer&, const Value& s, CallArgs& a) { return predicate_method(s, a, "isspace", pystr::is_space); }
bool is_alnum_char(char32_t c) { return pystr::is_alpha(c) || pystr::is_numeric(c) || pystr::is_digit(c); }
Value m_isalnum(Renderer&, const Value& s, CallArgs& a) { return predicate_method(s, a, "isalnum", is_alnum_char); }
Value m_isascii(Renderer&, const Value& s, CallArgs& a) {
  bind("isascii", a, {});
  return Value::boolean(pystr::is_ascii(self_text(s)));
}
Value m_islower(Renderer&, const Value& s, CallArgs& a) {
  bind("islower", a, {});
  return Value::boolean(pystr::is_lower(self_text(s)));
}
Value m_isupper(Renderer&, const Value& s, CallArgs& a) {
  bind("isupper", a, {});
  return Value::boolean(pystr::is_upper(self_text(s)));
}
Value m_istitle(Renderer&, const Value& s, CallArgs& a) {
  bind("istitle", a, {});
  return Value::boolean(pystr::is_title(self_text(s)));
}

Value m_str_join(Renderer& r, const Value& self, CallArgs& args) {
  const Bound a = bind("join", args, {"iterable"}, 1);
  std::string out;
  size_t index = 0;
  for (const Value& item : items_of(r, *a[0])) {
    if (!item.is_str())
      throw Failure("sequence item " + std::to_string(index) + ": expected str instance, " + type_name(item) +
                    " found");
    const std::string piece = (index ? self_text(self) : "") + item.str();
    r.grow(piece.size(), out.size() + piece.size());
    out += piece;
    ++index;
  }
  return Value::string(std::move(out));
}

Value justify(Renderer& r, const Value& self, CallArgs& args, const char* name, char align) {
  const Bound a = bind(name, args, {"width", "fillchar"}, 1);
  const int64_t width = as_index(*a[0]);
  std::string fill = " ";
  if (a[1]) {
    if (!a[1]->is_str() || pystr::length(a[1]->str()) != 1)
      throw Failure("The fill character must be exactly one character long");
    fill = a[1]->str();
  }
  const std::string& text = self_text(self);
  const auto length = static_cast<int64_t>(pystr::length(text));
  if (width <= length) return self;
  r.allocate(static_cast<size_t>(width - length) * fill.size() + text.size());
  const auto repeat = [&](int64_t n) {
    std::string s;
    for (int64_t i = 0; i < n; ++i) s += fill;
    return s;
  };
  const int64_t margin = width - length;
  if (align == '<') return Value::string(text + repeat(margin));
  if (align == '>') return Value::string(repeat(margin) + text);
  const int64_t left = margin / 2 + (margin & width & 1);
  return Value::string(repeat(left) + text + repeat(margin - left));
}
Value m_ljust(Renderer& r, const Value& s, CallArgs& a) { return justify(r, s, a, "ljust", '<'); }
Value m_rjust(Renderer& r, const Value& s, CallArgs& a) { return justify(r, s, a, "rjust", '>'); }
Value m_center(Renderer& r, const Value& s, CallArgs& a) { return justify(r, s, a, "center", '^'); }

Value m_zfill(Renderer& r, const Value& self, CallArgs& args) {
  const int64_t width = as_index(*bind("zfill", args, {"width"}, 1)[0]);
  std::string text = self_text(self);
  const auto length = static_cast<int64_t>(pystr::length(text));
  if (width <= length) return self;
  r.allocate(static_cast<size_t>(width));
  const bool sign = !text.empty() && (text[0] == '+' || text[0] == '-');
  text.insert(sign ? 1 : 0, std::string(static_cast<size_t>(width - length), '0'));
  return Value::string(std::move(text));
}

Value partition_common(const Value& self, CallArgs& args, const char* name, bool from_right) {
  const Bound a = bind(name, args, {"sep"}, 1);
  if (!a[0]->is_str()) throw Failure("must be str, not " + type_name(*a[0]));
  const std::string& text = self_text(self);
  const std::string& sep = a[0]->str();
  if (sep.empty()) throw Failure("empty separator");
  const size_t at = from_right ? text.rfind(sep) : text.find(sep);
  if (at == std::string::npos) {
    if (from_right) return Value::tuple({Value::string(""), Value::string(""), self});
    return Value::tuple({self, Value::string(""), Value::string("")});
  }
  return Value::tuple({Value::string(text.substr(0, at)), *a[0], Value::string(text.substr(at + sep.size()))});
}
Value m_partition(Renderer&, const Value& s, CallArgs& a) { return partition_common(s, a, "partition", false); }
Value m_rpartition(Renderer&, const Value& s, CallArgs& a) { return partition_common(s, a, "rpartition", true); }

Value m_removeprefix(Renderer&, const Value& self, CallArgs& args) {
  const Value prefix = *bind("removeprefix", args, {"prefix"}, 1)[0];
  if (!prefix.is_str()) throw Failure("removeprefix() argument must be str, not " + type_name(prefix));
  const std::string& text = self_text(self);
  if (text.compare(0, prefix.str().size(), prefix.str()) == 0) return Value::string(text.substr(prefix.str().size()));
  return self;
}
Value m_removesuffix(Renderer&, const Value& self, CallArgs& args) {
  const Value suffix = *bind("removesuffix", args, {"suffix"}, 1)[0];
  if (!suffix.is_str()) throw Failure("removesuffix() argument must be str, not " + type_name(suffix));
  const std::string& text = self_text(self);
  const std::string& s = suffix.str();
  if (!s.empty() && ends_with(text, s))
    return Value::string(text.substr(0, text.size() - s.size()));
  return self;
}

Value m_format(Renderer& r, const Value& self, CallArgs& args) {
  return str_value(r, str_format(r, self_text(self), args));
}

Value m_seq_count(Renderer& r, const Value& self, CallArgs& args) {
  const Value x = *bind("count", args, {"value"}, 1)[0];
  int64_t n = 0;
  for (const Value& item : self.items()) {
    r.step();
    if (equal(item, x)) ++n;
  }
  return Value::integer(n);
}

Value m_seq_index(Renderer& r, const Value& self, CallArgs& args) {
  const Bound a = bind("index", args, {"value", "start", "stop"}, 1);
  const auto& items = self.items();
  const auto length = static_cast<int64_t>(items.size());
  const auto adjust = [&](const std::optional<Value>& v, int64_t fallback) {
    if (!v) return fallback;
    int64_t i = as_index(*v);
    if (i < 0) i = std::max<int64_t>(0, i + length);
    return std::min(i, length);
  };
  for (int64_t i = adjust(a[1], 0), end = adjust(a[2], length); i < end; ++i) {
    r.step();
    if (equal(items[static_cast<size_t>(i)], *a[0])) return Value::integer(i);
  }
  throw Failure(to_repr(*a[0]) + " is not in " + (self.is_list() ? "list" : "tuple"));
}

Value m_list_copy(Renderer& r, const Value& self, CallArgs& args) {
  bind("copy", args, {});
  return list_value(r, self.items());
}

Value dict_view(Renderer& r, const char* name, std::vector<Value> items) {
  r.allocate(items.size() * sizeof(Value));
  return Value::object(std::make_shared<DictView>(name, std::move(items)));
}

Value m_dict_items(Renderer& r, const Value& self, CallArgs& args) {
  bind("items", args, {});
  std::vector<Value> out;
  for (const auto& e : self.dict().entries) out.push_back(Value::tuple({e.first, e.second}));
  return dict_view(r, "dict_items", std::move(out));
}

Value m_dict_keys(Renderer& r, const Value& self, CallArgs& args) {
  bind("keys", args, {});
  std::vector<Value> out;
  for (const auto& e : self.dict().entries) out.push_back(e.first);
  return dict_view(r, "dict_keys", std::move(out));
}

Value m_dict_values(Renderer& r, const Value& self, CallArgs& args) {
  bind("values", args, {});
  std::vector<Value> out;
  for (const auto& e : self.dict().entries) out.push_back(e.second);
  return dict_view(r, "dict_values", std::move(out));
}

Value m_dict_get(Renderer&, const Value& self, CallArgs& args) {
  if (!args.keywords.empty()) throw Failure("get() takes no keyword arguments");
  const Bound a = bind("get", args, {"key", "default"}, 1);
  require_hashable(*a[0]);
  if (const Value* found = self.dict().find(*a[0])) return *found;
  return value_or(a[1], Value::none());
}

Value m_dict_copy(Renderer& r, const Value& self, CallArgs& args) {
  bind("copy", args, {});
  auto dict = std::make_shared<DictData>(self.dict());
  r.allocate(dict->size() * 2 * sizeof(Value));
  return Value::dict(std::move(dict));
}

const std::unordered_map<std::string, MethodFn>& str_methods() {
  static const std::unordered_map<std::string, MethodFn> methods = {{"strip", m_strip},
                                                                    {"lstrip", m_lstrip},
                                                                    {"rstrip", m_rstrip},
                                                                    {"split", m_split},
                                                                    {"rsplit", m_rsplit},
                                                                    {"splitlines", m_splitlines},
                                                                    {"startswith", m_startswith},
                                                                    {"endswith", m_endswith},
                                                                    {"upper", m_upper},
                                                                    {"lower", m_lower},
                                                                    {"title", m_title},
                                                                    {"capitalize", m_capitalize},
                                                                    {"swapcase", m_swapcase},
                                                                    {"casefold", m_casefold},
                                                                    {"replace", m_replace},
                                                                    {"find", m_find},
                                                                    {"rfind", m_rfind},
                                                                    {"index", m_str_index},
                                                                    {"rindex", m_rindex},
                                                                    {"count", m_str_count},
                                                                    {"isdigit", m_isdigit},
                                                                    {"isdecimal", m_isdecimal},
                                                                    {"isnumeric", m_isnumeric},
                                                                    {"isalpha", m_isalpha},
                                                                    {"isalnum", m_isalnum},
                                                                    {"isspace", m_isspace},
                                                                    {"isascii", m_isascii},
                                                                    {"islower", m_islower},
                                                                    {"isupper", m_isupper},
                                                                    {"istitle", m_istitle},
                                                                    {"join", m_str_join},
                                                                    {"ljust", m_ljust},
                                                                    {"rjust", m_rjust},
                                                                    {"center", m_center},
                                                                    {"zfill", m_zfill},
                                                                    {"partition", m_partition},
                                                                    {"rpartition", m_rpartition},
                                                                    {"removeprefix", m_removeprefix},
                                                                    {"removesuffix", m_removesuffix},
                                                                    {"format", m_format}};
  return methods;
}

}  // namespace

bool builtin_attribute(const Value& object, const std::string& name, Value& out) {
  MethodFn fn = nullptr;
  bool refused = false;
  if (object.is_str()) {
    const auto& methods = str_methods();
    const auto it = methods.find(name);
    if (it != methods.end()) fn = it->second;
  } else if (object.is_list()) {
    if (name == "count")
      fn = m_seq_count;
    else if (name == "index")
      fn = m_seq_index;
    else if (name == "copy")
      fn = m_list_copy;
    else
      refused = name == "append" || name == "extend" || name == "insert" || name == "remove" || name == "reverse" ||
                name == "sort" || name == "pop" || name == "clear";
  } else if (object.is_tuple()) {
    if (name == "count")
      fn = m_seq_count;
    else if (name == "index")
      fn = m_seq_index;
  } else if (object.is_number()) {
    // The numeric attributes Python has without a call.
    if (name == "real" || name == "numerator") {
      out = object.is_float() ? object : Value::integer(object.as_int());
      return name == "real" || object.is_integral();
    }
    if (name == "imag") {
      out = object.is_float() ? Value::real(0.0) : Value::integer(0);
      return true;
    }
    if (name == "denominator" && object.is_integral()) {
      out = Value::integer(1);
      return true;
    }
  } else if (object.is_dict()) {
    if (name == "items")
      fn = m_dict_items;
    else if (name == "keys")
      fn = m_dict_keys;
    else if (name == "values")
      fn = m_dict_values;
    else if (name == "get")
      fn = m_dict_get;
    else if (name == "copy")
      fn = m_dict_copy;
    else
      refused = name == "pop" || name == "popitem" || name == "setdefault" || name == "update" || name == "clear";
  }
  if (refused) {
    out = Value::undefined(
        "access to attribute " + pystr::repr(name) + " of " + pystr::repr(type_name(object)) + " object is unsafe.",
        true);
    return true;
  }
  if (!fn) return false;
  out = Value::object(std::make_shared<BoundMethod>(object, name, fn));
  return true;
}

FilterFn find_filter(const std::string& name) {
  static const std::unordered_map<std::string, FilterFn> filters = {
      {"abs", f_abs},
      {"attr", f_attr},
      {"batch", f_batch},
      {"capitalize", f_capitalize},
      {"center", f_center},
      {"count", f_length},
      {"d", f_default},
      {"default", f_default},
      {"dictsort", f_dictsort},
      {"e", f_escape},
      {"escape", f_escape},
      {"filesizeformat", f_filesizeformat},
      {"first", f_first},
      {"float", f_float},
      {"forceescape", f_escape},
      {"format", f_format},
      {"groupby", f_groupby},
      {"indent", f_indent},
      {"int", f_int},
      {"join", f_join},
      {"last", f_last},
      {"length", f_length},
      {"list", f_list},
      {"lower", f_lower},
      {"items", f_items},
      {"map", f_map},
      {"min", f_min},
      {"max", f_max},
      {"pprint", f_unsupported},
      {"random", f_unsupported},
      {"reject", f_reject},
      {"rejectattr", f_rejectattr},
      {"replace", f_replace},
      {"reverse", f_reverse},
      {"round", f_round},
      {"safe", f_safe},
      {"select", f_select},
      {"selectattr", f_selectattr},
      {"slice", f_slice},
      {"sort", f_sort},
      {"string", f_string},
      {"striptags", f_striptags},
      {"sum", f_sum},
      {"title", f_title},
      {"trim", f_trim},
      {"truncate", f_truncate},
      {"unique", f_unique},
      {"upper", f_upper},
      {"urlencode", f_unsupported},
      {"urlize", f_unsupported},
      {"wordcount", f_wordcount},
      {"wordwrap", f_unsupported},
      {"xmlattr", f_unsupported},
      {"tojson", f_tojson},
  };
  const auto it = filters.find(name);
  return it == filters.end() ? nullptr : it->second;
}

TestFn find_test(const std::string& name) {
  static const std::unordered_map<std::string, TestFn> tests = {
      {"odd", t_odd},
      {"even", t_even},
      {"divisibleby", t_divisibleby},
      {"defined", t_defined},
      {"undefined", t_undefined},
      {"filter", t_filter},
      {"test", t_test},
      {"none", t_none},
      {"boolean", t_boolean},
      {"false", t_false},
      {"true", t_true},
      {"integer", t_integer},
      {"float", t_float},
      {"lower", t_lower},
      {"upper", t_upper},
      {"string", t_string},
      {"mapping", t_mapping},
      {"number", t_number},
      {"sequence", t_sequence},
      {"iterable", t_iterable},
      {"callable", t_callable},
      {"sameas", t_sameas},
      {"escaped", t_escaped},
      {"in", t_in},
      {"==", t_eq},
      {"eq", t_eq},
      {"equalto", t_eq},
      {"!=", t_ne},
      {"ne", t_ne},
      {">", t_gt},
      {"gt", t_gt},
      {"greaterthan", t_gt},
      {"ge", t_ge},
      {">=", t_ge},
      {"<", t_lt},
      {"lt", t_lt},
      {"lessthan", t_lt},
      {"<=", t_le},
      {"le", t_le},
  };
  const auto it = tests.find(name);
  return it == tests.end() ? nullptr : it->second;
}

bool find_global(const std::string& name, Value& out) {
  struct Global {
    FunctionFn fn;
    const char* shown;
  };
  static const std::unordered_map<std::string, Global> globals = {
      {"range", {g_range, "<class 'range'>"}},
      {"dict", {g_dict, "<class 'dict'>"}},
      {"namespace", {g_namespace, "<class 'jinja2.utils.Namespace'>"}},
      {"cycler", {g_cycler, "<class 'jinja2.utils.Cycler'>"}},
      {"joiner", {g_joiner, "<class 'jinja2.utils.Joiner'>"}},
      {"lipsum", {g_unsupported_lipsum, "<function generate_lorem_ipsum>"}},
      {"raise_exception", {g_raise_exception, "<function raise_exception>"}},
      {"strftime_now", {g_strftime_now, "<function strftime_now>"}},
  };
  const auto it = globals.find(name);
  if (it == globals.end()) return false;
  out = Value::object(std::make_shared<BuiltinFunction>(name, it->second.fn, it->second.shown));
  return true;
}

}  // namespace lora::jinja
