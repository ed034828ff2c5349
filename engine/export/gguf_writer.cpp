#include "gguf_writer.h"

#include <cstring>
#include <set>
#include <sstream>

#include "atomic_file.h"
#include "error.h"
#include "export_messages.h"

namespace lora::gguf {
namespace {

// Appends little-endian values to a byte string (GGUF is little-endian; so is every host we build for).
class ByteBuilder {
 public:
  template <class T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const size_t at = bytes_.size();
    bytes_.resize(at + sizeof(T));
    std::memcpy(bytes_.data() + at, &value, sizeof(T));
  }
  void put_string(const std::string& text) {
    put<std::uint64_t>(text.size());
    bytes_ += text;
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

std::uint64_t aligned(std::uint64_t offset, std::uint64_t alignment) {
  return (offset + alignment - 1) / alignment * alignment;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::ostringstream text;
  for (size_t i = 0; i < shape.size(); ++i) text << (i ? ", " : "") << shape[i];
  return text.str();
}

// Collects small writes into large ones: a tensor arrives row by row, the disk wants megabytes.
class BufferedFile {
 public:
  explicit BufferedFile(AtomicFileWriter& file) : file_(file) { buffer_.reserve(kCapacity); }
  void write(const void* data, size_t size) {
    if (buffer_.size() + size > kCapacity) flush();
    if (size >= kCapacity) {
      file_.write(data, size);
    } else {
      buffer_.append(static_cast<const char*>(data), size);
    }
    written_ += size;
  }
  void pad_to(std::uint64_t alignment) {
    static const char zeros[256] = {};
    std::uint64_t padding = aligned(written_, alignment) - written_;
    while (padding > 0) {
      const size_t chunk = padding < sizeof(zeros) ? size_t(padding) : sizeof(zeros);
      write(zeros, chunk);
      padding -= chunk;
    }
  }
  void flush() {
    if (buffer_.empty()) return;
    file_.write(buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  std::uint64_t written() const { return written_; }

 private:
  static constexpr size_t kCapacity = size_t(8) << 20;
  AtomicFileWriter& file_;
  std::string buffer_;
  std::uint64_t written_ = 0;
};

}  // namespace

struct GgufWriter::Impl {
  struct Tensor {
    std::string name;
    std::vector<std::int64_t> torch_shape;
    TensorType type;
    TensorProducer producer;
    std::uint64_t offset = 0;  // relative to the data section
    std::uint64_t size = 0;
  };
  ByteBuilder metadata;  // the key/values, already encoded
  std::uint64_t kv_count = 0;
  std::set<std::string> keys;
  std::set<std::string> tensor_names;
  std::vector<Tensor> tensors;
  std::uint32_t alignment = kDefaultAlignment;
  bool alignment_written = false;
  bool written = false;

  void begin_key(const std::string& key, ValueType type) {
    if (!keys.insert(key).second) throw Error(msg::Export::gguf_duplicate_key, key);
    metadata.put_string(key);
    metadata.put<std::uint32_t>(static_cast<std::uint32_t>(type));
    ++kv_count;
  }
  template <class T>
  void add_scalar(const std::string& key, ValueType type, T value) {
    begin_key(key, type);
    metadata.put<T>(value);
  }
  template <class T>
  void add_array(const std::string& key, ValueType element_type, const std::vector<T>& values) {
    begin_key(key, ValueType::array);
    metadata.put<std::uint32_t>(static_cast<std::uint32_t>(element_type));
    metadata.put<std::uint64_t>(values.size());
    for (const T& value : values) metadata.put<T>(value);
  }

  // The header and tensor table, with offsets assigned.
  std::string header() {
    if (alignment != kDefaultAlignment && !alignment_written) {
      add_scalar<std::uint32_t>("general.alignment", ValueType::uint32, alignment);
      alignment_written = true;
    }
    ByteBuilder out;
    out.put<std::uint32_t>(0x46554747u);  // "GGUF"
    out.put<std::uint32_t>(3);
    out.put<std::uint64_t>(tensors.size());
    out.put<std::uint64_t>(kv_count);
    out.bytes() += metadata.bytes();
    std::uint64_t offset = 0;
    for (Tensor& tensor : tensors) {
      tensor.offset = offset;
      tensor.size = tensor_bytes(tensor.type, tensor.torch_shape);
      offset = aligned(offset + tensor.size, alignment);
      out.put_string(tensor.name);
      out.put<std::uint32_t>(static_cast<std::uint32_t>(tensor.torch_shape.size()));
      for (auto dim = tensor.torch_shape.rbegin(); dim != tensor.torch_shape.rend(); ++dim)
        out.put<std::uint64_t>(static_cast<std::uint64_t>(*dim));
      out.put<std::uint32_t>(static_cast<std::uint32_t>(tensor.type));
      out.put<std::uint64_t>(tensor.offset);
    }
    return std::move(out.bytes());
  }
};

GgufWriter::GgufWriter() : impl_(std::make_unique<Impl>()) {}
GgufWriter::~GgufWriter() = default;

void GgufWriter::add_uint8(const std::string& key, std::uint8_t value) { impl_->add_scalar(key, ValueType::uint8, value); }
void GgufWriter::add_int8(const std::string& key, std::int8_t value) { impl_->add_scalar(key, ValueType::int8, value); }
void GgufWriter::add_uint16(const std::string& key, std::uint16_t value) { impl_->add_scalar(key, ValueType::uint16, value); }
void GgufWriter::add_int16(const std::string& key, std::int16_t value) { impl_->add_scalar(key, ValueType::int16, value); }
void GgufWriter::add_uint32(const std::string& key, std::uint32_t value) { impl_->add_scalar(key, ValueType::uint32, value); }
void GgufWriter::add_int32(const std::string& key, std::int32_t value) { impl_->add_scalar(key, ValueType::int32, value); }
void GgufWriter::add_uint64(const std::string& key, std::uint64_t value) { impl_->add_scalar(key, ValueType::uint64, value); }
void GgufWriter::add_int64(const std::string& key, std::int64_t value) { impl_->add_scalar(key, ValueType::int64, value); }
void GgufWriter::add_float32(const std::string& key, float value) { impl_->add_scalar(key, ValueType::float32, value); }
void GgufWriter::add_float64(const std::string& key, double value) { impl_->add_scalar(key, ValueType::float64, value); }
void GgufWriter::add_bool(const std::string& key, bool value) {
  impl_->add_scalar<std::uint8_t>(key, ValueType::boolean, value ? 1 : 0);
}
void GgufWriter::add_string(const std::string& key, const std::string& value) {
  impl_->begin_key(key, ValueType::string);
  impl_->metadata.put_string(value);
}
void GgufWriter::add_string_array(const std::string& key, const std::vector<std::string>& values) {
  impl_->begin_key(key, ValueType::array);
  impl_->metadata.put<std::uint32_t>(static_cast<std::uint32_t>(ValueType::string));
  impl_->metadata.put<std::uint64_t>(values.size());
  for (const std::string& value : values) impl_->metadata.put_string(value);
}
void GgufWriter::add_int32_array(const std::string& key, const std::vector<std::int32_t>& values) {
  impl_->add_array(key, ValueType::int32, values);
}
void GgufWriter::add_uint32_array(const std::string& key, const std::vector<std::uint32_t>& values) {
  impl_->add_array(key, ValueType::uint32, values);
}
void GgufWriter::add_float32_array(const std::string& key, const std::vector<float>& values) {
  impl_->add_array(key, ValueType::float32, values);
}
bool GgufWriter::has_key(const std::string& key) const { return impl_->keys.count(key) > 0; }

void GgufWriter::set_alignment(std::uint32_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    throw Error(msg::Export::gguf_bad_alignment, std::to_string(alignment));
  impl_->alignment = alignment;
}

void GgufWriter::add_tensor(const std::string& name, const std::vector<std::int64_t>& torch_shape, TensorType type,
                            TensorProducer producer) {
  if (!impl_->tensor_names.insert(name).second) throw Error(msg::Export::gguf_duplicate_tensor, name);
  const TensorTypeTraits& traits = tensor_type_traits(type);
  const std::int64_t row = torch_shape.empty() ? 1 : torch_shape.back();
  if (traits.block_size <= 0 || row % traits.block_size != 0)
    throw Error(msg::Export::gguf_bad_tensor_shape, name, shape_text(torch_shape), traits.name,
                std::to_string(traits.block_size));
  impl_->tensors.push_back({name, torch_shape, type, std::move(producer)});
}

std::size_t GgufWriter::tensor_count() const { return impl_->tensors.size(); }

std::uint64_t GgufWriter::file_size() const {
  // header() assigns offsets and may add general.alignment; computing it twice is harmless
  // because the alignment key is added only once.
  const std::uint64_t header_size = aligned(impl_->header().size(), impl_->alignment);
  if (impl_->tensors.empty()) return header_size;
  const Impl::Tensor& last = impl_->tensors.back();
  return header_size + aligned(last.offset + last.size, impl_->alignment);
}

void GgufWriter::write(const std::string& path, const WriteCallbacks& callbacks) {
  if (impl_->written) throw Error(msg::Export::gguf_written_twice, path);
  impl_->written = true;
  const std::uint64_t total = file_size();
  auto check_cancel = [&] {
    if (callbacks.cancelled && callbacks.cancelled()) throw Error(msg::Export::cancelled, path);
  };
  check_cancel();
  AtomicFileWriter file(path);
  BufferedFile out(file);
  const std::string header = impl_->header();
  out.write(header.data(), header.size());
  out.pad_to(impl_->alignment);
  if (callbacks.progress) callbacks.progress(out.written(), total, std::string());
  for (Impl::Tensor& tensor : impl_->tensors) {
    check_cancel();
    std::uint64_t produced = 0;
    tensor.producer([&](const void* data, std::size_t size) {
      produced += size;
      if (produced > tensor.size)
        throw Error(msg::Export::gguf_producer_size, path, tensor.name, std::to_string(produced),
                    std::to_string(tensor.size));
      out.write(data, size);
      check_cancel();
    });
    if (produced != tensor.size)
      throw Error(msg::Export::gguf_producer_size, path, tensor.name, std::to_string(produced),
                  std::to_string(tensor.size));
    out.pad_to(impl_->alignment);
    tensor.producer = nullptr;  // free whatever the producer captured
    if (callbacks.progress) callbacks.progress(out.written(), total, tensor.name);
  }
  out.flush();
  check_cancel();
  file.commit();
}

}  // namespace lora::gguf
