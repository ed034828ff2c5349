#pragma once
// Writing files so that a crash or a full disk never leaves a half-written file behind:
// the bytes go to a temporary file in the same folder, are fsync'ed, then renamed over the target.
#include <cstddef>
#include <string>

#include "message.h"

namespace lora {

// Streams a file into place. The constructor creates "<folder>/.<name>.tmp-<pid>-<n>"; write() appends;
// commit() fsyncs, renames it over `path` and fsyncs the folder. Destroyed without commit() (an
// exception midway, a failed write), it removes the temporary file and `path` keeps its old contents.
// Every failure throws lora::Error naming `path` and the cause (read-only folder, disk full, ...).
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);
  void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  [[noreturn]] void fail(const Message& what, int error_number);
  void discard() noexcept;
  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

void write_file_atomically(const std::string& path, const std::string& bytes);
// fsyncs a folder, so renames into it survive a crash. Best effort: failing loses nothing visible.
void sync_folder(const std::string& folder);
std::string read_text_file(const std::string& path);  // throws lora::Error naming the file

}  // namespace lora
