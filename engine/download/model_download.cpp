#include "model_download.h"

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "atomic_file.h"
#include "download_messages.h"
#include "error.h"
#include "file_selection.h"
#include "http_client.h"
#include "sha256.h"

namespace lora::download {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

uint64_t file_size_or_zero(const fs::path& path) {
  std::error_code error;
  const uint64_t size = fs::file_size(path, error);
  return error ? 0 : size;
}

bool path_exists(const fs::path& path) {
  std::error_code error;
  return fs::exists(path, error);
}

// "1.5 GB": for the free-space message.
std::string human_bytes(uint64_t bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

// Progress, shared by the workers; the callback is called under the lock, so one at a time.
class Tracker {
 public:
  Tracker(const DownloadRequest& request, std::vector<FileProgress> files) : request_(request) {
    progress_.files = std::move(files);
    progress_.files_total = static_cast<int>(progress_.files.size());
    for (const FileProgress& file : progress_.files) {
      progress_.total_bytes += file.total_bytes;
      progress_.done_bytes += file.done_bytes;
      if (file.state == FileProgress::State::already_present) ++progress_.files_done;
    }
    samples_.push_back({Clock::now(), 0});
  }

  // The first report: what will be downloaded and what is already there.
  void start() {
    std::lock_guard<std::mutex> lock(mutex_);
    emit(Clock::now(), static_cast<size_t>(-1));
  }

  void received(size_t file, uint64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_.files[file].done_bytes += bytes;
    progress_.done_bytes += bytes;
    progress_.received_bytes += bytes;
    const auto now = Clock::now();
    if (now - last_emit_ >= std::chrono::milliseconds(250)) emit(now, static_cast<size_t>(-1));
  }

  // The file's bytes in the folder changed other than by receiving (a .part restarted or removed).
  void reset_bytes(size_t file, uint64_t done) {
    std::lock_guard<std::mutex> lock(mutex_);
    FileProgress& entry = progress_.files[file];
    progress_.done_bytes = progress_.done_bytes - entry.done_bytes + done;
    entry.done_bytes = done;
  }

  void set_state(size_t file, FileProgress::State state) {
    std::lock_guard<std::mutex> lock(mutex_);
    FileProgress& entry = progress_.files[file];
    if (entry.state == state) return;
    if (state == FileProgress::State::done) ++progress_.files_done;
    entry.state = state;
    emit(Clock::now(), file);
  }

  void note(const Message& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (request_.on_note) request_.on_note(message);
  }

  uint64_t received_bytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return progress_.received_bytes;
  }

 private:
  void emit(Clock::time_point now, size_t changed) {
    last_emit_ = now;
    // The speed over the last 5 s of samples.
    samples_.push_back({now, progress_.received_bytes});
    while (samples_.size() > 2 && now - samples_[1].first > std::chrono::seconds(5)) samples_.pop_front();
    const double seconds = std::chrono::duration<double>(now - samples_.front().first).count();
    if (seconds > 0.2) {
      progress_.bytes_per_second = static_cast<double>(progress_.received_bytes - samples_.front().second) / seconds;
      const uint64_t left = progress_.total_bytes > progress_.done_bytes ? progress_.total_bytes - progress_.done_bytes : 0;
      progress_.eta_seconds = progress_.bytes_per_second > 0 ? static_cast<double>(left) / progress_.bytes_per_second : -1;
    }
    progress_.changed_file = changed;
    if (request_.on_progress) request_.on_progress(progress_);
  }

  const DownloadRequest& request_;
  std::mutex mutex_;
  DownloadProgress progress_;
  std::deque<std::pair<Clock::time_point, uint64_t>> samples_;
  Clock::time_point last_emit_{};
};

// The folder's record of checked files (kDownloadRecordName).
class Record {
 public:
  // Constructed under the folder's lock: no other writer of the record is running.
  Record(const fs::path& folder, const HubAddress& address, const RepoListing& listing)
      : path_(folder / kDownloadRecordName) {
    // A download killed while it rewrote the record leaves AtomicFileWriter's temporary file.
    const std::string stale_prefix = std::string(".") + kDownloadRecordName + ".tmp-";
    std::error_code error;
    for (const fs::directory_entry& entry : fs::directory_iterator(folder, error))
      if (entry.path().filename().string().rfind(stale_prefix, 0) == 0) fs::remove(entry.path(), error);
    try {
      const nlohmann::json old = nlohmann::json::parse(read_text_file(path_.string()));
      if (old.value("repo_id", "") == address.repo_id && old.contains("files") && old["files"].is_object())
        files_ = old["files"];
    } catch (const std::exception&) {
      // No record, or an unreadable one: every file present is checked again.
    }
    json_["source"] = address.source == HubSource::modelscope ? "modelscope" : "hf";
    json_["endpoint"] = address.endpoint;
    json_["repo_id"] = address.repo_id;
    json_["revision"] = address.revision;
    json_["commit"] = listing.commit;
  }

  // Whether `file`, already at its place with the listed size, was checked against what the hub lists now.
  bool checked(const RemoteFile& file) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = files_.find(file.path);
    if (it == files_.end() || !it->is_object()) return false;
    return it->value("size", uint64_t(0)) == file.size && it->value("sha256", "") == file.sha256 &&
           (!file.sha256.empty() || it->value("commit", "") == json_["commit"].get<std::string>());
  }

  void add(const RemoteFile& file) {
    std::lock_guard<std::mutex> lock(mutex_);
    files_[file.path] = {{"size", file.size}, {"sha256", file.sha256}, {"commit", json_["commit"]}};
    save();
  }

  void save_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    save();
  }

 private:
  void save() {
    json_["files"] = files_;
    try {
      write_file_atomically(path_.string(), json_.dump(2) + "\n");
    } catch (const std::exception&) {
      // Only a convenience: without it the next run checks the files again.
    }
  }

  fs::path path_;
  std::mutex mutex_;
  nlohmann::json json_ = nlohmann::json::object();
  nlohmann::json files_ = nlohmann::json::object();
};

// One download per folder at a time (the window's and the CLI's would write the same .part files):
// an flock on a file in the folder, released when the process ends, however it ends.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& folder) {
    const std::string path = (folder / ".lora-studio-download.lock").string();
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(msg::Download::write_failed, path, std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Error(msg::Download::folder_busy, folder.string());
    }
  }
  ~FolderLock() { ::close(fd_); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

struct Job {
  size_t index;  // into the progress' files
  RemoteFile file;
  fs::path target, part;
};

class Run {
 public:
  Run(const DownloadRequest& request, HubAddress address) : request_(request), address_(std::move(address)) {}

  bool stopped() const { return failed_.load() || cancelled(); }
  bool cancelled() const { return request_.cancel && request_.cancel->load(); }

  HttpClientOptions client_options() const {
    HttpClientOptions options;
    options.stall_timeout_seconds = request_.stall_timeout_seconds;
    // A failure elsewhere stops new requests (stopped()), not those under way: their files finish.
    options.cancel_flags = {request_.cancel};
    options.user_agent = std::string("lora-studio/") + LORA_STUDIO_VERSION;
    return options;
  }

  // Sleeps `seconds`, waking early when the download stops.
  void wait(int seconds) const {
    const auto until = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < until && !stopped()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  int backoff_seconds(const HttpResponse& response, int attempt) const {
    const int asked = retry_after_seconds(response);
    if (asked >= 0) return std::min(asked, 600);
    return std::min(request_.max_backoff_seconds, 1 << std::min(attempt - 1, 10));
  }

  // Runs `attempt` until it gives a success, an error that trying again cannot mend, or the
  // attempts run out. `attempt` says whether bytes arrived (progress resets the count).
  template <class Attempt>
  HttpResponse with_retries(const std::string& what, Tracker* tracker, size_t file_index, Attempt attempt,
                            int* attempts_used) {
    int attempts = 0;
    int total_attempts = 0;
    for (;;) {
      ++attempts;
      ++total_attempts;
      bool progressed = false;
      HttpResponse response = attempt(&progressed);
      if (progressed) attempts = 1;
      *attempts_used = total_attempts;
      if (response.ok() || !is_retryable(response) || attempts >= request_.max_attempts || stopped()) return response;
      const int seconds = backoff_seconds(response, attempts);
      const Message note = response.failure == TransportFailure::none && response.status == 429
                               ? Message(msg::Download::note_retry_rate_limited, hub_label(address_), seconds)
                               : Message(msg::Download::note_retry, what,
                                         retry_reason(response, request_.stall_timeout_seconds), seconds);
      if (tracker) {
        tracker->set_state(file_index, FileProgress::State::retrying);
        tracker->note(note);
      } else if (request_.on_note) {
        request_.on_note(note);
      }
      wait(seconds);
      if (stopped()) return response;
    }
  }

  RepoListing fetch_listing() {
    HttpClient client(client_options());
    const std::string url = listing_url(address_);
    int attempts = 0;
    HttpResponse response = with_retries(
        address_.repo_id, nullptr, 0, [&](bool*) { return client.get(url, credentials(address_)); }, &attempts);
    if (cancelled()) throw Error(msg::Download::cancelled);
    if (!response.ok()) throw Error(describe_failure(address_, response, "", attempts, request_.stall_timeout_seconds));
    if (address_.source == HubSource::modelscope) {
      // ModelScope answers 200 with its own code for some errors.
      try {
        const nlohmann::json json = nlohmann::json::parse(response.body);
        if (json.is_object() && json.contains("Code") && json["Code"].is_number() && json["Code"].get<int64_t>() != 200) {
          HttpResponse refused = response;
          refused.status = json["Code"].get<int64_t>() == 404 ? 404 : 400;
          throw Error(describe_failure(address_, refused, "", attempts, request_.stall_timeout_seconds));
        }
      } catch (const nlohmann::json::exception&) {
        // parse_listing names the problem.
      }
    }
    return parse_listing(address_, url, response.body);
  }

  void fail(std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (!error_) error_ = error;
    failed_ = true;
  }

  void worker(const RepoListing& listing, std::vector<Job>& jobs, std::atomic<size_t>& next, Tracker& tracker,
              Record& record) {
    HttpClient client(client_options());
    for (;;) {
      const size_t i = next++;
      if (i >= jobs.size() || stopped()) return;
      try {
        fetch_file(client, listing, jobs[i], tracker, record);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
    }
  }

  void fetch_file(HttpClient& client, const RepoListing& listing, const Job& job, Tracker& tracker, Record& record) {
    const RemoteFile& file = job.file;
    const std::string url = file_url(address_, listing, file.path);
    std::error_code ignored;
    fs::create_directories(job.part.parent_path(), ignored);
    bool downloaded_again = false;
    for (;;) {
      uint64_t offset = file_size_or_zero(job.part);
      if (file.size_known && offset > file.size) {
        fs::remove(job.part, ignored);
        offset = 0;
      }
      tracker.reset_bytes(job.index, offset);
      if (!(file.size_known && offset == file.size && path_exists(job.part))) {
        tracker.set_state(job.index, FileProgress::State::downloading);
        int attempts = 0;
        std::string write_error;
        HttpResponse response = with_retries(
            file.path, &tracker, job.index,
            [&](bool* progressed) {
              offset = file_size_or_zero(job.part);
              tracker.reset_bytes(job.index, offset);
              tracker.set_state(job.index, FileProgress::State::downloading);
              // Opened once the answer is a success, so a refused request leaves no empty .part.
              std::FILE* out = nullptr;
              HttpClient::Sink sink;
              sink.begin = [&](const HttpResponse& head) {
                const bool resumed = offset > 0 && head.status == 206;
                if (!resumed && offset > 0) {
                  // The server sent the whole file, not the rest: the .part starts again.
                  offset = 0;
                  tracker.reset_bytes(job.index, 0);
                }
                out = std::fopen(job.part.c_str(), resumed ? "ab" : "wb");
                if (!out) write_error = std::strerror(errno);
                return out != nullptr;
              };
              sink.write = [&](const char* data, size_t size) {
                if (std::fwrite(data, 1, size, out) != size) {
                  write_error = std::strerror(errno);
                  return false;
                }
                *progressed = true;
                tracker.received(job.index, size);
                return true;
              };
              HttpResponse response = client.get_streamed(url, credentials(address_), offset, sink);
              if (response.ok() && !out && write_error.empty() && !path_exists(job.part)) {
                out = std::fopen(job.part.c_str(), "wb");  // an empty file: no body, nothing began
                if (!out) write_error = std::strerror(errno);
              }
              if (out) {
                if (std::fflush(out) != 0 && write_error.empty()) write_error = std::strerror(errno);
                if (std::fclose(out) != 0 && write_error.empty()) write_error = std::strerror(errno);
              }
              if (!write_error.empty()) response.failure = TransportFailure::sink_refused;
              return response;
            },
            &attempts);
        if (!write_error.empty()) throw Error(msg::Download::write_failed, job.part.string(), write_error);
        if (cancelled()) return;
        if (!response.ok()) {
          if (failed_) return;  // stopped because another file failed: that error is the one reported
          throw Error(describe_failure(address_, response, file.path, attempts, request_.stall_timeout_seconds));
        }
      }
      // Checked before it takes the file's name.
      tracker.set_state(job.index, FileProgress::State::verifying);
      const uint64_t size = file_size_or_zero(job.part);
      std::string sha256;
      if (file.size_known && size != file.size) {
        if (downloaded_again) {
          fs::remove(job.part, ignored);
          throw Error(msg::Download::size_mismatch, file.path, size, hub_source_name(address_.source), file.size);
        }
        tracker.note(Message(msg::Download::note_size_retry, file.path, size, file.size));
      } else if (!file.sha256.empty() && (sha256 = sha256_file_hex(job.part.string())) != file.sha256) {
        fs::remove(job.part, ignored);
        if (downloaded_again)
          throw Error(msg::Download::checksum_mismatch, file.path, hub_source_name(address_.source), file.sha256, sha256);
        tracker.note(Message(msg::Download::note_checksum_retry, file.path, file.sha256, sha256));
      } else {
        fs::rename(job.part, job.target, ignored);
        if (ignored) throw Error(msg::Download::rename_failed, job.part.string(), job.target.string(), ignored.message());
        record.add(file);
        tracker.set_state(job.index, FileProgress::State::done);
        return;
      }
      fs::remove(job.part, ignored);
      downloaded_again = true;
    }
  }

  DownloadResult run() {
    check_repo_id(address_.repo_id);
    const RepoListing listing = fetch_listing();
    std::vector<std::string> paths;
    for (const RemoteFile& file : listing.files) paths.push_back(file.path);
    const std::vector<size_t> chosen = select_files(paths, request_.include);
    if (chosen.empty()) throw Error(msg::Download::no_files, address_.repo_id, address_.revision);

    const fs::path folder(request_.output_dir);
    std::error_code error;
    if (path_exists(folder) && !fs::is_directory(folder, error)) throw Error(msg::Download::output_not_folder, folder.string());
    fs::create_directories(folder, error);
    if (error) throw Error(msg::Download::cannot_create_folder, folder.string(), error.message());

    const FolderLock lock(folder);
    Record record(folder, address_, listing);
    DownloadResult result;
    result.output_dir = folder.string();
    result.revision = address_.revision;
    result.commit = listing.commit;
    std::vector<FileProgress> progress_files;
    std::vector<Job> jobs;
    uint64_t bytes_needed = 0;
    for (size_t k = 0; k < chosen.size(); ++k) {
      const RemoteFile& file = listing.files[chosen[k]];
      result.files.push_back(file.path);
      result.total_bytes += file.size;
      Job job{k, file, folder / file.path, folder / (file.path + ".part")};
      FileProgress entry;
      entry.path = file.path;
      entry.total_bytes = file.size;
      // A file in place counts when this folder's record says it was checked, or (a folder from
      // elsewhere) when its sha256 matches; a small file without either is fetched again.
      bool present = false;
      if (path_exists(job.target) && file.size_known && file_size_or_zero(job.target) == file.size) {
        if (record.checked(file)) {
          present = true;
        } else if (!file.sha256.empty() && sha256_file_hex(job.target.string()) == file.sha256) {
          record.add(file);
          present = true;
        }
      }
      if (present) {
        entry.done_bytes = file.size;
        entry.state = FileProgress::State::already_present;
        ++result.files_already_present;
      } else {
        entry.done_bytes = std::min(file_size_or_zero(job.part), file.size);
        bytes_needed += file.size - entry.done_bytes;
        jobs.push_back(std::move(job));
      }
      progress_files.push_back(std::move(entry));
    }
    const fs::space_info space = fs::space(folder, error);
    if (!error && space.available < bytes_needed)
      throw Error(msg::Download::not_enough_space, folder.string(), human_bytes(bytes_needed), human_bytes(space.available));

    Tracker tracker(request_, std::move(progress_files));
    tracker.start();
    std::atomic<size_t> next{0};
    const int threads = std::max(1, std::min<int>(request_.parallel_files, static_cast<int>(jobs.size())));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads && !jobs.empty(); ++t)
      workers.emplace_back([&] { worker(listing, jobs, next, tracker, record); });
    for (std::thread& thread : workers) thread.join();
    record.save_all();
    if (error_) std::rethrow_exception(error_);
    if (cancelled()) throw Error(msg::Download::cancelled);
    result.files_downloaded = static_cast<int>(jobs.size());
    result.bytes_received = tracker.received_bytes();
    return result;
  }

 private:
  const DownloadRequest& request_;
  HubAddress address_;
  std::atomic_bool failed_{false};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

}  // namespace

DownloadResult download_model(const DownloadRequest& request) {
  HubAddress address;
  address.source = request.source;
  address.endpoint = request.endpoint.empty() ? endpoint_from_environment(request.source) : normalize_endpoint(request.endpoint);
  address.repo_id = request.repo_id;
  address.revision = request.revision.empty() ? default_revision(request.source) : request.revision;
  address.token = request.token;
  check_token(address.token);
  Run run(request, std::move(address));
  return run.run();
}

}  // namespace lora::download
