#pragma once
// `lora-studio-cli bench KIND ...`: each benchmark kind registers itself like a command, so a new
// kind (bench train, ...) is one more file: app/cli/cli_bench_<kind>.cpp with a static
// BenchKindRegistration. Registering a kind also (re)registers the "bench" command with the usage,
// help and flags of every kind known so far, so static initialisation order does not matter.
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cli_command.h"

namespace cli {

struct BenchKind {
  std::string name;                     // "forward"
  std::string usage;                    // "bench forward MODEL_DIR|--arch ... [--seq-len N] ..."
  std::string help;                     // its options, for `bench --help`
  std::vector<std::string> flag_names;  // options that take no value
  std::function<int(const Args&)> run;  // Args without the kind: positional()[0] is what follows it
  std::map<std::string, std::string> aliases = {};  // hidden old spellings, as Command::aliases
};

std::map<std::string, BenchKind>& bench_kinds();

struct BenchKindRegistration {
  explicit BenchKindRegistration(BenchKind kind);
};

// Helpers the kinds share: printf into a std::string, one "label   value" table row, and a
// temporary folder (for a generated model) removed when the benchmark ends.
std::string printf_string(const char* format, ...) __attribute__((format(printf, 1, 2)));
void row(const char* label, const std::string& value);
struct BenchTemporaryDir {
  BenchTemporaryDir();
  ~BenchTemporaryDir();
  std::filesystem::path path;
};

}  // namespace cli
