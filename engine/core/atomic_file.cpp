#include "atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core_messages.h"
#include "error.h"

namespace lora {
namespace {

std::string folder_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Our words for the failures a person can act on; the system's own text for the rest.
MessageArg describe_errno(int error_number) {
  switch (error_number) {
    case ENOSPC: return Message(msg::Core::disk_full);
    case EDQUOT: return Message(msg::Core::disk_quota_exhausted);
    case EFBIG: return Message(msg::Core::file_too_large);
    case EACCES:
    case EPERM: return Message(msg::Core::permission_denied);
    case EROFS: return Message(msg::Core::file_system_read_only);
    case ENOENT: return Message(msg::Core::folder_missing);
    default: return std::string(std::strerror(error_number));
  }
}

std::atomic<unsigned> temp_counter{0};

}  // namespace

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path) {
  if (path.empty() || path.back() == '/') throw Error(msg::Core::not_a_file_path, path);
  const std::string folder = folder_of(path);
  // O_EXCL with our own unique name rather than mkstemp: the file is then created with mode
  // 0666 minus the umask, like any file the user writes, instead of mkstemp's 0600.
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = folder + "/." + base_name_of(path) + ".tmp-" + std::to_string(::getpid()) + "-" +
                 std::to_string(temp_counter.fetch_add(1));
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    if (errno != EEXIST) break;
  }
  const int error_number = errno;
  temp_path_.clear();
  throw Error(msg::Core::cannot_create_temporary_file, path_, folder, describe_errno(error_number));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) discard();
}

void AtomicFileWriter::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

void AtomicFileWriter::fail(const Message& what, int error_number) {
  discard();
  throw Error(msg::Core::write_failed_previous_kept, path_, what, describe_errno(error_number));
}

void AtomicFileWriter::write(const void* data, size_t size) {
  if (fd_ < 0) throw Error(msg::Core::write_after_commit, path_);
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    // Linux writes at most ~2 GiB per call; larger tensors go in chunks.
    const size_t chunk = size < (size_t(1) << 30) ? size : (size_t(1) << 30);
    const ssize_t written = ::write(fd_, bytes, chunk);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(msg::Core::cannot_write, errno);
    }
    if (written == 0) fail(msg::Core::cannot_write, ENOSPC);
    bytes += written;
    size -= static_cast<size_t>(written);
  }
}

void AtomicFileWriter::commit() {
  if (fd_ < 0) throw Error(msg::Core::commit_after_commit, path_);
  // fsync before rename: otherwise a crash can leave the new name pointing at empty blocks.
  if (::fsync(fd_) != 0) fail(msg::Core::cannot_flush_to_disk, errno);
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail(msg::Core::cannot_close, errno);
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) fail(msg::Core::cannot_move_into_place, errno);
  committed_ = true;
  temp_path_.clear();
  sync_folder(folder_of(path_));  // persist the rename itself
}

void sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  AtomicFileWriter writer(path);
  writer.write(bytes);
  writer.commit();
}

std::string read_text_file(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    const int error_number = errno;
    if (error_number == ENOENT) throw Error(msg::Core::cannot_read_file, path, Message(msg::Core::no_such_file));
    throw Error(msg::Core::cannot_read_file, path, std::strerror(error_number));
  }
  if (S_ISDIR(info.st_mode)) throw Error(msg::Core::path_is_folder, path);
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw Error(msg::Core::cannot_open_for_reading, path, std::strerror(errno));
  std::ostringstream contents;
  contents << stream.rdbuf();
  if (stream.bad()) throw Error(msg::Core::read_error, path);
  return contents.str();
}

}  // namespace lora
