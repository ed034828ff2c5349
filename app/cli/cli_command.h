#pragma once
// lora-studio-cli's subcommands. Each lives in its own cli_<name>.cpp and registers itself
// with a static CliCommandRegistration, so adding a command touches no other file.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cli_usage_error.h"

namespace cli {

// Parsed command line: positional arguments and --options ("--key value", "--key=value", "--flag").
// Its checks throw UsageError.
class Args {
 public:
  Args(std::vector<std::string> positional, std::map<std::string, std::string> options)
      : positional_(std::move(positional)), options_(std::move(options)) {}
  // `aliases` maps an old spelling to the documented option name; it is rewritten here, so a
  // command only ever sees (and checks) the documented name.
  static Args parse(const std::vector<std::string>& argv, const std::vector<std::string>& flag_names,
                    const std::map<std::string, std::string>& aliases = {});

  const std::vector<std::string>& positional() const { return positional_; }
  std::string positional_at(size_t i, const char* what) const;  // throws naming `what` when missing
  // The model folder: --model DIR, or else the argument at `position` (both is an error).
  std::string model_dir(size_t position) const;
  bool has_model_dir(size_t position) const { return has("model") || positional_.size() > position; }
  bool has(const std::string& key) const { return options_.count(key) != 0; }
  std::string get(const std::string& key, const std::string& fallback = "") const;
  std::string require(const std::string& key) const;
  int get_int(const std::string& key, int fallback) const;
  double get_double(const std::string& key, double fallback) const;
  // Throws naming the first option not in `known`, so typos are never silently ignored.
  void check_known(const std::vector<std::string>& known) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
};

struct Command {
  std::string name;
  std::string usage;                   // one line: "info MODEL_DIR"
  std::string help;                    // the full --help text
  std::vector<std::string> flag_names; // options that take no value
  std::function<int(const Args&)> run; // returns the exit code; throws UsageError or lora::Error for bad input
  // Old spellings kept working for existing scripts (old name -> documented name). They are not
  // listed in --help: the CLI uses one name for one thing (--dtype, --chat-template, ...).
  std::map<std::string, std::string> aliases = {};
};

std::map<std::string, Command>& registry();

struct CliCommandRegistration {
  explicit CliCommandRegistration(Command command) { registry()[command.name] = std::move(command); }
};

}  // namespace cli
