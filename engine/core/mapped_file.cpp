#include "mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core_messages.h"
#include "error.h"

namespace lora {

MappedFile MappedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error_number = errno;
    if (error_number == ENOENT) throw Error(msg::Core::cannot_open_file, path, Message(msg::Core::no_such_file));
    throw Error(msg::Core::cannot_open_file, path, std::strerror(error_number));
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    const int error_number = errno;
    ::close(fd);
    throw Error(msg::Core::cannot_read_size, path, std::strerror(error_number));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    throw Error(msg::Core::not_a_regular_file, path);
  }
  MappedFile file;
  file.size_ = static_cast<std::uint64_t>(info.st_size);
  if (file.size_ > 0) {
    // Private and read-only: nothing is ever written through it, so released pages come back
    // unchanged from the file.
    void* mapping = ::mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) {
      const int error_number = errno;
      ::close(fd);
      throw Error(msg::Core::cannot_memory_map, path, std::strerror(error_number));
    }
    file.mapping_ = mapping;
    file.data_ = static_cast<const std::uint8_t*>(mapping);
  }
  ::close(fd);  // the mapping stays valid without the descriptor
  return file;
}

MappedFile MappedFile::from_bytes(std::string bytes) {
  MappedFile file;
  file.owned_ = std::move(bytes);
  file.data_ = reinterpret_cast<const std::uint8_t*>(file.owned_.data());
  file.size_ = file.owned_.size();
  return file;
}

MappedFile::~MappedFile() { reset(); }

void MappedFile::reset() {
  if (mapping_) ::munmap(mapping_, size_);
  mapping_ = nullptr;
  data_ = nullptr;
  size_ = 0;
  owned_.clear();
}

MappedFile::MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this == &other) return *this;
  reset();
  mapping_ = std::exchange(other.mapping_, nullptr);
  size_ = std::exchange(other.size_, 0);
  // A moved std::string may keep short contents in place: point at our own copy.
  const bool owned = other.data_ != nullptr && !mapping_;
  owned_ = std::move(other.owned_);
  data_ = owned ? reinterpret_cast<const std::uint8_t*>(owned_.data()) : static_cast<const std::uint8_t*>(mapping_);
  other.data_ = nullptr;
  other.owned_.clear();
  return *this;
}

void MappedFile::release(std::uint64_t offset, std::uint64_t length) const {
  if (!mapping_ || length == 0 || offset >= size_) return;
  if (length > size_ - offset) length = size_ - offset;
  // Whole pages around the range: a page it shares with a neighbouring tensor is only read again
  // from the page cache if that tensor is read later.
  static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t begin = offset / page * page;
  const std::uint64_t end = std::min<std::uint64_t>((offset + length + page - 1) / page * page, (size_ + page - 1) / page * page);
  // MADV_DONTNEED on a private, never-written file mapping drops the pages from this process; a
  // failure only leaves them resident, which is harmless.
  ::madvise(static_cast<std::uint8_t*>(mapping_) + begin, end - begin, MADV_DONTNEED);
}

}  // namespace lora
