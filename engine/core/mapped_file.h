#pragma once
// A file's bytes, read-only: memory-mapped from disk (pages load lazily as they are touched), or a
// copy already in memory (for tests and the fuzzers). What SafetensorsFile and gguf::GgufFile read.
#include <cstdint>
#include <string>

namespace lora {

class MappedFile {
 public:
  MappedFile() = default;
  // Maps `path` (an empty file maps to no bytes). Throws lora::Error naming the file when it is
  // missing, unreadable, not a regular file or cannot be mapped.
  static MappedFile open(const std::string& path);
  static MappedFile from_bytes(std::string bytes);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::uint8_t* data() const { return data_; }
  std::uint64_t size() const { return size_; }
  bool is_mapped() const { return mapping_ != nullptr; }  // from disk, not a copy in memory

  // Gives back the resident pages that cover bytes [offset, offset + length) of a mapped file: the
  // caller has copied (or converted) them and will not read them again soon. Touched pages of a
  // mapping count in the process's resident set until it is unmapped; loading a model would
  // otherwise hold the whole checkpoint beside the copies made of it. The bytes stay readable (a
  // later read pages them in again from the file, usually from the page cache). Nothing happens for
  // bytes held in memory.
  void release(std::uint64_t offset, std::uint64_t length) const;

 private:
  void reset();
  const std::uint8_t* data_ = nullptr;
  std::uint64_t size_ = 0;
  void* mapping_ = nullptr;
  std::string owned_;
};

}  // namespace lora
