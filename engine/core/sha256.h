#pragma once
// SHA-256 (FIPS 180-4), for the checksums in checkpoint manifests. Streaming: update() any number
// of times, then hex_digest() once.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace lora {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(const std::string& bytes) { update(bytes.data(), bytes.size()); }
  std::array<uint8_t, 32> digest();  // finishes the hash; update() after it is an error
  std::string hex_digest();          // 64 lowercase hex digits

 private:
  void compress(const uint8_t* block);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
  bool finished_ = false;
};

std::string sha256_hex(const std::string& bytes);
// Hashes a file in chunks (checkpoint files can be gigabytes). Throws lora::Error naming the file.
std::string sha256_file_hex(const std::string& path, uint64_t* size_out = nullptr);

}  // namespace lora
