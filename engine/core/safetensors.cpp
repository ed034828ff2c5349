#include "safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "atomic_file.h"
#include "core_messages.h"
#include "error.h"
#include "json_reader.h"
#include "shape_text.h"
#include "utf8_validation.h"

namespace lora {
namespace {

using nlohmann::json;

std::string offsets_text(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// A JSON value shown in an error message, cut short so a hostile header cannot flood the terminal.
std::string excerpt(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

// The header must be UTF-8 as Rust's str::from_utf8 checks it.
using unicode::first_invalid_utf8;

// Reads a JSON integer that must be >= 0 and fit `limit`; false otherwise.
bool read_count(const json& value, uint64_t limit, uint64_t* out) {
  if (value.is_number_unsigned()) {
    *out = value.get<uint64_t>();
  } else if (value.is_number_integer()) {
    const int64_t signed_value = value.get<int64_t>();
    if (signed_value < 0) return false;
    *out = static_cast<uint64_t>(signed_value);
  } else {
    return false;
  }
  return *out <= limit;
}

// The header parser keeps only the last of repeated keys; this records the first repetition so
// it can be refused. `owner` is the key under which the repeating object sits.
struct DuplicateKeyFinder {
  struct Level {
    std::set<std::string> keys;
    std::string last_key;
  };
  std::vector<Level> levels;
  bool found = false;
  size_t depth = 0;  // 1 = the header object itself
  std::string key, owner;

  bool on_event(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: levels.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!levels.empty()) levels.pop_back();
        break;
      case json::parse_event_t::key:
        if (!levels.empty()) {
          const std::string name = parsed.get<std::string>();
          if (!levels.back().keys.insert(name).second && !found) {
            found = true;
            depth = levels.size();
            key = name;
            owner = levels.size() >= 2 ? levels[levels.size() - 2].last_key : std::string();
          }
          levels.back().last_key = name;
        }
        break;
      default: break;
    }
    return true;
  }
};

}  // namespace

int64_t TensorInfo::numel() const {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;  // validated against overflow when the file was opened
  return count;
}

SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile::SafetensorsFile(std::string name, MappedFile bytes) : path_(std::move(name)), bytes_(std::move(bytes)) {
  base_ = bytes_.data();  // after the move: an in-memory image may move with its owner
  size_ = bytes_.size();
  parse();
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  // Tensors are copied out on demand; pages load lazily.
  return std::shared_ptr<SafetensorsFile>(new SafetensorsFile(path, MappedFile::open(path)));
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::from_bytes(std::string bytes, const std::string& name) {
  return std::shared_ptr<SafetensorsFile>(new SafetensorsFile(name, MappedFile::from_bytes(std::move(bytes))));
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

void SafetensorsFile::parse() {
  const std::string& file = path_;
  if (size_ < 8)
    throw Error(msg::Core::safetensors_too_short, file, size_);
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | base_[i];
  if (header_length > kMaxSafetensorsHeaderBytes)
    throw Error(msg::Core::safetensors_header_over_limit, file, header_length, kMaxSafetensorsHeaderBytes);
  if (header_length > size_ - 8)
    throw Error(msg::Core::safetensors_header_past_end, file, header_length, header_length, size_);

  const uint8_t* header_bytes = base_ + 8;
  const size_t bad_byte = first_invalid_utf8(header_bytes, header_length);
  if (bad_byte != std::string::npos) {
    static const char* hex = "0123456789abcdef";
    const uint8_t value = header_bytes[bad_byte];
    throw Error(msg::Core::safetensors_header_not_utf8, file, std::string{hex[value >> 4], hex[value & 15]}, bad_byte);
  }

  DuplicateKeyFinder duplicates;
  json header;
  try {
    header = json::parse(header_bytes, header_bytes + header_length,
                         [&duplicates](int, json::parse_event_t event, json& parsed) {
                           return duplicates.on_event(event, parsed);
                         });
  } catch (const json::exception& error) {
    // nlohmann's text starts with "[json.exception.parse_error.101] parse error at ..."; drop the tag.
    std::string reason = error.what();
    const size_t tag_end = reason.find("] ");
    if (tag_end != std::string::npos) reason = reason.substr(tag_end + 2);
    throw Error(msg::Core::safetensors_header_not_json, file, reason);
  }
  if (duplicates.found) {
    if (duplicates.depth == 1)
      throw Error(msg::Core::safetensors_duplicate_tensor, file, duplicates.key);
    if (duplicates.owner == "__metadata__")
      throw Error(msg::Core::safetensors_duplicate_metadata_key, file, duplicates.key);
    throw Error(msg::Core::safetensors_duplicate_field, file, duplicates.owner, duplicates.key);
  }
  if (!header.is_object())
    throw Error(msg::Core::safetensors_header_not_object, file, describe_json(header));

  std::vector<TensorInfo> tensors;
  tensors.reserve(header.size());
  for (auto item = header.begin(); item != header.end(); ++item) {
    const std::string& name = item.key();
    const json& value = item.value();
    if (name == "__metadata__") {
      if (value.is_null()) continue;
      if (!value.is_object())
        throw Error(msg::Core::safetensors_metadata_not_object, file, describe_json(value));
      for (auto field = value.begin(); field != value.end(); ++field) {
        if (!field.value().is_string())
          throw Error(msg::Core::safetensors_metadata_value_not_string, file, field.key(),
                      describe_json(field.value()));
        metadata_[field.key()] = field.value().get<std::string>();
      }
      continue;
    }
    if (!value.is_object()) throw Error(msg::Core::safetensors_entry_not_object, file, name, describe_json(value));
    for (const char* field : {"dtype", "shape", "data_offsets"})
      if (!value.contains(field)) throw Error(msg::Core::safetensors_entry_field_missing, file, name, field);

    TensorInfo info;
    info.name = name;
    const json& dtype = value["dtype"];
    if (!dtype.is_string())
      throw Error(msg::Core::safetensors_dtype_not_string, file, name, describe_json(dtype));
    const std::string dtype_text = dtype.get<std::string>();
    if (!parse_dtype(dtype_text, &info.dtype)) {
      if (dtype_text == "F4" || dtype_text == "F6_E2M3" || dtype_text == "F6_E3M2")
        throw Error(msg::Core::safetensors_packed_dtype, file, name, dtype_text);
      throw Error(msg::Core::safetensors_unknown_dtype, file, name, dtype_text, dtype_name_list());
    }

    const json& shape = value["shape"];
    if (!shape.is_array())
      throw Error(msg::Core::safetensors_shape_not_array, file, name, describe_json(shape));
    for (const json& dim : shape) {
      uint64_t extent = 0;
      if (!read_count(dim, static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), &extent))
        throw Error(msg::Core::safetensors_shape_bad_dimension, file, name, excerpt(shape), excerpt(dim));
      info.shape.push_back(static_cast<int64_t>(extent));
    }

    const json& offsets = value["data_offsets"];
    uint64_t begin = 0, end = 0;
    if (!offsets.is_array() || offsets.size() != 2 ||
        !read_count(offsets[0], std::numeric_limits<uint64_t>::max(), &begin) ||
        !read_count(offsets[1], std::numeric_limits<uint64_t>::max(), &end))
      throw Error(msg::Core::safetensors_bad_offsets, file, name, excerpt(offsets));
    info.begin = begin;
    info.end = end;
    tensors.push_back(std::move(info));
  }

  // The reference orders entries by offsets before checking that they tile the buffer.
  std::sort(tensors.begin(), tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end < b.end;
    return a.name < b.name;
  });
  uint64_t expected_begin = 0;
  const TensorInfo* previous = nullptr;
  for (const TensorInfo& info : tensors) {
    const std::string& name = info.name;
    const std::string offsets = offsets_text(info.begin, info.end);
    if (info.end < info.begin) throw Error(msg::Core::safetensors_offsets_reversed, file, name, offsets);
    if (info.begin != expected_begin) {
      if (info.begin > expected_begin && previous)
        throw Error(msg::Core::safetensors_offsets_hole_after_tensor, file, name, offsets, info.begin - expected_begin,
                    expected_begin, previous->name);
      if (info.begin > expected_begin)
        throw Error(msg::Core::safetensors_offsets_hole_at_start, file, name, offsets, info.begin - expected_begin,
                    expected_begin);
      // Starting before the expected offset means a tensor came before: `previous` is set.
      throw Error(msg::Core::safetensors_offsets_overlap, file, name, offsets, previous->name, expected_begin,
                  previous->name);
    }
    uint64_t elements = 1;
    bool overflow = false;
    for (int64_t dim : info.shape) {
      const uint64_t extent = static_cast<uint64_t>(dim);
      if (extent != 0 && elements > std::numeric_limits<uint64_t>::max() / extent) overflow = true;
      elements *= extent;
    }
    const uint64_t element_size = dtype_size(info.dtype);
    if (!overflow && elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) overflow = true;
    if (!overflow && elements > std::numeric_limits<uint64_t>::max() / element_size) overflow = true;
    if (overflow)
      throw Error(msg::Core::safetensors_shape_overflows, file, name, shape_text(info.shape), dtype_name(info.dtype));
    const uint64_t needed = elements * element_size;
    if (needed != info.end - info.begin)
      throw Error(msg::Core::safetensors_size_mismatch, file, name, shape_text(info.shape), dtype_name(info.dtype),
                  needed, offsets, info.end - info.begin);
    expected_begin = info.end;
    previous = &info;
  }

  const uint64_t data_size = size_ - 8 - header_length;
  if (expected_begin != data_size) {
    if (expected_begin > data_size)
      throw Error(msg::Core::safetensors_truncated_data, file, previous->name, expected_begin, data_size);
    if (!previous)
      throw Error(msg::Core::safetensors_trailing_bytes_no_tensors, file, data_size - expected_begin, data_size);
    throw Error(msg::Core::safetensors_trailing_bytes, file, data_size - expected_begin, previous->name, data_size);
  }

  tensors_ = std::move(tensors);
  for (size_t i = 0; i < tensors_.size(); ++i) index_[tensors_[i].name] = i;
  data_ = base_ + 8 + header_length;
}

namespace {

std::string quoted_json(const std::string& path, const std::string& text, const Message& what) {
  try {
    return json(text).dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::exception&) {
    throw Error(msg::Core::safetensors_text_not_utf8, path, what);
  }
}

// The padded header and each tensor's size in bytes.
std::string lay_out(const std::string& path, const std::vector<SafetensorsEntry>& tensors,
                    const std::map<std::string, std::string>& metadata, std::vector<uint64_t>* sizes) {
  // Compact JSON exactly as the reference serializer (serde_json) writes it.
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [key, value] : metadata) {
      header += (first ? "" : ",") + quoted_json(path, key, {msg::Core::safetensors_metadata_key_named, key}) + ":" +
                quoted_json(path, value, {msg::Core::safetensors_metadata_value_named, key});
      first = false;
    }
    header += "}";
  }
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const SafetensorsEntry& tensor : tensors) {
    if (tensor.name == "__metadata__")
      throw Error(msg::Core::safetensors_reserved_name, path);
    if (!names.insert(tensor.name).second)
      throw Error(msg::Core::safetensors_tensor_given_twice, path, tensor.name);
    const uint64_t nbytes = SafetensorsWriter::tensor_bytes(path, tensor.name, tensor.dtype, tensor.shape);
    std::string shape_json = "[";
    for (size_t i = 0; i < tensor.shape.size(); ++i) shape_json += (i ? "," : "") + std::to_string(tensor.shape[i]);
    shape_json += "]";
    if (header.size() > 1) header += ",";
    header += quoted_json(path, tensor.name, {msg::Core::safetensors_tensor_name_named, tensor.name}) +
              ":{\"dtype\":\"" + dtype_name(tensor.dtype) + "\",\"shape\":" + shape_json + ",\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + nbytes) + "]}";
    offset += nbytes;
    if (sizes) sizes->push_back(nbytes);
  }
  header += "}";
  // Pad so the data buffer starts 8-byte aligned in the file (the reference does the same).
  header.append((8 - header.size() % 8) % 8, ' ');
  return header;
}

}  // namespace

uint64_t SafetensorsWriter::tensor_bytes(const std::string& path, const std::string& name, DType dtype,
                                         const std::vector<int64_t>& shape) {
  uint64_t elements = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw Error(msg::Core::safetensors_negative_dimension, path, name, shape_text(shape));
    if (dim != 0 && elements > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(dim))
      throw Error(msg::Core::safetensors_shape_too_large, path, name, shape_text(shape));
    elements *= static_cast<uint64_t>(dim);
  }
  const uint64_t element_size = dtype_size(dtype);
  if (elements > std::numeric_limits<uint64_t>::max() / element_size)
    throw Error(msg::Core::safetensors_shape_too_large, path, name, shape_text(shape));
  return elements * element_size;
}

std::string SafetensorsWriter::header(const std::string& path, const std::vector<SafetensorsEntry>& tensors,
                                      const std::map<std::string, std::string>& metadata) {
  return lay_out(path, tensors, metadata, nullptr);
}

SafetensorsWriter::SafetensorsWriter(const std::string& path, std::vector<SafetensorsEntry> tensors,
                                     const std::map<std::string, std::string>& metadata)
    : path_(path), tensors_(std::move(tensors)) {
  const std::string header = lay_out(path_, tensors_, metadata, &sizes_);
  if (header.size() > kMaxSafetensorsHeaderBytes)
    throw Error(msg::Core::safetensors_header_too_large_to_write, path_, header.size(), kMaxSafetensorsHeaderBytes);
  uint8_t length_bytes[8];
  uint64_t length = header.size();
  for (int i = 0; i < 8; ++i, length >>= 8) length_bytes[i] = static_cast<uint8_t>(length & 0xFF);
  file_ = std::make_unique<AtomicFileWriter>(path_);
  file_->write(length_bytes, sizeof(length_bytes));
  file_->write(header);
}

SafetensorsWriter::~SafetensorsWriter() = default;

void SafetensorsWriter::write_next(const void* data, uint64_t nbytes) {
  if (next_ >= tensors_.size())
    throw Error(msg::Core::safetensors_too_many_written, path_, tensors_.size());
  const SafetensorsEntry& tensor = tensors_[next_];
  if (nbytes != sizes_[next_])
    throw Error(msg::Core::safetensors_wrong_data_size, path_, tensor.name, shape_text(tensor.shape),
                dtype_name(tensor.dtype), sizes_[next_], nbytes);
  if (nbytes > 0 && data == nullptr) throw Error(msg::Core::safetensors_no_data, path_, tensor.name);
  file_->write(data, nbytes);
  ++next_;
}

void SafetensorsWriter::commit() {
  if (next_ < tensors_.size())
    throw Error(msg::Core::safetensors_never_written, path_, tensors_[next_].name);
  file_->commit();
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  // Every size is checked before the file is started, so a bad tensor leaves nothing behind.
  std::vector<SafetensorsEntry> entries;
  entries.reserve(tensors.size());
  for (const TensorToWrite& tensor : tensors) {
    const uint64_t needed = SafetensorsWriter::tensor_bytes(path, tensor.name, tensor.dtype, tensor.shape);
    if (needed != tensor.nbytes)
      throw Error(msg::Core::safetensors_wrong_data_size, path, tensor.name, shape_text(tensor.shape),
                  dtype_name(tensor.dtype), needed, tensor.nbytes);
    if (tensor.nbytes > 0 && tensor.data == nullptr) throw Error(msg::Core::safetensors_no_data, path, tensor.name);
    entries.push_back(SafetensorsEntry{tensor.name, tensor.dtype, tensor.shape});
  }
  SafetensorsWriter writer(path, std::move(entries), metadata);
  for (const TensorToWrite& tensor : tensors) writer.write_next(tensor.data, tensor.nbytes);
  writer.commit();
}

}  // namespace lora
