#pragma once
// Searching the Hugging Face Hub (or a mirror) for models by name, for the window's Download dialog:
//   GET {endpoint}/api/models?search=Q&pipeline_tag=text-generation&sort=downloads&limit=N&expand=...
// (huggingface_hub's HfApi.list_models). Text-generation models, most downloaded first.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace lora::download {

struct HubModelSummary {
  std::string id;               // "org/name"
  int64_t downloads = -1;       // last 30 days; -1 when the hub does not say
  int64_t likes = -1;
  int64_t parameters = -1;      // from the safetensors metadata; -1 when unknown
  int64_t storage_bytes = -1;   // the repository's size (all files, every format); -1 when unknown
  bool gated = false;           // access must be asked for (a token is needed)
  std::string pipeline_tag;
};

struct SearchRequest {
  std::string endpoint;  // empty: HF_ENDPOINT or https://huggingface.co
  std::string token;     // shows the caller's private models too
  std::string query;
  int limit = 30;
  const std::atomic_bool* cancel = nullptr;
};

std::string search_url(const std::string& endpoint, const std::string& query, int limit);
// Throws lora::Error naming the address when the answer is not a list of models.
std::vector<HubModelSummary> parse_search(const std::string& url, const std::string& body);
// Throws lora::Error (download_messages.def) when the hub cannot be asked.
std::vector<HubModelSummary> search_models(const SearchRequest& request);

}  // namespace lora::download
