#pragma once
// Downloads a model repository's files into a plain folder: asks the hub for the revision's file
// list, picks the files a model needs (file_selection.h), checks the free space, then fetches a few
// files at once. Each file goes to FILE.part (continued with an HTTP Range request after a dropped
// connection or in a later run), is checked against the size the hub lists and, where the hub lists
// one, its sha256 (a mismatch: removed and fetched once more), and is renamed into place only then,
// so the folder never looks complete when it is not. A file already there and checked is not
// fetched again. Failed requests are tried again with a growing wait (a 429's Retry-After is
// honoured). Runs on the calling thread (with worker threads of its own); the callbacks come from
// those threads, one at a time.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hub_api.h"
#include "message.h"

namespace lora::download {

struct FileProgress {
  enum class State { waiting, downloading, retrying, verifying, done, already_present };
  std::string path;
  uint64_t done_bytes = 0;   // in the folder (a .part's bytes count)
  uint64_t total_bytes = 0;  // 0 when the hub does not list the size
  State state = State::waiting;
};

struct DownloadProgress {
  std::vector<FileProgress> files;  // the files chosen, in the hub's order
  uint64_t done_bytes = 0;          // all files (already there and .part included)
  uint64_t total_bytes = 0;
  uint64_t received_bytes = 0;      // received in this run
  double bytes_per_second = 0;      // over the last few seconds; 0 before there is a measure
  double eta_seconds = -1;          // -1: unknown
  int files_done = 0;
  int files_total = 0;
  size_t changed_file = static_cast<size_t>(-1);  // the file whose state just changed, if one did
};

struct DownloadRequest {
  HubSource source = HubSource::hugging_face;
  std::string repo_id;
  std::string revision;   // empty: the hub's default (main / master)
  std::string endpoint;   // empty: from the environment (HF_ENDPOINT / MODELSCOPE_DOMAIN), else the hub's
  std::string token;      // empty: none (the caller decides whether the environment's is used)
  std::string output_dir;
  std::vector<std::string> include;  // patterns added to the default choice
  int parallel_files = 3;
  int max_attempts = 6;              // per request, counting the first; progress made resets the count
  int stall_timeout_seconds = 30;
  int max_backoff_seconds = 30;
  const std::atomic_bool* cancel = nullptr;
  std::function<void(const DownloadProgress&)> on_progress;  // at most every ~0.25 s, and on each state change
  std::function<void(const Message&)> on_note;               // a retry and why
};

struct DownloadResult {
  std::string output_dir;
  std::string revision;
  std::string commit;  // empty when the hub does not say
  std::vector<std::string> files;  // every file chosen
  int files_downloaded = 0;
  int files_already_present = 0;
  uint64_t bytes_received = 0;
  uint64_t total_bytes = 0;
};

// Throws lora::Error (download_messages.def) on failure; msg::Download::cancelled when cancelled.
DownloadResult download_model(const DownloadRequest& request);

// The record of a finished download kept in the folder (hub, repo, commit, each file's size and
// sha256), so a later run knows which files it checked.
constexpr const char* kDownloadRecordName = ".lora-studio-download.json";

}  // namespace lora::download
