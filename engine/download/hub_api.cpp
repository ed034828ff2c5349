#include "hub_api.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "download_messages.h"
#include "error.h"

namespace lora::download {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

std::string trim(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool is_hex_sha256(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string host_of(const std::string& endpoint) {
  const UrlOrigin origin = url_origin(endpoint);
  if (origin.host.empty()) return endpoint;
  const bool default_port = (origin.scheme == "https" && origin.port == 443) || (origin.scheme == "http" && origin.port == 80);
  return default_port ? origin.host : origin.host + ":" + std::to_string(origin.port);
}


std::string repo_page(const HubAddress& address) { return address.endpoint + "/" + address.repo_id; }

const nlohmann::json* member(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// A file path from a hub: relative, '/'-separated, no '..' or empty part, so it stays inside the folder.
bool safe_relative_path(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string::npos || path.find('\0') != std::string::npos)
    return false;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

}  // namespace

std::string hub_label(const HubAddress& address) {
  return std::string(hub_source_name(address.source)) + " (" + host_of(address.endpoint) + ")";
}

bool parse_hub_source(const std::string& name, HubSource* source) {
  const std::string key = lower(name);
  if (key == "hf" || key == "huggingface" || key == "hugging-face") {
    *source = HubSource::hugging_face;
    return true;
  }
  if (key == "modelscope" || key == "ms") {
    *source = HubSource::modelscope;
    return true;
  }
  return false;
}

const char* hub_source_name(HubSource source) {
  return source == HubSource::modelscope ? "ModelScope" : "Hugging Face";
}

std::string default_endpoint(HubSource source) {
  return source == HubSource::modelscope ? "https://www.modelscope.cn" : "https://huggingface.co";
}

std::string normalize_endpoint(const std::string& endpoint) {
  std::string result = trim(endpoint);
  while (!result.empty() && result.back() == '/') result.pop_back();
  if (!result.empty() && result.find("://") == std::string::npos) result = "https://" + result;
  const UrlOrigin origin = url_origin(result);
  if (origin.host.empty() || (origin.scheme != "http" && origin.scheme != "https"))
    throw Error(msg::Download::bad_endpoint, endpoint);
  return result;
}

std::string endpoint_from_environment(HubSource source) {
  const std::string value = env(source == HubSource::modelscope ? "MODELSCOPE_DOMAIN" : "HF_ENDPOINT");
  return trim(value).empty() ? default_endpoint(source) : normalize_endpoint(value);
}

std::string token_from_environment(HubSource source) {
  if (source == HubSource::modelscope) return trim(env("MODELSCOPE_API_TOKEN"));
  const std::string token = trim(env("HF_TOKEN"));
  if (!token.empty()) return token;
  // Where huggingface_hub keeps the token of `huggingface-cli login` / `hf auth login`.
  std::string path = env("HF_TOKEN_PATH");
  if (path.empty()) {
    std::string home = env("HF_HOME");
    if (home.empty()) {
      const std::string xdg_cache = env("XDG_CACHE_HOME");
      home = (xdg_cache.empty() ? env("HOME") + "/.cache" : xdg_cache) + "/huggingface";
    }
    path = home + "/token";
  }
  std::ifstream file(path);
  std::string saved;
  if (file) std::getline(file, saved);
  return trim(saved);
}

Message retry_reason(const HttpResponse& response, int stall_seconds) {
  switch (response.failure) {
    case TransportFailure::none:
      return Message(msg::Download::reason_http, response.status);
    case TransportFailure::cannot_connect:
      return Message(msg::Download::reason_no_connection, response.failure_detail);
    case TransportFailure::timed_out:
      return Message(msg::Download::reason_stalled, stall_seconds);
    default:
      return Message(msg::Download::reason_dropped, response.failure_detail);
  }
}

std::string default_revision(HubSource source) { return source == HubSource::modelscope ? "master" : "main"; }

void check_repo_id(const std::string& repo_id) {
  // huggingface_hub's REPO_ID_REGEX, and its rules on "--" / ".." / ".git".
  static const std::regex shape(R"(^([\w\-.]+/)?[\w\-.]{1,96}$)");
  const bool ok = std::regex_match(repo_id, shape) && repo_id.find("--") == std::string::npos &&
                  repo_id.find("..") == std::string::npos && repo_id.front() != '-' && repo_id.front() != '.' &&
                  repo_id.back() != '-' && repo_id.back() != '.' &&
                  (repo_id.size() < 4 || repo_id.compare(repo_id.size() - 4, 4, ".git") != 0);
  if (!ok) throw Error(msg::Download::bad_repo_id, repo_id);
}

void check_token(const std::string& token) {
  for (unsigned char c : token)
    if (c <= 0x20 || c == 0x7f) throw Error(msg::Download::bad_token);  // it goes into an HTTP header line
}

std::vector<std::string> credentials(const HubAddress& address) {
  if (address.token.empty()) return {};
  std::vector<std::string> lines = {"Authorization: Bearer " + address.token};
  if (address.source == HubSource::modelscope) lines.push_back("Cookie: m_session_id=" + address.token);
  return lines;
}

std::string listing_url(const HubAddress& address) {
  if (address.source == HubSource::modelscope)
    return address.endpoint + "/api/v1/models/" + address.repo_id + "/repo/files?Revision=" +
           url_encode(address.revision, false) + "&Recursive=True";
  return address.endpoint + "/api/models/" + address.repo_id + "/revision/" + url_encode(address.revision, false) +
         "?blobs=true";
}

RepoListing parse_listing(const HubAddress& address, const std::string& url, const std::string& body) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    throw Error(msg::Download::bad_listing, url, e.what());
  }
  RepoListing listing;
  auto add = [&](const std::string& path, const nlohmann::json* size, const nlohmann::json* sha256) {
    if (!safe_relative_path(path)) throw Error(msg::Download::unsafe_file_path, url, path);
    RemoteFile file;
    file.path = path;
    if (size && size->is_number_unsigned()) {
      file.size = size->get<uint64_t>();
      file.size_known = true;
    } else if (size && size->is_number_integer() && size->get<int64_t>() >= 0) {
      file.size = static_cast<uint64_t>(size->get<int64_t>());
      file.size_known = true;
    }
    if (sha256 && sha256->is_string() && is_hex_sha256(sha256->get<std::string>()))
      file.sha256 = lower(sha256->get<std::string>());
    listing.files.push_back(std::move(file));
  };
  if (address.source == HubSource::modelscope) {
    const nlohmann::json* data = member(json, "Data");
    const nlohmann::json* files = data ? member(*data, "Files") : nullptr;
    if (!files || !files->is_array()) throw Error(msg::Download::bad_listing, url, "Data.Files");
    for (const nlohmann::json& entry : *files) {
      const nlohmann::json* type = member(entry, "Type");
      const nlohmann::json* path = member(entry, "Path");
      if (!path || !path->is_string()) throw Error(msg::Download::bad_listing, url, "Data.Files[].Path");
      if (type && type->is_string() && type->get<std::string>() == "tree") continue;
      const std::string name = path->get<std::string>();
      if (name == ".gitignore" || name == ".gitattributes") continue;  // as the ModelScope SDK does
      add(name, member(entry, "Size"), member(entry, "Sha256"));
    }
    return listing;
  }
  const nlohmann::json* siblings = member(json, "siblings");
  if (!siblings || !siblings->is_array()) throw Error(msg::Download::bad_listing, url, "siblings");
  if (const nlohmann::json* sha = member(json, "sha"); sha && sha->is_string()) listing.commit = sha->get<std::string>();
  for (const nlohmann::json& sibling : *siblings) {
    const nlohmann::json* name = member(sibling, "rfilename");
    if (!name || !name->is_string()) throw Error(msg::Download::bad_listing, url, "siblings[].rfilename");
    const nlohmann::json* lfs = member(sibling, "lfs");
    const nlohmann::json* size = member(sibling, "size");
    if (!size && lfs) size = member(*lfs, "size");
    add(name->get<std::string>(), size, lfs ? member(*lfs, "sha256") : nullptr);
  }
  return listing;
}

std::string file_url(const HubAddress& address, const RepoListing& listing, const std::string& path) {
  if (address.source == HubSource::modelscope)
    return address.endpoint + "/api/v1/models/" + address.repo_id + "/repo?Revision=" +
           url_encode(address.revision, false) + "&FilePath=" + url_encode(path, false);
  // The commit the list came from, so every file is of the same revision even if a branch moves meanwhile.
  const std::string revision = listing.commit.empty() ? address.revision : listing.commit;
  return address.endpoint + "/" + address.repo_id + "/resolve/" + url_encode(revision, false) + "/" +
         url_encode(path, true);
}

bool is_retryable(const HttpResponse& response) {
  switch (response.failure) {
    case TransportFailure::none:
      return response.status == 408 || response.status == 429 || response.status >= 500;
    case TransportFailure::cancelled:
    case TransportFailure::sink_refused:
      return false;
    default:
      return true;
  }
}

int retry_after_seconds(const HttpResponse& response) {
  const std::string value = trim(response.header("retry-after"));
  if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos && value.size() < 7)
    return std::atoi(value.c_str());
  // RateLimit: "api";r=0;t=55 (the IETF draft the Hub follows): t is the seconds until the reset.
  static const std::regex rate_limit(R"(r=(\d+);\s*t=(\d+))");
  std::smatch match;
  const std::string header = response.header("ratelimit");
  if (std::regex_search(header, match, rate_limit) && match[1] == "0" && match[2].length() < 7)
    return std::atoi(match[2].str().c_str());
  return -1;
}

Message describe_failure(const HubAddress& address, const HttpResponse& response, const std::string& file,
                         int attempts, int stall_seconds) {
  const std::string hub = hub_label(address);
  const std::string what = file.empty() ? address.repo_id : file;
  switch (response.failure) {
    case TransportFailure::none:
      break;
    case TransportFailure::cannot_connect:
      return Message(msg::Download::cannot_connect, host_of(response.url.empty() ? address.endpoint : response.url),
                     response.failure_detail, attempts);
    case TransportFailure::timed_out:
      return Message(msg::Download::stalled, what, host_of(response.url), stall_seconds, attempts);
    case TransportFailure::cancelled:
      return Message(msg::Download::cancelled);
    default:
      return Message(msg::Download::connection_dropped, host_of(response.url), what, response.failure_detail, attempts);
  }
  const long status = response.status;
  if (status == 429) return Message(msg::Download::rate_limited, hub, attempts);
  if (status >= 500) return Message(msg::Download::server_error, hub, status, what, attempts);

  if (address.source == HubSource::modelscope) {
    std::string server_message;
    try {
      const nlohmann::json json = nlohmann::json::parse(response.body);
      for (const char* key : {"Message", "message"})
        if (const nlohmann::json* m = member(json, key); m && m->is_string()) server_message = m->get<std::string>();
    } catch (const nlohmann::json::exception&) {
    }
    if (status == 404) return Message(msg::Download::modelscope_not_found, host_of(address.endpoint), address.repo_id, address.revision);
    if (status == 401 || status == 403)
      return Message(msg::Download::modelscope_refused, host_of(address.endpoint), what, status);
    return Message(msg::Download::modelscope_error, host_of(address.endpoint), what,
                   server_message.empty() ? "HTTP " + std::to_string(status) : server_message);
  }

  // The Hub says what is wrong in X-Error-Code; the status alone misleads (401 for an unknown repo).
  const std::string code = response.header("x-error-code");
  const std::string server_message = response.header("x-error-message");
  const bool has_token = !address.token.empty();
  if (code == "GatedRepo")
    return has_token ? Message(msg::Download::gated_not_granted, address.repo_id, repo_page(address))
                     : Message(msg::Download::gated_no_token, address.repo_id, repo_page(address));
  if (code == "RevisionNotFound") return Message(msg::Download::revision_not_found, hub, address.revision, address.repo_id);
  if (code == "EntryNotFound") return Message(msg::Download::file_not_found, hub, what, address.repo_id, address.revision);
  if (status == 401 && server_message == "Invalid credentials in Authorization header")
    return Message(msg::Download::token_rejected, hub);
  if (code == "RepoNotFound" || status == 401)
    return has_token ? Message(msg::Download::repo_not_found_with_token, hub, address.repo_id)
                     : Message(msg::Download::repo_not_found_no_token, hub, address.repo_id);
  if (status == 403)
    return Message(msg::Download::forbidden, hub, what, server_message.empty() ? MessageArg(Message(msg::Download::no_reason_given)) : MessageArg(server_message));
  if (status == 404 && file.empty())
    return has_token ? Message(msg::Download::repo_not_found_with_token, hub, address.repo_id)
                     : Message(msg::Download::repo_not_found_no_token, hub, address.repo_id);
  return Message(msg::Download::http_error, hub, status, what,
                 server_message.empty() ? MessageArg(Message(msg::Download::no_reason_given)) : MessageArg(server_message));
}

}  // namespace lora::download
