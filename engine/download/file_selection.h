#pragma once
// Which files of a model repository are downloaded. By default what training and chat need:
// config.json, generation_config.json, the *.safetensors weights and their index, the tokenizer
// files, the chat template, README and LICENSE. Duplicates of the weights in other formats (*.bin,
// *.pth, onnx/, *.gguf, original/) are left out; a repository without safetensors gets its
// pytorch_model*.bin weights instead. --include patterns add files (and win over the exclusions).
// Patterns match like huggingface_hub's allow_patterns (Python's fnmatchcase on the whole path:
// '*' also crosses '/', "dir/" means everything under dir).
#include <string>
#include <vector>

namespace lora::download {

bool glob_match(const std::string& pattern, const std::string& path);

// The indices into `paths` of the files to download, in order.
std::vector<size_t> select_files(const std::vector<std::string>& paths, const std::vector<std::string>& include);

// "a,b , c" -> {"a", "b", "c"} (empty parts dropped).
std::vector<std::string> split_patterns(const std::string& list);

}  // namespace lora::download
