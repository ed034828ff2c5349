#pragma once
// Shared by the fuzz targets: a scratch folder per process for parsers that read files by path,
// and the one rule every target enforces — bad input may only ever surface as lora::Error.
// Anything else (another exception type, a crash, an out-of-bounds access, undefined behaviour,
// an allocation beyond ASan's limit) is a finding: libFuzzer stops and saves the input.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fuzz {

// /dev/shm when it exists (no disk I/O per execution), else TMPDIR.
inline const std::string& scratch_dir() {
  // Never destroyed: the exit handler below runs after static destructors would have freed it.
  static const std::string& dir = *new std::string([] {
    std::string base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path().string();
    std::string path = base + "/lora-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(path);
    // Removed at exit (libFuzzer exits through exit() after -max_total_time / -runs).
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(scratch_dir(), ec); });
    return path;
  }());
  return dir;
}

inline std::string write_scratch_file(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

inline std::string write_scratch_file(const std::string& name, const std::string& bytes) {
  return write_scratch_file(name, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

// Seed files shipped in fuzz/corpus (the fuzzers that need a fixed companion file read it here).
inline std::string corpus_file(const std::string& relative) {
  return std::string(LORA_FUZZ_CORPUS_DIR) + "/" + relative;
}

// Touches every byte of [data, data + size) so ASan sees an out-of-bounds range.
inline uint8_t touch(const uint8_t* data, size_t size) {
  uint8_t sum = 0;
  for (size_t i = 0; i < size; ++i) sum = static_cast<uint8_t>(sum + data[i]);
  return sum;
}

}  // namespace fuzz
