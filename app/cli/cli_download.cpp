// lora-studio-cli download: a model from the Hugging Face Hub (or a mirror) or ModelScope into a
// plain folder under the models folder the window scans.
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli_command.h"
#include "error.h"
#include "file_selection.h"
#include "hub_api.h"
#include "model_download.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Downloads a model from the Hugging Face Hub (or a mirror of it) or from ModelScope into a plain
folder: config.json, the *.safetensors weights and their index, the tokenizer files, the chat
template, README and LICENSE (other copies of the weights, *.bin, *.pth, onnx/, *.gguf and original/,
are left out when safetensors are there). Files arrive as FILE.part and get their name once their
size and sha256 match the hub's list, so an interrupted download goes on where it stopped when run
again, and a complete folder downloads nothing. Progress goes to stderr, a JSON summary to stdout.

Options:
  --output DIR          the model folder (default: the window's models folder, ORG/NAME in
                        $XDG_DATA_HOME/lora-studio/models, i.e. ~/.local/share/lora-studio/models)
  --source hf|modelscope   where from (default hf)
  --revision REV        a branch, tag or commit (default main; ModelScope: master)
  --endpoint URL        the hub's address, e.g. a mirror (default $HF_ENDPOINT or https://huggingface.co;
                        ModelScope: $MODELSCOPE_DOMAIN or https://www.modelscope.cn)
  --token TOKEN         an access token, for gated and private models (default $HF_TOKEN, else the
                        token saved by `hf auth login`; ModelScope: $MODELSCOPE_API_TOKEN)
  --include GLOB,...    more files to download, matched on the path in the repository like
                        huggingface_hub's allow_patterns ('*' also matches '/'; "dir/" is all of dir),
                        e.g. --include "*.gguf" or --include "original/"
  --parallel N          files downloaded at once (default 3)
  --retries N           times a failed request is tried again (default 5); a 429 answer's
                        Retry-After is honoured
  --timeout SECONDS     a connection with no data for this long is dropped and tried again (default 30)

Proxies come from the environment: https_proxy, http_proxy, all_proxy, no_proxy.)";

std::atomic_bool g_cancel{false};

void on_signal(int) { g_cancel.store(true); }

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

// Where the window looks for models first: QStandardPaths::GenericDataLocation + "/lora-studio/models"
// (ui/app_session.cpp, AppSession::defaultModelFolder). The window's list of model folders is a
// setting the CLI does not read; this folder is in it unless the user removed it.
std::string default_models_folder() {
#if defined(_WIN32)
  return env("LOCALAPPDATA") + "/lora-studio/models";
#elif defined(__APPLE__)
  return env("HOME") + "/Library/Application Support/lora-studio/models";
#else
  const std::string xdg = env("XDG_DATA_HOME");
  const std::string base = !xdg.empty() && xdg.front() == '/' ? xdg : env("HOME") + "/.local/share";
  return base + "/lora-studio/models";
#endif
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

std::string human_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  return text;
}

// Progress on stderr: a line per finished file, the total every few seconds.
class ProgressPrinter {
 public:
  void operator()(const lora::download::DownloadProgress& progress) {
    using State = lora::download::FileProgress::State;
    if (!announced_) {
      announced_ = true;
      int present = 0;
      for (const auto& file : progress.files) present += file.state == State::already_present;
      std::cerr << progress.files_total << " files, " << human_bytes(static_cast<double>(progress.total_bytes));
      if (present) std::cerr << " (" << present << " already here)";
      std::cerr << std::endl;
      last_total_ = std::chrono::steady_clock::now();
    }
    if (progress.changed_file < progress.files.size()) {
      const auto& file = progress.files[progress.changed_file];
      if (file.state == State::done)
        std::cerr << "[" << progress.files_done << "/" << progress.files_total << "] " << file.path << " ("
                  << human_bytes(static_cast<double>(file.total_bytes)) << ")" << std::endl;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_total_ < std::chrono::seconds(2) && progress.files_done < progress.files_total) return;
    last_total_ = now;
    const double percent = progress.total_bytes ? 100.0 * progress.done_bytes / progress.total_bytes : 100.0;
    char line[160];
    std::snprintf(line, sizeof line, "  %5.1f%%  %s of %s", percent, human_bytes(static_cast<double>(progress.done_bytes)).c_str(),
                  human_bytes(static_cast<double>(progress.total_bytes)).c_str());
    std::cerr << line;
    if (progress.bytes_per_second > 0) std::cerr << "  " << human_bytes(progress.bytes_per_second) << "/s";
    if (progress.eta_seconds >= 0 && progress.files_done < progress.files_total)
      std::cerr << "  ETA " << human_duration(progress.eta_seconds);
    std::cerr << std::endl;
  }

 private:
  bool announced_ = false;
  std::chrono::steady_clock::time_point last_total_{};
};

int run_download(const Args& args) {
  args.check_known({"revision", "output", "endpoint", "source", "token", "include", "parallel", "retries", "timeout"});
  if (args.positional().size() > 1) throw UsageError("download takes one REPO_ID, got " + std::to_string(args.positional().size()));
  lora::download::DownloadRequest request;
  request.repo_id = args.positional_at(0, "REPO_ID (e.g. Qwen/Qwen2.5-0.5B-Instruct)");
  const std::string source = args.get("source", "hf");
  if (!lora::download::parse_hub_source(source, &request.source))
    throw UsageError("option --source expects hf or modelscope, got '" + source + "'");
  lora::download::check_repo_id(request.repo_id);
  request.revision = args.get("revision");
  request.endpoint = args.has("endpoint") ? lora::download::normalize_endpoint(args.get("endpoint"))
                                          : lora::download::endpoint_from_environment(request.source);
  request.token = args.has("token") ? args.get("token") : lora::download::token_from_environment(request.source);
  request.output_dir = args.has("output") ? args.get("output") : default_models_folder() + "/" + request.repo_id;
  if (args.has("include")) request.include = lora::download::split_patterns(args.get("include"));
  request.parallel_files = args.get_int("parallel", 3);
  if (request.parallel_files < 1 || request.parallel_files > 16) throw UsageError("option --parallel expects 1 to 16");
  const int retries = args.get_int("retries", 5);
  if (retries < 0 || retries > 100) throw UsageError("option --retries expects 0 to 100");
  request.max_attempts = retries + 1;
  request.stall_timeout_seconds = args.get_int("timeout", 30);
  if (request.stall_timeout_seconds < 1) throw UsageError("option --timeout expects a number of seconds, 1 or more");

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  request.cancel = &g_cancel;
  ProgressPrinter printer;
  request.on_progress = [&printer](const lora::download::DownloadProgress& progress) { printer(progress); };
  request.on_note = [](const lora::Message& note) { std::cerr << "note: " << note.english() << std::endl; };

  std::cerr << "downloading " << request.repo_id << " from " << request.endpoint << " ("
            << lora::download::hub_source_name(request.source) << (request.token.empty() ? "" : ", with a token")
            << ") into " << request.output_dir << std::endl;
  const lora::download::DownloadResult result = lora::download::download_model(request);
  std::cerr << (result.files_downloaded ? "done: " : "already complete: ") << result.output_dir << std::endl;

  nlohmann::ordered_json summary;
  summary["repo_id"] = request.repo_id;
  summary["source"] = request.source == lora::download::HubSource::modelscope ? "modelscope" : "hf";
  summary["endpoint"] = request.endpoint;
  summary["revision"] = result.revision;
  summary["commit"] = result.commit.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(result.commit);
  summary["output"] = result.output_dir;
  summary["files"] = result.files;
  summary["files_downloaded"] = result.files_downloaded;
  summary["files_already_present"] = result.files_already_present;
  summary["bytes_received"] = result.bytes_received;
  summary["total_bytes"] = result.total_bytes;
  std::cout << summary.dump() << std::endl;
  return 0;
}

const CliCommandRegistration registration({
    "download",
    "download REPO_ID [--revision REV] [--output DIR] [--endpoint URL] [--source hf|modelscope] [--token TOKEN] "
    "[--include GLOB,...]",
    kHelp,
    {},
    run_download,
});

}  // namespace
}  // namespace cli
