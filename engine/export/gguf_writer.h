#pragma once
// Writing GGUF v3 files (the format llama.cpp, Ollama and LM Studio read), streaming: the
// metadata and the tensor table are kept in memory (small), the tensor data is asked for one
// tensor at a time while the file is written, so an export never holds the whole model.
//
// Layout (ggml's gguf.cpp): "GGUF", version 3, tensor count, key/value count, the key/values,
// the tensor infos (name, dims in ggml order = torch order reversed, type, offset relative to the
// data section), padding to the alignment, then each tensor's bytes padded to the alignment.
// The file appears under its name only when complete (AtomicFileWriter); a failure, a full disk or
// a cancel leaves no file under that name.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gguf_types.h"

namespace lora::gguf {

// TensorType, tensor_type_traits, row_bytes, tensor_bytes, ValueType, kDefaultAlignment: gguf_types.h
// (core), shared with the reader.

// Receives a tensor's bytes; may be called many times per tensor (row by row, chunk by chunk).
using ByteSink = std::function<void(const void* data, std::size_t size)>;
// Produces one tensor's bytes, already encoded in the tensor's type, by calling the sink. Called
// once, in table order, while the file is written; the writer checks the total size.
using TensorProducer = std::function<void(const ByteSink& sink)>;

struct WriteCallbacks {
  // Called between chunks; returning true stops the export (Error msg::Export::cancelled, no file).
  std::function<bool()> cancelled;
  // bytes written so far and the final file size; after each tensor (and at the start).
  std::function<void(std::uint64_t done, std::uint64_t total, const std::string& tensor_name)> progress;
};

class GgufWriter {
 public:
  GgufWriter();
  ~GgufWriter();
  GgufWriter(const GgufWriter&) = delete;
  GgufWriter& operator=(const GgufWriter&) = delete;

  // Key/values, written in the order they are added. A key added twice throws lora::Error.
  void add_uint8(const std::string& key, std::uint8_t value);
  void add_int8(const std::string& key, std::int8_t value);
  void add_uint16(const std::string& key, std::uint16_t value);
  void add_int16(const std::string& key, std::int16_t value);
  void add_uint32(const std::string& key, std::uint32_t value);
  void add_int32(const std::string& key, std::int32_t value);
  void add_uint64(const std::string& key, std::uint64_t value);
  void add_int64(const std::string& key, std::int64_t value);
  void add_float32(const std::string& key, float value);
  void add_float64(const std::string& key, double value);
  void add_bool(const std::string& key, bool value);
  void add_string(const std::string& key, const std::string& value);
  void add_string_array(const std::string& key, const std::vector<std::string>& values);
  void add_int32_array(const std::string& key, const std::vector<std::int32_t>& values);
  void add_uint32_array(const std::string& key, const std::vector<std::uint32_t>& values);
  void add_float32_array(const std::string& key, const std::vector<float>& values);
  bool has_key(const std::string& key) const;

  // general.alignment is written (as uint32) only when it differs from 32, as gguf-py does.
  void set_alignment(std::uint32_t alignment);

  // A tensor: torch_shape in torch order (outermost first); the file stores it reversed (ggml's
  // ne[0] = the row length = torch's last dimension). A name added twice throws lora::Error.
  void add_tensor(const std::string& name, const std::vector<std::int64_t>& torch_shape, TensorType type,
                  TensorProducer producer);
  std::size_t tensor_count() const;

  // The size the file will have (header + padding + data).
  std::uint64_t file_size() const;

  // Writes everything to `path` atomically. Throws lora::Error (naming `path`) on failure, on a
  // producer giving the wrong number of bytes, or when cancelled. Call once.
  void write(const std::string& path, const WriteCallbacks& callbacks = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lora::gguf
