#include "hub_search.h"

#include <nlohmann/json.hpp>

#include "download_messages.h"
#include "error.h"
#include "hub_api.h"
#include "http_client.h"

namespace lora::download {
namespace {

int64_t number_or(const nlohmann::json& object, const char* key, int64_t fallback) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return fallback;
  return it->get<int64_t>();
}

}  // namespace

std::string search_url(const std::string& endpoint, const std::string& query, int limit) {
  std::string url = endpoint + "/api/models?search=" + url_encode(query, false) +
                    "&pipeline_tag=text-generation&sort=downloads&direction=-1&limit=" + std::to_string(limit);
  for (const char* field : {"downloads", "likes", "gated", "pipeline_tag", "safetensors", "usedStorage"})
    url += std::string("&expand=") + field;
  return url;
}

std::vector<HubModelSummary> parse_search(const std::string& url, const std::string& body) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    throw Error(msg::Download::bad_listing, url, e.what());
  }
  if (!json.is_array()) throw Error(msg::Download::bad_listing, url, "[{\"id\": ...}]");
  std::vector<HubModelSummary> models;
  for (const nlohmann::json& item : json) {
    if (!item.is_object()) continue;
    const auto id = item.find("id");
    if (id == item.end() || !id->is_string()) continue;
    HubModelSummary model;
    model.id = id->get<std::string>();
    model.downloads = number_or(item, "downloads", -1);
    model.likes = number_or(item, "likes", -1);
    model.storage_bytes = number_or(item, "usedStorage", -1);
    const auto safetensors = item.find("safetensors");
    if (safetensors != item.end() && safetensors->is_object()) model.parameters = number_or(*safetensors, "total", -1);
    const auto gated = item.find("gated");  // false, or "auto" / "manual"
    model.gated = gated != item.end() && ((gated->is_string() && !gated->get<std::string>().empty()) ||
                                          (gated->is_boolean() && gated->get<bool>()));
    const auto tag = item.find("pipeline_tag");
    if (tag != item.end() && tag->is_string()) model.pipeline_tag = tag->get<std::string>();
    models.push_back(std::move(model));
  }
  return models;
}

std::vector<HubModelSummary> search_models(const SearchRequest& request) {
  HubAddress address;
  address.source = HubSource::hugging_face;
  address.endpoint = request.endpoint.empty() ? endpoint_from_environment(HubSource::hugging_face)
                                              : normalize_endpoint(request.endpoint);
  address.repo_id = request.query;
  address.token = request.token;
  check_token(address.token);
  HttpClientOptions options;
  options.cancel_flags = {request.cancel};
  HttpClient client(options);
  const std::string url = search_url(address.endpoint, request.query, request.limit);
  const HttpResponse response = client.get(url, credentials(address));
  if (response.failure == TransportFailure::cancelled) throw Error(msg::Download::cancelled);
  if (!response.ok()) throw Error(describe_failure(address, response, "", 1, options.stall_timeout_seconds));
  return parse_search(url, response.body);
}

}  // namespace lora::download
