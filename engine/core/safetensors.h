#pragma once
// safetensors reading (memory-mapped, validated exactly as the reference loader does)
// and streaming atomic writing. Plain C++: no libtorch here, so the parser can be fuzzed alone.
// Byte layout: huggingface/safetensors (docs and safetensors/src/tensor.rs).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dtype.h"
#include "mapped_file.h"

namespace lora {

class AtomicFileWriter;

// The reference loader's limit on the JSON header.
constexpr uint64_t kMaxSafetensorsHeaderBytes = 100000000;

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // offsets relative to the start of the data buffer, end exclusive
  uint64_t end = 0;
  int64_t numel() const;
  uint64_t nbytes() const { return end - begin; }
};

// A validated, memory-mapped .safetensors file. Throws lora::Error naming the file and,
// where it applies, the tensor. Validation follows huggingface/safetensors' loader:
// 8-byte little-endian header length N <= 100,000,000 and N + 8 <= file size; the header is
// UTF-8 JSON (whitespace around it allowed), an object of tensor entries
// {"dtype", "shape": [non-negative ints], "data_offsets": [begin, end]} plus an optional
// "__metadata__" string->string map; known dtypes; sorted by offsets the entries tile the data
// buffer from 0 with no hole or overlap; element count x dtype size (overflow-checked) equals
// end - begin; the last tensor ends exactly at the end of the file. Stricter than the reference:
// a key repeated in any JSON object of the header is an error (serde silently keeps one).
class SafetensorsFile {
 public:
  static std::shared_ptr<SafetensorsFile> open(const std::string& path);
  // Validates a file image already in memory (used by open() and by the fuzzer).
  static std::shared_ptr<SafetensorsFile> from_bytes(std::string bytes, const std::string& name);
  ~SafetensorsFile();

  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }  // in data-buffer order
  const TensorInfo* find(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const uint8_t* data(const TensorInfo& info) const { return data_ + info.begin; }
  uint64_t file_size() const { return size_; }
  bool is_mapped() const { return bytes_.is_mapped(); }
  // Drops the resident pages of a tensor whose bytes have been copied out (MappedFile::release):
  // what keeps a model's load from holding the whole file beside its copies. Still readable after.
  void release(const TensorInfo& info) const { release(info, 0, info.nbytes()); }
  // The same for bytes [offset, offset + length) of the tensor.
  void release(const TensorInfo& info, uint64_t offset, uint64_t length) const {
    bytes_.release(static_cast<uint64_t>(data_ - base_) + info.begin + offset, length);
  }

 private:
  // Takes the file image and validates it (parse()).
  SafetensorsFile(std::string name, MappedFile bytes);
  void parse();
  std::string path_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
  const uint8_t* base_ = nullptr;  // start of the file image
  const uint8_t* data_ = nullptr;  // start of the data buffer
  uint64_t size_ = 0;
  MappedFile bytes_;
};

// One tensor of a file being written: where it goes in the header. Its bytes come later.
struct SafetensorsEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
};

// Writes a .safetensors file tensor by tensor, so a file larger than memory can be produced
// (the merge computes each tensor only when its bytes are due). Atomic: the bytes go to a
// temporary file in the same folder, which commit() fsyncs and renames over `path`; destroyed
// without commit() (an exception midway) the writer removes it and `path` keeps its contents.
//
// The layout is the format's, byte for byte as the reference serializer writes it: 8-byte
// little-endian header length; compact JSON header with "__metadata__" first (omitted when
// `metadata` is empty), then each tensor's {"dtype","shape","data_offsets"} in the order given;
// the header padded with spaces to a multiple of 8, so the data buffer starts 8-byte aligned;
// the tensors' bytes contiguous in that order. (The reference additionally sorts tensors by
// descending dtype size, then by name; pass them in that order to get byte-identical files.)
class SafetensorsWriter {
 public:
  // Lays out the header and starts the file. Throws lora::Error naming `path` (and the tensor)
  // before anything is created for a tensor named "__metadata__", a duplicate name, a negative
  // or overflowing shape, a name or metadata that is not UTF-8, or a header above the 100 MB
  // readers accept; and for a file that cannot be created.
  SafetensorsWriter(const std::string& path, std::vector<SafetensorsEntry> tensors,
                    const std::map<std::string, std::string>& metadata = {{"format", "pt"}});
  ~SafetensorsWriter();
  SafetensorsWriter(const SafetensorsWriter&) = delete;
  SafetensorsWriter& operator=(const SafetensorsWriter&) = delete;

  // The header exactly as the constructor would write it, padding included (length prefix not):
  // for checking its size while planning. Throws as the constructor does.
  static std::string header(const std::string& path, const std::vector<SafetensorsEntry>& tensors,
                            const std::map<std::string, std::string>& metadata = {{"format", "pt"}});
  // Bytes of a tensor of `dtype` and `shape`; throws naming `path` and `name` for a negative or
  // overflowing shape.
  static uint64_t tensor_bytes(const std::string& path, const std::string& name, DType dtype,
                               const std::vector<int64_t>& shape);

  // The next tensor still to write (null when all are written), and its size in bytes.
  const SafetensorsEntry* next() const { return next_ < tensors_.size() ? &tensors_[next_] : nullptr; }
  uint64_t next_bytes() const { return next_ < sizes_.size() ? sizes_[next_] : 0; }
  // Appends the next tensor's bytes. Throws naming the tensor when `nbytes` is not its size, or
  // when every tensor has been written.
  void write_next(const void* data, uint64_t nbytes);
  // Moves the file into place; throws naming the first tensor not yet written.
  void commit();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<SafetensorsEntry> tensors_;
  std::vector<uint64_t> sizes_;
  size_t next_ = 0;
  std::unique_ptr<AtomicFileWriter> file_;
};

// A whole tensor in memory, for write_safetensors.
struct TensorToWrite {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t nbytes = 0;
};

// Writes tensors that are all in memory, in the given order, through SafetensorsWriter. Throws
// lora::Error as SafetensorsWriter does, and for data whose size does not match dtype x shape.
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

}  // namespace lora
