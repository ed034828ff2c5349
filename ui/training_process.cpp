#include "training_process.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <algorithm>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli_progress_line.h"
#include "engine_messages.h"
#include "training_cli_arguments.h"

namespace ui {

TrainingProcess::TrainingProcess(const lora::TrainingSettings& settings, bool resume, int processes, QObject* parent)
    : QObject(parent) {
  static const int registered = qRegisterMetaType<lora::TrainingProgress>();
  Q_UNUSED(registered);
  arguments_ << QStringLiteral("train") << trainingCliArguments(settings);
  if (resume) arguments_ << QStringLiteral("--resume");
  arguments_ << QStringLiteral("--nproc") << QString::number(processes) << QStringLiteral("--progress-json");
  process_.setProgram(cliPath());
  process_.setArguments(arguments_);
  process_.setChildProcessModifier([] {
    // Its own group, so what outlives a stop can be killed at once; and a stop if the window dies.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
  });
  connect(&process_, &QProcess::readyReadStandardOutput, this, &TrainingProcess::readOutput);
  connect(&process_, &QProcess::readyReadStandardError, this, &TrainingProcess::readErrors);
  connect(&process_, &QProcess::finished, this, &TrainingProcess::onProcessFinished);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart || reported_end_) return;
    reported_end_ = true;
    Q_EMIT failed(tr("%1 could not be started: %2").arg(QDir::toNativeSeparators(process_.program()),
                                                        process_.errorString()));
    Q_EMIT ended();
  });
}

TrainingProcess::~TrainingProcess() {
  disconnect(&process_, nullptr, this, nullptr);
  waitForEnd(60000);
}

QString TrainingProcess::cliPath() {
  const QString configured = qEnvironmentVariable("LORA_CLI");
  if (!configured.isEmpty()) return configured;
  return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("lora-studio-cli"));
}

QString TrainingProcess::commandLine() const {
  QStringList words;
  for (const QString& word : QStringList(process_.program()) + arguments_) {
    const bool plain = !word.isEmpty() && std::all_of(word.begin(), word.end(), [](QChar c) {
      return c.isLetterOrNumber() || QStringLiteral("-_./,:=+@%").contains(c);
    });
    words << (plain ? word : "'" + QString(word).replace("'", "'\\''") + "'");
  }
  return words.join(' ');
}

void TrainingProcess::start() { process_.start(); }

void TrainingProcess::requestStop() {
  if (stop_requested_ || !isRunning()) return;
  stop_requested_ = true;
  process_.terminate();  // SIGTERM to the launcher, which passes it on to the ranks
}

void TrainingProcess::waitForEnd(int msecs) {
  if (!isRunning()) return;
  requestStop();
  if (process_.waitForFinished(msecs)) return;
  const qint64 group = process_.processId();
  if (group > 0) ::kill(static_cast<pid_t>(-group), SIGKILL);
  process_.waitForFinished(5000);
}

void TrainingProcess::readOutput() {
  output_ += process_.readAllStandardOutput();
  for (int end = output_.indexOf('\n'); end >= 0; end = output_.indexOf('\n')) {
    const QByteArray line = output_.left(end);
    output_.remove(0, end + 1);
    handleLine(line);
  }
}

void TrainingProcess::readErrors() {
  errors_ += process_.readAllStandardError();
  for (int end = errors_.indexOf('\n'); end >= 0; end = errors_.indexOf('\n')) {
    const QString line = QString::fromUtf8(errors_.left(end)).trimmed();
    errors_.remove(0, end + 1);
    if (line.startsWith(QLatin1String("error: "))) stderr_errors_ << line.mid(7);
  }
}

void TrainingProcess::handleLine(const QByteArray& line) {
  const CliProgressLine parsed = parseCliProgressLine(line);
  switch (parsed.kind) {
    case CliProgressLine::Kind::progress: Q_EMIT progress(parsed.progress); break;
    case CliProgressLine::Kind::result:
      has_result_ = true;
      result_ = parsed.result;
      break;
    case CliProgressLine::Kind::error: {
      const QString message = parsed.error.empty() ? parsed.error_text : engineMessage(parsed.error);
      rank_errors_ << (parsed.rank >= 0 ? tr("Rank %1: %2").arg(parsed.rank).arg(message) : message);
      break;
    }
    case CliProgressLine::Kind::none: break;
  }
}

void TrainingProcess::onProcessFinished(int exit_code, QProcess::ExitStatus status) {
  readOutput();
  readErrors();
  if (reported_end_) return;
  reported_end_ = true;
  // A rank that failed makes the run fail, even when rank 0 managed to save what it had.
  if (has_result_ && rank_errors_.isEmpty() && status == QProcess::NormalExit &&
      (exit_code == 0 || result_.outcome == lora::TrainingResult::Outcome::Diverged))
    Q_EMIT finished(static_cast<int>(result_.outcome), result_.steps_done, result_.final_loss,
                    engineMessage(result_.message));
  else
    Q_EMIT failed(failureMessage(exit_code, status));
  Q_EMIT ended();
}

QString TrainingProcess::failureMessage(int exit_code, QProcess::ExitStatus status) const {
  // A stop before the ranks could take it calmly (still starting) kills them: that is no failure of theirs.
  if (stop_requested_) return tr("Stopped before training began: nothing was trained.");
  if (!rank_errors_.isEmpty()) return rank_errors_.join('\n');
  if (!stderr_errors_.isEmpty()) return stderr_errors_.join('\n');
  if (status == QProcess::CrashExit)
    return tr("The training processes were ended before they could report (%1).").arg(process_.errorString());
  return tr("The training processes ended with code %1 without a result.").arg(exit_code);
}

}  // namespace ui
