#pragma once
// The two model hubs' HTTP shapes: where a revision's file list is, how it reads, where each file
// is downloaded from, and what an error answer means. No requests here (model_download.cpp makes
// them, with retries).
//   Hugging Face (and its mirrors, HF_ENDPOINT):
//     GET {endpoint}/api/models/{repo}/revision/{rev}?blobs=true -> {"sha", "siblings": [{"rfilename",
//         "size", "lfs": {"sha256", "size"}}]}; errors carry X-Error-Code (RepoNotFound, GatedRepo,
//         RevisionNotFound, EntryNotFound) and X-Error-Message.
//     GET {endpoint}/{repo}/resolve/{commit}/{path} -> the file, often after a redirect to a CDN.
//   ModelScope (MODELSCOPE_DOMAIN):
//     GET {endpoint}/api/v1/models/{repo}/repo/files?Revision={rev}&Recursive=True -> {"Code": 200,
//         "Data": {"Files": [{"Path", "Type": "blob"|"tree", "Size", "Sha256"}]}}
//     GET {endpoint}/api/v1/models/{repo}/repo?Revision={rev}&FilePath={path} -> the file.
#include <cstdint>
#include <string>
#include <vector>

#include "http_client.h"
#include "message.h"

namespace lora::download {

enum class HubSource { hugging_face, modelscope };

// "hf" / "modelscope" (also "huggingface", "ms"); false for anything else.
bool parse_hub_source(const std::string& name, HubSource* source);
const char* hub_source_name(HubSource source);  // "Hugging Face" / "ModelScope"

std::string default_endpoint(HubSource source);  // https://huggingface.co, https://www.modelscope.cn
// HF_ENDPOINT / MODELSCOPE_DOMAIN when set (a bare domain gets https://), else the default.
std::string endpoint_from_environment(HubSource source);
// HF_TOKEN (else the token `huggingface-cli login` saved: $HF_TOKEN_PATH or $HF_HOME/token or
// ~/.cache/huggingface/token) / MODELSCOPE_API_TOKEN; empty when there is none.
std::string token_from_environment(HubSource source);
std::string default_revision(HubSource source);  // "main" / "master"
// An endpoint as given: a bare host gets https://, a trailing '/' is dropped.
std::string normalize_endpoint(const std::string& endpoint);

struct HubAddress {
  HubSource source = HubSource::hugging_face;
  std::string endpoint;  // normalized, no trailing '/'
  std::string repo_id;   // "org/name"
  std::string revision;  // a branch, tag or commit
  std::string token;     // empty: none
};

// "Hugging Face (hf-mirror.com)": which hub, and which address of it, for messages.
std::string hub_label(const HubAddress& address);

// Throws lora::Error when `repo_id` is not "org/name" (or "name") in the characters the hubs allow.
void check_repo_id(const std::string& repo_id);

struct RemoteFile {
  std::string path;       // relative, '/'-separated
  uint64_t size = 0;
  bool size_known = false;
  std::string sha256;     // lower-case hex; empty when the hub lists none (small git files on the Hub)
};

struct RepoListing {
  std::string commit;  // the revision's commit (Hugging Face); empty when the hub does not say
  std::vector<RemoteFile> files;
};

// Throws lora::Error when the token holds a space or control character (it would break the header).
void check_token(const std::string& token);
// The header lines that carry the token: "Authorization: Bearer" (both hubs), and ModelScope's
// session cookie, which its file downloads read (modelscope/hub/api.py get_cookies). Empty without one.
std::vector<std::string> credentials(const HubAddress& address);

std::string listing_url(const HubAddress& address);
// Throws lora::Error (naming the address) when the answer is not the expected JSON.
RepoListing parse_listing(const HubAddress& address, const std::string& url, const std::string& body);
std::string file_url(const HubAddress& address, const RepoListing& listing, const std::string& path);

// What went wrong, for an answer that is not a success or a request that got no answer. `file` is
// empty for the file list. `attempts` is how many times it was tried.
Message describe_failure(const HubAddress& address, const HttpResponse& response, const std::string& file,
                         int attempts, int stall_seconds);
// Why a request is being tried again, for a note: "HTTP 503", "no data for 30 s", ...
Message retry_reason(const HttpResponse& response, int stall_seconds);
// Worth trying again: no answer, a dropped or stalled connection, 408, 429, 5xx.
bool is_retryable(const HttpResponse& response);
// Seconds the answer asks to wait (Retry-After in seconds, or RateLimit's reset); -1 when it does not say.
int retry_after_seconds(const HttpResponse& response);

}  // namespace lora::download
