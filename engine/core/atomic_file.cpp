#include "atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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

std::string describe_errno(int error_number) {
  switch (error_number) {
    case ENOSPC: return "the disk is full (No space left on device)";
    case EDQUOT: return "the disk quota is exhausted";
    case EFBIG: return "the file is larger than this process may write (File too large)";
    case EACCES:
    case EPERM: return "permission denied (is the folder read-only?)";
    case EROFS: return "the file system is read-only";
    case ENOENT: return "the folder does not exist";
    default: return std::strerror(error_number);
  }
}

std::atomic<unsigned> temp_counter{0};

}  // namespace

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path) {
  if (path.empty() || path.back() == '/') throw Error("'" + path + "': not a file path");
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
  throw Error(path_ + ": cannot create a temporary file in " + folder + " to write it: " +
              describe_errno(error_number));
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

void AtomicFileWriter::fail(const std::string& what, int error_number) {
  discard();
  throw Error(path_ + ": " + what + ": " + describe_errno(error_number) + "; the previous file, if any, is unchanged");
}

void AtomicFileWriter::write(const void* data, size_t size) {
  if (fd_ < 0) throw Error(path_ + ": write after the file was committed or abandoned");
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    // Linux writes at most ~2 GiB per call; larger tensors go in chunks.
    const size_t chunk = size < (size_t(1) << 30) ? size : (size_t(1) << 30);
    const ssize_t written = ::write(fd_, bytes, chunk);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", errno);
    }
    if (written == 0) fail("cannot write", ENOSPC);
    bytes += written;
    size -= static_cast<size_t>(written);
  }
}

void AtomicFileWriter::commit() {
  if (fd_ < 0) throw Error(path_ + ": commit after the file was committed or abandoned");
  // fsync before rename: otherwise a crash can leave the new name pointing at empty blocks.
  if (::fsync(fd_) != 0) fail("cannot flush to disk", errno);
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail("cannot close", errno);
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) fail("cannot move the new file into place", errno);
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
    throw Error(path + ": cannot read: " +
                (error_number == ENOENT ? std::string("no such file") : std::string(std::strerror(error_number))));
  }
  if (S_ISDIR(info.st_mode)) throw Error(path + ": is a folder, expected a file");
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw Error(path + ": cannot open for reading: " + std::strerror(errno));
  std::ostringstream contents;
  contents << stream.rdbuf();
  if (stream.bad()) throw Error(path + ": read error");
  return contents.str();
}

}  // namespace lora
