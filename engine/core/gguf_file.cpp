#include "gguf_file.h"

#include <climits>
#include <cstring>

#include "core_messages.h"
#include "error.h"
#include "gguf_dequantize.h"

namespace lora::gguf {
namespace {

// gguf.cpp's limits.
constexpr std::uint64_t kMaxStringBytes = std::uint64_t(1) << 30;
constexpr std::uint64_t kMaxArrayElements = std::uint64_t(1) << 30;
constexpr size_t kMaxNameBytes = 63;  // GGML_MAX_NAME - 1
constexpr std::uint32_t kMaxDims = 4;

std::uint64_t padded(std::uint64_t offset, std::uint64_t alignment) {
  return (offset + alignment - 1) / alignment * alignment;
}

// Reads little-endian values from the file image; running past the end is an error naming what
// was being read.
class Cursor {
 public:
  Cursor(const std::string& path, const std::uint8_t* base, std::uint64_t size) : path_(path), base_(base), size_(size) {}

  void need(std::uint64_t bytes, const Message& part) const {
    if (bytes > size_ - at_) throw Error(msg::Core::gguf_truncated, path_, part, at_, size_);
  }
  template <class T>
  T read(const Message& part) {
    need(sizeof(T), part);
    T value;
    std::memcpy(&value, base_ + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  std::string read_string(const Message& part) {
    const std::uint64_t length = read<std::uint64_t>(part);
    if (length > kMaxStringBytes || length > size_ - at_)
      throw Error(msg::Core::gguf_string_too_long, path_, part, length, size_ - at_);
    std::string text(reinterpret_cast<const char*>(base_ + at_), static_cast<size_t>(length));
    at_ += length;
    return text;
  }
  std::uint64_t remaining() const { return size_ - at_; }
  std::uint64_t position() const { return at_; }

 private:
  const std::string& path_;
  const std::uint8_t* base_;
  std::uint64_t size_;
  std::uint64_t at_ = 0;
};

size_t value_size(ValueType type) {
  switch (type) {
    case ValueType::uint8: case ValueType::int8: case ValueType::boolean: return 1;
    case ValueType::uint16: case ValueType::int16: return 2;
    case ValueType::uint32: case ValueType::int32: case ValueType::float32: return 4;
    case ValueType::uint64: case ValueType::int64: case ValueType::float64: return 8;
    case ValueType::string: return 8;  // at least its length
    case ValueType::array: break;
  }
  return 0;
}

bool is_integer_type(ValueType type) {
  switch (type) {
    case ValueType::uint8: case ValueType::int8: case ValueType::uint16: case ValueType::int16:
    case ValueType::uint32: case ValueType::int32: case ValueType::uint64: case ValueType::int64:
      return true;
    default:
      return false;
  }
}

bool is_known_value_type(std::uint32_t type) { return type <= static_cast<std::uint32_t>(ValueType::float64); }

// One scalar of `type` (not string, not array): its integer or real value.
void read_number(Cursor& cursor, ValueType type, const Message& part, const std::string& path, const std::string& key,
                 std::int64_t* integer, double* real, bool* boolean) {
  switch (type) {
    case ValueType::uint8: *integer = cursor.read<std::uint8_t>(part); break;
    case ValueType::int8: *integer = cursor.read<std::int8_t>(part); break;
    case ValueType::uint16: *integer = cursor.read<std::uint16_t>(part); break;
    case ValueType::int16: *integer = cursor.read<std::int16_t>(part); break;
    case ValueType::uint32: *integer = cursor.read<std::uint32_t>(part); break;
    case ValueType::int32: *integer = cursor.read<std::int32_t>(part); break;
    case ValueType::int64: *integer = cursor.read<std::int64_t>(part); break;
    case ValueType::uint64: {
      const std::uint64_t value = cursor.read<std::uint64_t>(part);
      if (value > static_cast<std::uint64_t>(INT64_MAX))
        throw Error(msg::Core::gguf_integer_out_of_range, path, key, std::to_string(value));
      *integer = static_cast<std::int64_t>(value);
      break;
    }
    case ValueType::float32: *real = cursor.read<float>(part); return;
    case ValueType::float64: *real = cursor.read<double>(part); return;
    case ValueType::boolean: {
      const std::uint8_t value = cursor.read<std::uint8_t>(part);
      *boolean = value != 0;
      *integer = value != 0;
      return;
    }
    default: return;
  }
  *real = static_cast<double>(*integer);
}

std::string type_text(const GgufValue& value) {
  if (value.type != ValueType::array) return value_type_name(value.type);
  return std::string("array of ") + value_type_name(value.element_type);
}

}  // namespace

std::uint64_t GgufValue::array_size() const {
  if (type != ValueType::array) return 0;
  if (element_type == ValueType::string) return strings.size();
  if (element_type == ValueType::float32 || element_type == ValueType::float64) return reals.size();
  return integers.size();
}

GgufFile::~GgufFile() = default;

GgufFile::GgufFile(std::string name, MappedFile bytes) : path_(std::move(name)), bytes_(std::move(bytes)) {
  base_ = bytes_.data();  // after the move: an in-memory image may move with its owner
  size_ = bytes_.size();
  parse();
}

std::shared_ptr<GgufFile> GgufFile::open(const std::string& path) {
  // Tensors are decoded on demand; pages load lazily.
  return std::shared_ptr<GgufFile>(new GgufFile(path, MappedFile::open(path)));
}

std::shared_ptr<GgufFile> GgufFile::from_bytes(std::string bytes, const std::string& name) {
  return std::shared_ptr<GgufFile>(new GgufFile(name, MappedFile::from_bytes(std::move(bytes))));
}

void GgufFile::parse() {
  const std::string& file = path_;
  Cursor cursor(file, base_, size_);
  const Message header(msg::Core::gguf_part_header);
  if (size_ < 4 || std::memcmp(base_, "GGUF", 4) != 0) {
    std::string start;
    for (std::uint64_t i = 0; i < size_ && i < 4; ++i) {
      static const char hex[] = "0123456789abcdef";
      start += hex[base_[i] >> 4];
      start += hex[base_[i] & 15];
    }
    throw Error(msg::Core::gguf_not_gguf, file, start.empty() ? std::string("-") : start);
  }
  cursor.read<std::uint32_t>(header);
  version_ = cursor.read<std::uint32_t>(header);
  if (version_ != 2 && version_ != 3) throw Error(msg::Core::gguf_version_unsupported, file, version_);
  const std::int64_t tensor_count = cursor.read<std::int64_t>(header);
  const std::int64_t kv_count = cursor.read<std::int64_t>(header);
  // Each key/value takes at least 13 bytes (key length, type, a byte), each tensor info 24: a count
  // the rest of the file cannot hold is corrupt, and must not size a reservation.
  if (kv_count < 0 || static_cast<std::uint64_t>(kv_count) > cursor.remaining() / 13)
    throw Error(msg::Core::gguf_kv_count_too_large, file, kv_count);
  if (tensor_count < 0 || static_cast<std::uint64_t>(tensor_count) > cursor.remaining() / 24)
    throw Error(msg::Core::gguf_tensor_count_too_large, file, tensor_count);

  entries_.reserve(static_cast<size_t>(kv_count));
  for (std::int64_t i = 0; i < kv_count; ++i) {
    const std::string key = cursor.read_string(Message(msg::Core::gguf_part_key_number, i));
    if (key.empty()) throw Error(msg::Core::gguf_key_empty, file, i);
    if (key_index_.count(key)) throw Error(msg::Core::gguf_key_repeated, file, key);
    const Message part(msg::Core::gguf_part_key, key);
    GgufValue value;
    const std::uint32_t type_number = cursor.read<std::uint32_t>(part);
    if (!is_known_value_type(type_number)) throw Error(msg::Core::gguf_value_type_unknown, file, key, type_number);
    value.type = static_cast<ValueType>(type_number);
    if (value.type == ValueType::array) {
      const std::uint32_t element_number = cursor.read<std::uint32_t>(part);
      if (!is_known_value_type(element_number)) throw Error(msg::Core::gguf_value_type_unknown, file, key, element_number);
      value.element_type = static_cast<ValueType>(element_number);
      if (value.element_type == ValueType::array) throw Error(msg::Core::gguf_array_of_arrays, file, key);
      const std::uint64_t count = cursor.read<std::uint64_t>(part);
      if (count > kMaxArrayElements || count > cursor.remaining() / value_size(value.element_type))
        throw Error(msg::Core::gguf_array_too_long, file, key, count);
      if (value.element_type == ValueType::string) {
        value.strings.reserve(static_cast<size_t>(count));
        for (std::uint64_t j = 0; j < count; ++j) value.strings.push_back(cursor.read_string(part));
      } else {
        const bool real_elements =
            value.element_type == ValueType::float32 || value.element_type == ValueType::float64;
        if (real_elements) {
          value.reals.reserve(static_cast<size_t>(count));
        } else {
          value.integers.reserve(static_cast<size_t>(count));
        }
        for (std::uint64_t j = 0; j < count; ++j) {
          std::int64_t integer = 0;
          double real = 0;
          bool boolean = false;
          read_number(cursor, value.element_type, part, file, key, &integer, &real, &boolean);
          if (real_elements) {
            value.reals.push_back(real);
          } else {
            value.integers.push_back(integer);
          }
        }
      }
    } else if (value.type == ValueType::string) {
      value.text = cursor.read_string(part);
    } else {
      read_number(cursor, value.type, part, file, key, &value.integer, &value.real, &value.boolean);
    }
    key_index_.emplace(key, entries_.size());
    entries_.emplace_back(key, std::move(value));
  }

  if (const GgufValue* alignment = find("general.alignment")) {
    if (alignment->type != ValueType::uint32) throw Error(msg::Core::gguf_alignment_type, file, type_text(*alignment));
    const std::int64_t value = alignment->integer;
    if (value == 0 || (value & (value - 1)) != 0) throw Error(msg::Core::gguf_alignment_bad, file, value);
    alignment_ = static_cast<std::uint32_t>(value);
  }

  tensors_.reserve(static_cast<size_t>(tensor_count));
  std::uint64_t expected_offset = 0;
  for (std::int64_t i = 0; i < tensor_count; ++i) {
    GgufTensorInfo info;
    info.name = cursor.read_string(Message(msg::Core::gguf_part_tensor_number, i));
    if (info.name.size() > kMaxNameBytes) throw Error(msg::Core::gguf_tensor_name_too_long, file, info.name, info.name.size());
    if (tensor_index_.count(info.name)) throw Error(msg::Core::gguf_tensor_repeated, file, info.name);
    const Message part(msg::Core::gguf_part_tensor, info.name);
    const std::uint32_t dims = cursor.read<std::uint32_t>(part);
    if (dims > kMaxDims) throw Error(msg::Core::gguf_tensor_dims, file, info.name, dims);
    std::int64_t numel = 1;
    bool overflow = false;
    for (std::uint32_t d = 0; d < dims; ++d) {
      const std::int64_t extent = cursor.read<std::int64_t>(part);
      if (extent < 0) throw Error(msg::Core::gguf_tensor_dim_negative, file, info.name, d, extent);
      if (extent > 0 && numel > INT64_MAX / extent) overflow = true;
      else numel *= extent;
      info.ggml_shape.push_back(extent);
    }
    if (overflow && numel != 0) throw Error(msg::Core::gguf_tensor_too_large, file, info.name);
    for (std::int64_t extent : info.ggml_shape) if (extent == 0) numel = 0;
    info.numel = numel;
    info.torch_shape.assign(info.ggml_shape.rbegin(), info.ggml_shape.rend());
    const std::uint32_t type_number = cursor.read<std::uint32_t>(part);
    info.type = static_cast<TensorType>(type_number);
    const TensorTypeTraits& traits = tensor_type_traits(info.type);
    if (traits.block_size <= 0 || !can_dequantize(info.type)) {
      if (std::strcmp(ggml_type_name(type_number), "unknown") == 0)
        throw Error(msg::Core::gguf_tensor_type_unknown, file, info.name, type_number);
      throw Error(msg::Core::gguf_tensor_type_unreadable, file, info.name, ggml_type_name(type_number));
    }
    const std::int64_t row = info.ggml_shape.empty() ? 1 : info.ggml_shape[0];
    if (row % traits.block_size != 0)
      throw Error(msg::Core::gguf_tensor_row_blocks, file, info.name, row, traits.block_size, traits.name);
    const std::uint64_t blocks = static_cast<std::uint64_t>(numel / traits.block_size);
    if (blocks > UINT64_MAX / 2 / traits.block_bytes) throw Error(msg::Core::gguf_tensor_too_large, file, info.name);
    info.nbytes = blocks * traits.block_bytes;
    info.offset = cursor.read<std::uint64_t>(part);
    if (info.offset != expected_offset) throw Error(msg::Core::gguf_tensor_offset, file, info.name, info.offset, expected_offset);
    if (padded(info.nbytes, alignment_) > UINT64_MAX / 2 - expected_offset)
      throw Error(msg::Core::gguf_tensor_too_large, file, info.name);
    expected_offset += padded(info.nbytes, alignment_);
    tensor_index_.emplace(info.name, tensors_.size());
    tensors_.push_back(std::move(info));
  }

  const std::uint64_t data_start = padded(cursor.position(), alignment_);
  data_ = base_ + (data_start <= size_ ? data_start : size_);
  for (const GgufTensorInfo& info : tensors_) {
    const std::uint64_t end = data_start + info.offset + info.nbytes;  // bounded above: no overflow
    if (end > size_) throw Error(msg::Core::gguf_tensor_past_end, file, info.name, end, size_);
  }
}

const GgufValue* GgufFile::find(const std::string& key) const {
  const auto found = key_index_.find(key);
  return found == key_index_.end() ? nullptr : &entries_[found->second].second;
}

const GgufTensorInfo* GgufFile::find_tensor(const std::string& name) const {
  const auto found = tensor_index_.find(name);
  return found == tensor_index_.end() ? nullptr : &tensors_[found->second];
}

namespace {

const GgufValue& require(const GgufFile& file, const std::string& key) {
  const GgufValue* value = file.find(key);
  if (!value) throw Error(msg::Core::gguf_key_missing, file.path(), key);
  return *value;
}

[[noreturn]] void wrong_type(const GgufFile& file, const std::string& key, const GgufValue& value, const char* expected) {
  throw Error(msg::Core::gguf_key_wrong_type, file.path(), key, type_text(value), expected);
}

}  // namespace

std::string GgufFile::get_string(const std::string& key) const {
  const GgufValue& value = require(*this, key);
  if (value.type != ValueType::string) wrong_type(*this, key, value, "string");
  return value.text;
}

std::int64_t GgufFile::get_integer(const std::string& key) const {
  const GgufValue& value = require(*this, key);
  if (!is_integer_type(value.type)) wrong_type(*this, key, value, "integer");
  return value.integer;
}

double GgufFile::get_real(const std::string& key) const {
  const GgufValue& value = require(*this, key);
  if (!is_integer_type(value.type) && value.type != ValueType::float32 && value.type != ValueType::float64)
    wrong_type(*this, key, value, "number");
  return value.real;
}

bool GgufFile::get_bool(const std::string& key) const {
  const GgufValue& value = require(*this, key);
  if (value.type != ValueType::boolean) wrong_type(*this, key, value, "bool");
  return value.boolean;
}

std::vector<std::string> GgufFile::get_string_array(const std::string& key) const {
  const GgufValue& value = require(*this, key);
  if (value.type != ValueType::array || value.element_type != ValueType::string)
    wrong_type(*this, key, value, "array of string");
  return value.strings;
}

std::vector<double> GgufFile::get_real_array(const std::string& key) const {
  const GgufValue& value = require(*this, key);
  if (value.type != ValueType::array) wrong_type(*this, key, value, "array of numbers");
  if (value.element_type == ValueType::float32 || value.element_type == ValueType::float64) return value.reals;
  if (!is_integer_type(value.element_type)) wrong_type(*this, key, value, "array of numbers");
  return std::vector<double>(value.integers.begin(), value.integers.end());
}

std::vector<std::int64_t> GgufFile::get_integer_array(const std::string& key) const {
  const GgufValue& value = require(*this, key);
  if (value.type != ValueType::array ||
      (!is_integer_type(value.element_type) && value.element_type != ValueType::boolean))
    wrong_type(*this, key, value, "array of integers");
  return value.integers;
}

std::optional<std::string> GgufFile::optional_string(const std::string& key) const {
  if (!contains(key)) return std::nullopt;
  return get_string(key);
}
std::optional<std::int64_t> GgufFile::optional_integer(const std::string& key) const {
  if (!contains(key)) return std::nullopt;
  return get_integer(key);
}
std::optional<double> GgufFile::optional_real(const std::string& key) const {
  if (!contains(key)) return std::nullopt;
  return get_real(key);
}
std::optional<bool> GgufFile::optional_bool(const std::string& key) const {
  if (!contains(key)) return std::nullopt;
  return get_bool(key);
}

void GgufFile::read_f32(const GgufTensorInfo& info, std::int64_t first, std::int64_t count, float* out) const {
  const TensorTypeTraits& traits = tensor_type_traits(info.type);
  if (first < 0 || count < 0 || first > info.numel || count > info.numel - first || first % traits.block_size != 0 ||
      count % traits.block_size != 0)
    throw Error(msg::Core::gguf_read_range, path_, info.name, first, first + count);
  const std::uint8_t* data = tensor_data(info) + static_cast<std::uint64_t>(first / traits.block_size) * traits.block_bytes;
  dequantize_rows(info.type, data, count, out);
}

}  // namespace lora::gguf
