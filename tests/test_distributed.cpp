// Data-parallel training (`train --nproc N`, the torchrun environment) as a user runs it: two Gloo ranks
// over loopback train the adapter one process trains with the same global batch (dropout on: its masks
// follow the records, not the ranks); a run resumes with another number of ranks; a killed rank and a
// hung one stop the other with a message naming it and leave the checkpoints valid; ranks join the
// store of torchrun's agent (hosted here by PyTorch itself, tests/reference/agent_store.py); ranks
// started with different settings, a port in use and an unreachable master get clear errors. The
// reference is always the same training in one process.
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QRegularExpression>
#include <QScopeGuard>

#include <cmath>
#include <map>
#include <vector>

#include "test_support.h"

using test_support::run_cli;

namespace {

// The F32 tensors of a safetensors file, read here with nothing but its published layout (an 8-byte
// little-endian header length, a JSON header, the data) so the check does not lean on the engine's reader.
std::map<QString, std::vector<float>> read_f32_tensors(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  const QByteArray bytes = file.readAll();
  quint64 header_length = 0;
  memcpy(&header_length, bytes.constData(), 8);
  const QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, static_cast<int>(header_length))).object();
  std::map<QString, std::vector<float>> out;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const QJsonObject entry = it.value().toObject();
    if (entry["dtype"].toString() != "F32") continue;
    const qint64 begin = entry["data_offsets"].toArray()[0].toInteger();
    const qint64 end = entry["data_offsets"].toArray()[1].toInteger();
    std::vector<float> values(static_cast<size_t>((end - begin) / 4));
    memcpy(values.data(), bytes.constData() + 8 + header_length + begin, static_cast<size_t>(end - begin));
    out[it.key()] = std::move(values);
  }
  return out;
}

// Largest |a - b| over the largest |a|, over all tensors; -1 when the names differ.
double relative_difference(const QString& a_path, const QString& b_path, double* largest = nullptr) {
  const auto a = read_f32_tensors(a_path), b = read_f32_tensors(b_path);
  if (a.empty() || a.size() != b.size()) return -1;
  double diff = 0, scale = 0;
  for (const auto& [name, values] : a) {
    auto other = b.find(name);
    if (other == b.end() || other->second.size() != values.size()) return -1;
    for (size_t i = 0; i < values.size(); ++i) {
      diff = std::max(diff, std::fabs(static_cast<double>(values[i]) - other->second[i]));
      scale = std::max(scale, std::fabs(static_cast<double>(values[i])));
    }
  }
  if (largest) *largest = scale;
  return scale > 0 ? diff / scale : diff;
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

class TestDistributed : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString model_, data_;

  // fp32 compute, dropout on (its masks must match too), several micro-batches per step, lengths that differ.
  QStringList train_args(const QString& output, int steps) const {
    return {"train", "--model", model_, "--dataset", data_, "--output", output, "--max-steps", QString::number(steps),
            "--rank", "4", "--alpha", "8", "--dropout", "0.1", "--target-modules", "q_proj,k_proj,v_proj,o_proj",
            "--micro-batch-size", "2", "--batch-size", "8", "--cutoff-len", "48", "--dtype", "float32", "--lr", "1e-2",
            "--scheduler", "constant", "--seed", "7", "--eval-samples", "0", "--quiet", "--threads", "1"};
  }

  // One rank started by hand, as torchrun or a SLURM script would (`extra`: more of the environment).
  QProcess* start_rank(int rank, int world, int port, const QStringList& args,
                       const QString& master_addr = "127.0.0.1", const QStringList& extra = {}) {
    auto* process = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("RANK", QString::number(rank));
    env.insert("LOCAL_RANK", QString::number(rank));
    env.insert("WORLD_SIZE", QString::number(world));
    env.insert("MASTER_ADDR", master_addr);
    env.insert("MASTER_PORT", QString::number(port));
    for (const QString& entry : extra) env.insert(entry.section('=', 0, 0), entry.section('=', 1));
    process->setProcessEnvironment(env);
    process->start(test_support::cli_path(), args);
    return process;
  }

  // What a rank that must fail wrote on stderr (or why it did not fail: then no expected message is there).
  static QByteArray error_of_failed_rank(QProcess* rank) {
    if (rank->state() != QProcess::NotRunning && !rank->waitForFinished(60000)) return "still running after 60 s";
    const QByteArray err = rank->readAllStandardError();
    return rank->exitCode() != 0 ? err : "exited with 0, having written: " + err;
  }

  // The adapter one process trains in `steps` steps: the reference of every data-parallel run here.
  QString single_process_adapter(int steps) {
    const QString folder = tmp_.path() + QString("/reference%1").arg(steps);
    if (!QFile::exists(folder + "/adapter_model.safetensors")) {
      auto one = run_cli(train_args(folder, steps));
      if (one.exit_code != 0) qWarning("%s", one.err.constData());
    }
    return folder + "/adapter_model.safetensors";
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_ = tmp_.path() + "/model";
    auto made = run_cli({"make-tiny", model_, "--arch", "qwen2", "--tokenizer",
                         test_support::npm_tokenizer_dir("tokenizer-llama2"), "--init-std", "0.3"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    QFile data(tmp_.path() + "/data.jsonl");
    QVERIFY(data.open(QIODevice::WriteOnly));
    for (int i = 0; i < 16; ++i)
      data.write(QString("{\"instruction\": \"Name %1%2\", \"output\": \"Number %1 %3\"}\n")
                     .arg(i)
                     .arg(QString(" and more").repeated(i % 5))
                     .arg(QString("then %1 ").repeated(i % 3 + 1).arg(i * 7))
                     .toUtf8());
    data_ = data.fileName();
    // Several buckets even on the tiny model, so bucketing and their order are exercised.
    qputenv("LORA_STUDIO_DIST_BUCKET_BYTES", "4096");
  }

  void two_ranks_train_the_adapter_of_one_process() {
    const QString single = QFileInfo(single_process_adapter(4)).path(), pair = tmp_.path() + "/pair";
    QVERIFY(QFile::exists(single + "/adapter_model.safetensors"));
    QStringList args = train_args(pair, 4);
    args << "--nproc" << "2";
    auto two = run_cli(args);
    QVERIFY2(two.exit_code == 0, two.err.constData());
    QCOMPARE(QString::fromUtf8(two.out).trimmed(), pair);  // rank 0 alone prints the adapter folder
    double largest = 0;
    const double difference = relative_difference(single + "/adapter_model.safetensors",
                                                  pair + "/adapter_model.safetensors", &largest);
    QVERIFY2(difference >= 0 && difference <= 1e-5, qPrintable(QString("relative difference %1").arg(difference)));
    QVERIFY2(largest > 1e-3, "the adapter trained (lora_B moved away from zero)");
    // The logged losses (normalised by the global count of target tokens) agree too, step by step.
    auto losses = [](const QString& folder) {
      QFile log(folder + "/training_log.jsonl");
      log.open(QIODevice::ReadOnly);
      QList<double> out;
      for (const QByteArray& line : log.readAll().split('\n'))
        if (!line.isEmpty()) out << QJsonDocument::fromJson(line).object()["loss"].toDouble();
      return out;
    };
    const QList<double> a = losses(single), b = losses(pair);
    QCOMPARE(a.size(), 4);
    QCOMPARE(b.size(), 4);
    for (int i = 0; i < 4; ++i) QVERIFY2(std::fabs(a[i] - b[i]) <= 1e-5 * std::fabs(a[i]), qPrintable(QString::number(i)));
  }

  void a_run_resumes_with_a_different_number_of_ranks() {
    // The reference: 5 steps in one process. Then 2 ranks for 3 steps (checkpoint-2 kept), and one
    // process resumes from that checkpoint to step 5.
    const QString reference = single_process_adapter(5), resumed = tmp_.path() + "/resumed";
    QVERIFY(QFile::exists(reference));
    QStringList first = train_args(resumed, 3);
    first << "--nproc" << "2" << "--save-every" << "2";
    auto two = run_cli(first);
    QVERIFY2(two.exit_code == 0, two.err.constData());
    QVERIFY(QFile::exists(resumed + "/checkpoint-2/manifest.json"));
    QDir(resumed + "/checkpoint-3").removeRecursively();
    QStringList second = train_args(resumed, 5);
    second << "--resume";
    auto rest = run_cli(second);
    QVERIFY2(rest.exit_code == 0, rest.err.constData());
    const double difference = relative_difference(reference, resumed + "/adapter_model.safetensors");
    QVERIFY2(difference >= 0 && difference <= 1e-5, qPrintable(QString("relative difference %1").arg(difference)));
  }

  void a_killed_rank_stops_the_other_naming_it() {
    const QString output = tmp_.path() + "/killed";
    const int port = free_port();
    QStringList args = train_args(output, 100000);
    args.removeAll("--quiet");
    args << "--save-every" << "2" << "--dist-timeout" << "60";
    QProcess* rank0 = start_rank(0, 2, port, args);
    QProcess* rank1 = start_rank(1, 2, port, args);
    QVERIFY(rank0->waitForStarted() && rank1->waitForStarted());
    QByteArray err0;
    QElapsedTimer timer;
    timer.start();
    while (!err0.contains("step 5/") && timer.elapsed() < 60000) {
      rank0->waitForReadyRead(200);
      err0 += rank0->readAllStandardError();
    }
    QVERIFY2(err0.contains("step 5/"), err0.constData());
    rank1->kill();  // SIGKILL: no goodbye
    timer.restart();
    QVERIFY2(rank0->waitForFinished(30000), "rank 0 kept running after rank 1 died");
    err0 += rank0->readAllStandardError();
    QVERIFY(rank0->exitCode() != 0);
    QVERIFY2(err0.contains("rank 1 stopped responding"), err0.constData());
    QVERIFY2(err0.contains("--resume"), err0.constData());
    rank1->waitForFinished(5000);
    // The last checkpoint is whole: one process resumes from it.
    QVERIFY(QFile::exists(output + "/checkpoint-4/manifest.json"));
    auto resumed = run_cli(QStringList(train_args(output, 6)) << "--resume");
    QVERIFY2(resumed.exit_code == 0, resumed.err.constData());
    QVERIFY(QFile::exists(output + "/adapter_model.safetensors"));
  }

  void a_hung_rank_stops_the_others_naming_it() {
    // Rank 1 stops making progress at step 3 (LORA_STUDIO_TEST_HANG_*: its process and heartbeat live on).
    // Rank 0 waits --dist-timeout for it at that step's all-reduce, names it and stops; the launcher
    // then stops the hung process, so nothing is left running.
    const QString output = tmp_.path() + "/hung";
    const int timeout = 6;
    QStringList args = train_args(output, 5);
    args << "--nproc" << "2" << "--save-every" << "2" << "--dist-timeout" << QString::number(timeout);
    QProcess launcher;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("LORA_STUDIO_TEST_HANG_RANK", "1");
    env.insert("LORA_STUDIO_TEST_HANG_AT_STEP", "3");
    launcher.setProcessEnvironment(env);
    QElapsedTimer timer;
    timer.start();
    launcher.start(test_support::cli_path(), args);
    QVERIFY(launcher.waitForStarted());
    QVERIFY2(launcher.waitForFinished(120000), "the launcher did not stop after a rank hung");
    const QByteArray err = launcher.readAllStandardError();
    QVERIFY(launcher.exitCode() != 0);
    QVERIFY2(err.contains(QString("rank 1 did not take part in step 3 within %1 s").arg(timeout).toUtf8()),
             err.constData());
    QVERIFY2(err.contains("--resume"), err.constData());
    // Stopped within the timeout plus the launcher's grace (as long as the timeout, here) and a start-up:
    // not at the default 600 s, nor never.
    QVERIFY2(timer.elapsed() < (3 * timeout + 30) * 1000, qPrintable(QString("%1 ms").arg(timer.elapsed())));
    // The hung process is gone (the launcher reaped it): no orphan keeps the CPU or the port.
    const QRegularExpressionMatch hung =
        QRegularExpression("rank 1 \\(process (\\d+)\\) was killed by signal").match(QString::fromUtf8(err));
    QVERIFY2(hung.hasMatch(), err.constData());
    QVERIFY2(!QFile::exists("/proc/" + hung.captured(1)), qPrintable("process " + hung.captured(1) + " still runs"));
    // The last checkpoint is whole, and two ranks resume from it to the adapter of one process.
    QVERIFY(QFile::exists(output + "/checkpoint-2/manifest.json"));
    QVERIFY(!QFile::exists(output + "/adapter_model.safetensors"));
    auto resumed = run_cli(QStringList(train_args(output, 5)) << "--resume" << "--nproc" << "2");
    QVERIFY2(resumed.exit_code == 0, resumed.err.constData());
    const double difference = relative_difference(single_process_adapter(5), output + "/adapter_model.safetensors");
    QVERIFY2(difference >= 0 && difference <= 1e-5, qPrintable(QString("relative difference %1").arg(difference)));
  }

  void ranks_join_the_store_of_torchruns_agent() {
    // torchrun's agent, when it hosts the store (TORCHELASTIC_USE_AGENT_STORE=True), is a c10d TCPStore
    // server made by PyTorch; Debian's python3-torch makes the same one here (torchrun itself does not run
    // on this Python). Rank 0 must join it as a client like the others, not host one of its own.
    QProcess agent;
    agent.start("/usr/bin/python3", {test_support::reference_dir() + "/agent_store.py", "2"});
    QVERIFY(agent.waitForStarted());
    QElapsedTimer timer;
    timer.start();
    while (!agent.canReadLine() && agent.state() == QProcess::Running && timer.elapsed() < 30000)
      agent.waitForReadyRead(200);
    const int port = QJsonDocument::fromJson(agent.readLine()).object()["port"].toInt();
    if (port <= 0) QSKIP(qPrintable("no PyTorch for Python (python3-torch) to host the store: " + agent.readAllStandardError()));
    const QString output = tmp_.path() + "/agent";
    const QStringList torchrun = {"TORCHELASTIC_USE_AGENT_STORE=True", "TORCHELASTIC_RESTART_COUNT=0",
                                  "TORCHELASTIC_RUN_ID=none", "TORCHELASTIC_MAX_RESTARTS=0", "LOCAL_WORLD_SIZE=2"};
    QProcess* rank0 = start_rank(0, 2, port, train_args(output, 4), "127.0.0.1", torchrun);
    QProcess* rank1 = start_rank(1, 2, port, train_args(output, 4), "127.0.0.1", torchrun);
    QVERIFY(rank0->waitForFinished(120000) && rank1->waitForFinished(120000));
    QVERIFY2(rank0->exitCode() == 0, rank0->readAllStandardError().constData());
    QVERIFY2(rank1->exitCode() == 0, rank1->readAllStandardError().constData());
    QCOMPARE(QString::fromUtf8(rank0->readAllStandardOutput()).trimmed(), output);
    const double difference = relative_difference(single_process_adapter(4), output + "/adapter_model.safetensors");
    QVERIFY2(difference >= 0 && difference <= 1e-5, qPrintable(QString("relative difference %1").arg(difference)));
    // The agent's store is still up, its own key as it set it.
    agent.closeWriteChannel();
    QVERIFY(agent.waitForFinished(10000));
    QCOMPARE(QJsonDocument::fromJson(agent.readLine()).object()["agent_key"].toString(), QString("127.0.0.1"));
  }

  void ranks_started_with_different_settings_are_refused() {
    const int port = free_port();
    QStringList args = train_args(tmp_.path() + "/mismatch", 2);
    args << "--dist-timeout" << "30";
    QStringList other = args;
    other.replace(other.indexOf("--lr") + 1, "2e-2");
    QProcess* rank0 = start_rank(0, 2, port, args);
    QProcess* rank1 = start_rank(1, 2, port, other);
    QVERIFY(rank0->waitForFinished(60000) && rank1->waitForFinished(60000));
    const QByteArray err0 = rank0->readAllStandardError(), err1 = rank1->readAllStandardError();
    QVERIFY(rank0->exitCode() != 0 && rank1->exitCode() != 0);
    for (const QByteArray& err : {err0, err1})
      QVERIFY2(err.contains("rank 1 does not have the same training options as rank 0"), err.constData());
    QVERIFY(!QFile::exists(tmp_.path() + "/mismatch/adapter_model.safetensors"));
  }

  void a_port_in_use_and_an_unreachable_master_are_clear_errors() {
    // Someone else listens on a port (and never answers: the kernel accepts for it).
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const auto close_listener = qScopeGuard([fd] { close(fd); });
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    QVERIFY(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    QVERIFY(listen(fd, 4) == 0);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const int taken = ntohs(address.sin_port);
    const int nobody = free_port();
    // The ranks that cannot reach a master run side by side (each waits out its timeout).
    // A rank whose MASTER_PORT leads to that program; one with nobody at the master's address; one whose
    // master address names no machine (said at once, not after the timeout).
    QProcess* misled = start_rank(1, 2, taken, QStringList(train_args(tmp_.path() + "/misled", 2)) << "--dist-timeout" << "3");
    QProcess* lonely = start_rank(1, 2, nobody, QStringList(train_args(tmp_.path() + "/lonely", 2)) << "--dist-timeout" << "3");
    QElapsedTimer timer;
    timer.start();
    QProcess* nameless = start_rank(1, 2, nobody, QStringList(train_args(tmp_.path() + "/nameless", 2)) << "--dist-timeout" << "30",
                                    "no-such-host.invalid");

    // Rank 0 of a run on the taken port cannot host the rendezvous there.
    QStringList args = train_args(tmp_.path() + "/port", 2);
    args << "--nproc" << "2" << "--master-port" << QString::number(taken) << "--dist-timeout" << "3";
    auto result = run_cli(args, 120000);
    QVERIFY(result.exit_code != 0);
    QVERIFY2(result.err.contains(QString("port %1: the port is in use").arg(taken).toUtf8()), result.err.constData());

    QVERIFY(nameless->waitForFinished(60000));
    QVERIFY2(timer.elapsed() < 25000, qPrintable(QString("%1 ms").arg(timer.elapsed())));
    // Each names the address it tried and says why it failed.
    const QString cannot_reach = "cannot reach the master (rank 0) at %1:%2 within %3 s: %4";
    const std::vector<std::pair<QProcess*, QString>> expected = {
        {nameless, cannot_reach.arg("no-such-host.invalid").arg(nobody).arg(30).arg("the host name cannot be resolved")},
        {misled, cannot_reach.arg("127.0.0.1").arg(taken).arg(3).arg(
                     "a program answers on that port, but not as the run's rendezvous")},
        {lonely, cannot_reach.arg("127.0.0.1").arg(nobody).arg(3).arg("no TCP connection could be made")}};
    for (const auto& [rank, message] : expected) {
      const QByteArray err = error_of_failed_rank(rank);
      QVERIFY2(err.contains(message.toUtf8()), qPrintable(message + "\n" + err));
    }
  }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
