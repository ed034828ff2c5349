// lora-studio-cli: the engine from the command line. Subcommands register themselves
// (see cli_command.h); this file parses, dispatches and turns errors into messages.
#include <csignal>
#include <exception>
#include <iostream>
#include <stdexcept>

#include "cli_command.h"
#include "error.h"

namespace cli {

std::map<std::string, Command>& registry() {
  static std::map<std::string, Command> commands;
  return commands;
}

Args Args::parse(const std::vector<std::string>& argv, const std::vector<std::string>& flag_names,
                 const std::map<std::string, std::string>& aliases) {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::map<std::string, std::string> spelling_used;  // documented name -> how the command line wrote it
  auto is_flag = [&](const std::string& key) {
    for (const auto& f : flag_names)
      if (f == key) return true;
    return false;
  };
  auto documented = [&](const std::string& key) {
    const auto alias = aliases.find(key);
    const std::string name = alias == aliases.end() ? key : alias->second;
    const auto earlier = spelling_used.find(name);
    if (earlier != spelling_used.end() && earlier->second != key)
      throw cli::UsageError("--" + earlier->second + " and --" + key + " are the same option (--" + name + "); give it once");
    spelling_used[name] = key;
    return name;
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string key = a.substr(2);
      auto eq = key.find('=');
      if (eq != std::string::npos) {
        options[documented(key.substr(0, eq))] = key.substr(eq + 1);
      } else {
        const std::string name = documented(key);
        if (is_flag(name)) {
          options[name] = "true";
        } else {
          if (i + 1 >= argv.size()) throw cli::UsageError("option --" + key + " needs a value");
          options[name] = argv[++i];
        }
      }
    } else {
      positional.push_back(a);
    }
  }
  return Args(std::move(positional), std::move(options));
}

std::string Args::positional_at(size_t i, const char* what) const {
  if (i >= positional_.size()) throw cli::UsageError(std::string("missing argument: ") + what);
  return positional_[i];
}

std::string Args::model_dir(size_t position) const {
  if (has("model")) {
    if (positional_.size() > position)
      throw cli::UsageError("give the model folder either as --model or as an argument, not both");
    return get("model");
  }
  return positional_at(position, "MODEL_DIR (or --model DIR)");
}

std::string Args::get(const std::string& key, const std::string& fallback) const {
  auto it = options_.find(key);
  return it == options_.end() ? fallback : it->second;
}

std::string Args::require(const std::string& key) const {
  auto it = options_.find(key);
  if (it == options_.end()) throw cli::UsageError("missing required option --" + key);
  return it->second;
}

int Args::get_int(const std::string& key, int fallback) const {
  auto it = options_.find(key);
  if (it == options_.end()) return fallback;
  try {
    size_t used = 0;
    int value = std::stoi(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument("trailing");
    return value;
  } catch (const std::exception&) {
    throw cli::UsageError("option --" + key + " expects an integer, got '" + it->second + "'");
  }
}

double Args::get_double(const std::string& key, double fallback) const {
  auto it = options_.find(key);
  if (it == options_.end()) return fallback;
  try {
    size_t used = 0;
    double value = std::stod(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument("trailing");
    return value;
  } catch (const std::exception&) {
    throw cli::UsageError("option --" + key + " expects a number, got '" + it->second + "'");
  }
}

void Args::check_known(const std::vector<std::string>& known) const {
  for (const auto& [key, value] : options_) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == key;
    if (!ok) throw cli::UsageError("unknown option --" + key);
  }
}

}  // namespace cli

static void print_usage(std::ostream& out) {
  out << "lora-studio-cli " << LORA_STUDIO_VERSION << ": LoRA fine-tuning of local language models\n\n"
      << "Usage: lora-studio-cli COMMAND [ARGS...]   (lora-studio-cli COMMAND --help for details)\n\nCommands:\n";
  for (const auto& [name, command] : cli::registry()) out << "  " << command.usage << "\n";
}

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(true);
  // Past a file-size limit a write must fail with EFBIG (reported with the file's name, previous
  // files intact), not kill the process with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    print_usage(std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (std::string(argv[1]) == "--version") {
    std::cout << "lora-studio-cli " << LORA_STUDIO_VERSION << "\n";
    return 0;
  }
  auto it = cli::registry().find(argv[1]);
  if (it == cli::registry().end()) {
    std::cerr << "lora-studio-cli: unknown command '" << argv[1] << "'\n\n";
    print_usage(std::cerr);
    return 2;
  }
  const cli::Command& command = it->second;
  std::vector<std::string> rest(argv + 2, argv + argc);
  for (const auto& a : rest) {
    if (a == "--help" || a == "-h") {
      std::cout << "Usage: lora-studio-cli " << command.usage << "\n\n" << command.help << "\n";
      return 0;
    }
  }
  try {
    return command.run(cli::Args::parse(rest, command.flag_names, command.aliases));
  } catch (const cli::UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const lora::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
