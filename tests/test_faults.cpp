// Faults a long training run meets on a real machine: the process killed at any moment, the disk
// filling up while a checkpoint or adapter is saved, an output folder that cannot be written, the
// model folder deleted while it is in use. None of them may lose more than the work since the last
// checkpoint, or damage a file already written.
//
// LORA_FAULT_KILLS (default 3) sets how many SIGKILLs each kill test deals; scripts/fault-test.sh
// raises it. The tmpfs tests (a real full disk, a read-only mount) need root; without it they fall
// back to RLIMIT_FSIZE and chmod, which exercise the same error paths.
#include <ATen/ATen.h>

#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "causal_lm.h"
#include "checkpoint.h"
#include "error.h"
#include "generation.h"
#include "safetensors.h"
#include "sha256.h"
#include "tokenizer.h"
#include "training_checkpoint.h"

#include <QtTest>

#include "test_support.h"

using test_support::run_cli;
namespace fs = std::filesystem;

namespace {

QByteArray read_file(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

// Largest absolute difference between two adapters' tensors (infinity when their names differ).
double adapter_difference(const QString& a_dir, const QString& b_dir) {
  const auto a = lora::SafetensorsFile::open((a_dir + "/adapter_model.safetensors").toStdString());
  const auto b = lora::SafetensorsFile::open((b_dir + "/adapter_model.safetensors").toStdString());
  if (a->tensors().size() != b->tensors().size()) return INFINITY;
  double worst = 0;
  for (const auto& info : a->tensors()) {
    const lora::TensorInfo* other = b->find(info.name);
    if (!other || other->shape != info.shape || info.dtype != lora::DType::F32 || other->dtype != info.dtype)
      return INFINITY;
    const auto* x = reinterpret_cast<const float*>(a->data(info));
    const auto* y = reinterpret_cast<const float*>(b->data(*other));
    for (int64_t i = 0; i < info.numel(); ++i) worst = std::max(worst, std::abs(double(x[i]) - double(y[i])));
  }
  return worst;
}

// The adapter and checkpoint files under `dir` (relative path -> bytes), to show a failed save
// changed none of them. (training_parameters.json and the log legitimately change on a resume.)
QMap<QString, QByteArray> snapshot(const QString& dir) {
  QMap<QString, QByteArray> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir.toStdString())) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = fs::relative(entry.path(), dir.toStdString()).string();
    if (relative.rfind("adapter_", 0) != 0 && relative.rfind("checkpoint-", 0) != 0) continue;
    files[QString::fromStdString(fs::relative(entry.path(), dir.toStdString()).string())] =
        read_file(QString::fromStdString(entry.path().string()));
  }
  return files;
}

QByteArray last_line(const QByteArray& text) { return text.trimmed().split('\n').last(); }

QStringList leftovers(const QString& dir) {
  QStringList found;
  for (const auto& entry : fs::recursive_directory_iterator(dir.toStdString())) {
    const QString name = QString::fromStdString(entry.path().filename().string());
    if (name.contains(".tmp-") || name.endsWith(".partial")) found << name;
  }
  return found;
}

// A small tmpfs mounted at `dir` while it lives (root only; mounted() is false otherwise).
class TmpfsMount {
 public:
  TmpfsMount(const QString& dir, const QString& size) : dir_(dir.toStdString()) {
    fs::create_directories(dir_);
    if (::geteuid() == 0)
      mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, ("size=" + size.toStdString()).c_str()) == 0;
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool remount_read_only() {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

// Fills the file system holding `dir` until fewer than `leave` bytes are free.
void fill_disk(const QString& dir, qint64 leave) {
  QFile filler(dir + "/filler.bin");
  filler.open(QIODevice::WriteOnly);
  const QByteArray block(4096, 'x');
  while (filler.write(block) == block.size()) {
  }
  filler.close();
  filler.resize(std::max<qint64>(0, filler.size() - leave));
}

}  // namespace

class TestFaults : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString model_, data_, reference_;
  int kills_ = 3;
  double reference_seconds_ = 0;
  static constexpr int kSteps = 8;

  QStringList train_args(const QString& output, int steps = kSteps, const QString& model = {}) const {
    return {"train", "--model", model.isEmpty() ? model_ : model, "--dataset", data_, "--output", output,
            "--max-steps", QString::number(steps), "--save-every", "1", "--rank", "4", "--alpha", "8",
            "--dropout", "0.1", "--micro-batch-size", "2", "--batch-size", "4", "--cutoff-len", "48",
            "--precision", "float32", "--threads", "1", "--seed", "7"};
  }

  // Starts `train`, waits until `kill_when` says so (or the run ends), and SIGKILLs it.
  // Returns true when the process was killed, false when it had already finished.
  template <typename Predicate>
  bool start_and_kill(const QStringList& args, Predicate kill_when, int limit_ms = 120000) {
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(test_support::cli_path(), args);
    if (!process.waitForStarted()) return false;
    QElapsedTimer timer;
    timer.start();
    while (process.state() == QProcess::Running && timer.elapsed() < limit_ms) {
      if (kill_when(timer.elapsed())) {
        process.kill();  // SIGKILL: no handler, no cleanup, as a crash or the OOM killer
        process.waitForFinished(10000);
        return process.exitStatus() == QProcess::CrashExit;
      }
      process.waitForFinished(1);
    }
    process.waitForFinished(limit_ms);
    return false;
  }

  void resume_to_the_end_and_compare(const QString& output) {
    QStringList args = train_args(output);
    args << "--resume";
    const auto finished = run_cli(args);
    QVERIFY2(finished.exit_code == 0, finished.err.constData());
    const double diff = adapter_difference(reference_, output);
    QVERIFY2(diff < 1e-6, qPrintable(QString("the resumed adapter differs from the uninterrupted one by %1").arg(diff)));
    QVERIFY2(leftovers(output).isEmpty(), qPrintable(leftovers(output).join(", ")));
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    kills_ = qEnvironmentVariableIntValue("LORA_FAULT_KILLS") > 0 ? qEnvironmentVariableIntValue("LORA_FAULT_KILLS") : 3;
    model_ = tmp_.path() + "/model";
    const auto made = run_cli({"make-tiny", model_, "--arch", "qwen2", "--tokenizer",
                               test_support::npm_tokenizer_dir("tokenizer-llama2"), "--init-std", "0.3"});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    QFile data(tmp_.path() + "/data.jsonl");
    QVERIFY(data.open(QIODevice::WriteOnly));
    for (int i = 0; i < 12; ++i)
      data.write(QString("{\"instruction\": \"Say %1\", \"output\": \"Number %1 is %2\"}\n").arg(i).arg(i * 7).toUtf8());
    data.close();
    data_ = data.fileName();
    reference_ = tmp_.path() + "/reference";
    QElapsedTimer timer;
    timer.start();
    const auto trained = run_cli(train_args(reference_));
    reference_seconds_ = timer.elapsed() / 1000.0;
    QVERIFY2(trained.exit_code == 0, trained.err.constData());
    qInfo("uninterrupted run: %.1f s for %d steps, %d kills per test", reference_seconds_, kSteps, kills_);
  }

  // The manifest's checksums are SHA-256 as every other tool computes it (FIPS 180-4 test vectors,
  // the padding boundaries at 55/56/64 bytes, and a million 'a's fed in uneven pieces).
  void sha256_matches_known_vectors() {
    QCOMPARE(QString::fromStdString(lora::sha256_hex("")),
             QString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(QString::fromStdString(lora::sha256_hex("abc")),
             QString("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(QString::fromStdString(lora::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
             QString("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    for (int length : {55, 56, 63, 64, 65, 127, 128, 1000}) {
      const QByteArray bytes(length, 'z');
      QCOMPARE(QString::fromStdString(lora::sha256_hex(bytes.toStdString())),
               QString(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
    }
    lora::Sha256 hash;
    const std::string piece(997, 'a');
    size_t fed = 0;
    for (; fed + piece.size() <= 1000000; fed += piece.size()) hash.update(piece);
    hash.update(std::string(1000000 - fed, 'a'));
    QCOMPARE(QString::fromStdString(hash.hex_digest()),
             QString("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
  }

  // A checkpoint holds a manifest of its files; a damaged newest checkpoint is skipped with a message
  // naming the file, and the run resumes from the one before.
  void damaged_newest_checkpoint_falls_back() {
    const QString output = tmp_.path() + "/damaged";
    const auto first = run_cli(train_args(output, 3));
    QVERIFY2(first.exit_code == 0, first.err.constData());
    const QString newest = output + "/checkpoint-2";
    QVERIFY(QFile::exists(newest + "/manifest.json"));
    lora::verify_checkpoint_manifest(newest.toStdString());  // throws if the manifest is wrong
    // Flip one byte in the middle of the optimizer state, as a bad sector would.
    {
      QFile file(newest + "/optimizer.safetensors");
      QVERIFY(file.open(QIODevice::ReadWrite));
      file.seek(file.size() - 5);
      char byte;
      file.getChar(&byte);
      file.seek(file.size() - 5);
      file.putChar(char(byte ^ 0x20));
    }
    QStringList args = train_args(output, 3);
    args << "--resume";
    const auto resumed = run_cli(args);
    QVERIFY2(resumed.exit_code == 0, resumed.err.constData());
    QVERIFY2(resumed.err.contains("skipping a damaged checkpoint") && resumed.err.contains("optimizer.safetensors") &&
                 resumed.err.contains("SHA-256"),
             resumed.err.constData());
    for (const QByteArray& line : resumed.err.split('\n'))
      if (line.contains("damaged") || line.contains("resuming")) qInfo("%s", line.constData());
    QVERIFY2(resumed.err.contains("resuming from " + (output + "/checkpoint-1").toUtf8()), resumed.err.constData());

    // A truncated file and a missing manifest are recognised too.
    QFile::resize(newest + "/adapter_model.safetensors", 100);
    QVERIFY_EXCEPTION_THROWN(lora::verify_checkpoint_manifest(newest.toStdString()), lora::Error);
    try {
      lora::verify_checkpoint_manifest(newest.toStdString());
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("truncated"), e.what());
    }
    QFile::remove(output + "/checkpoint-1/manifest.json");
    try {
      lora::verify_checkpoint_manifest((output + "/checkpoint-1").toStdString());
      QFAIL("a checkpoint without manifest passed");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("manifest.json"), e.what());
    }
  }

  // SIGKILL at random moments (twice per run: in the first run and in the resumed one), then
  // --resume to the end: the adapter equals the uninterrupted run's.
  void killed_at_random_moments_then_resumed() {
    std::mt19937 random(12345);
    int killed = 0;
    for (int attempt = 0; attempt < kills_; ++attempt) {
      const QString output = tmp_.path() + "/killed_random_" + QString::number(attempt);
      for (int kill = 0; kill < 2; ++kill) {
        // Anywhere from start-up (loading libtorch, the model, the data) to the end of training.
        const int at_ms = std::uniform_int_distribution<int>(0, int(reference_seconds_ * 1000))(random);
        QStringList args = train_args(output);
        args << "--resume";
        if (start_and_kill(args, [&](qint64 elapsed) { return elapsed >= at_ms; })) ++killed;
      }
      resume_to_the_end_and_compare(output);
      if (QTest::currentTestFailed()) return;
    }
    qInfo("%d of %d runs were killed before finishing", killed, 2 * kills_);
    QVERIFY(killed > 0);
  }

  // SIGKILL the moment a checkpoint folder is being written (checkpoint-N.partial exists).
  void killed_while_writing_a_checkpoint_then_resumed() {
    const QString output = tmp_.path() + "/killed_saving";
    int killed_mid_save = 0;
    for (int attempt = 0; attempt < kills_; ++attempt) {
      QStringList args = train_args(output);
      args << "--resume";
      const bool killed = start_and_kill(args, [&](qint64) {
        QDir dir(output);
        return !dir.entryList({"checkpoint-*.partial"}, QDir::Dirs).isEmpty();
      });
      if (killed) ++killed_mid_save;
      // The newest complete checkpoint is whole, whatever the kill interrupted.
      const auto checkpoints = lora::list_training_checkpoints(output.toStdString());
      if (!checkpoints.empty()) lora::verify_checkpoint_manifest(checkpoints.front());
    }
    qInfo("%d of %d runs were killed with a checkpoint half-written", killed_mid_save, kills_);
    QVERIFY(killed_mid_save > 0);
    resume_to_the_end_and_compare(output);
  }

  // The disk fills up while a checkpoint is saved: a clear error, and every file written before is intact.
  void disk_full_while_saving() {
    const QString output = tmp_.path() + "/full_disk/run";
    TmpfsMount disk(tmp_.path() + "/full_disk", "4m");
    if (!disk.mounted()) QSKIP("mounting a tmpfs needs root; file_size_limit_while_saving covers the error path");
    const auto first = run_cli(train_args(output, 2));
    QVERIFY2(first.exit_code == 0, first.err.constData());
    const auto before = snapshot(output);
    QVERIFY(before.contains("adapter_model.safetensors") && before.contains("checkpoint-1/manifest.json"));
    // Room for the small files a resumed run writes first (a 4 KB tmpfs page each), not for a checkpoint.
    const qint64 adapter_bytes = read_file(output + "/adapter_model.safetensors").size();
    fill_disk(tmp_.path() + "/full_disk", 3 * 4096 + adapter_bytes / 2);
    QStringList args = train_args(output, 4);
    args << "--resume";
    const auto failed = run_cli(args);
    QVERIFY(failed.exit_code != 0);
    qInfo("disk full: %s", last_line(failed.err).constData());
    QVERIFY2(failed.err.contains("disk is full") && failed.err.contains("checkpoint-2.partial"), failed.err.constData());
    QVERIFY2(failed.err.contains(output.toUtf8()), failed.err.constData());
    QCOMPARE(snapshot(output), before);
    QVERIFY2(leftovers(output).isEmpty(), qPrintable(leftovers(output).join(", ")));
  }

  // The same through RLIMIT_FSIZE (no root needed): the write fails with EFBIG.
  void file_size_limit_while_saving() {
    const QString output = tmp_.path() + "/size_limit";
    const auto first = run_cli(train_args(output, 2));
    QVERIFY2(first.exit_code == 0, first.err.constData());
    const auto before = snapshot(output);
    QVERIFY(before.contains("adapter_model.safetensors") && before.contains("checkpoint-1/manifest.json"));
    const qint64 limit = read_file(output + "/adapter_model.safetensors").size() / 2;
    QProcess process;
    process.setChildProcessModifier([limit] {
      ::signal(SIGXFSZ, SIG_IGN);  // then write() fails with EFBIG instead of killing the process
      const rlimit size{rlim_t(limit), rlim_t(limit)};
      ::setrlimit(RLIMIT_FSIZE, &size);
    });
    QStringList args = train_args(output, 4);
    args << "--resume";
    process.start(test_support::cli_path(), args);
    QVERIFY(process.waitForFinished(120000));
    const QByteArray err = process.readAllStandardError();
    QVERIFY(process.exitCode() != 0);
    qInfo("file size limit: %s", last_line(err).constData());
    QVERIFY2(err.contains("File too large") && err.contains(output.toUtf8()), err.constData());
    QCOMPARE(snapshot(output), before);
    QVERIFY2(leftovers(output).isEmpty(), qPrintable(leftovers(output).join(", ")));
  }

  // An output folder that cannot be written is refused with a message naming it, before training.
  void read_only_output_folder() {
    const QString output = tmp_.path() + "/read_only/run";
    TmpfsMount disk(tmp_.path() + "/read_only", "4m");
    const auto first = run_cli(train_args(output, 2));
    QVERIFY2(first.exit_code == 0, first.err.constData());
    const auto before = snapshot(output);
    QVERIFY(before.contains("adapter_model.safetensors") && before.contains("checkpoint-1/manifest.json"));
    QString expected;
    if (disk.mounted()) {
      QVERIFY(disk.remount_read_only());
      expected = "read-only";
    } else {
      if (::geteuid() == 0) QSKIP("root ignores folder permissions and tmpfs cannot be mounted here");
      QFile::setPermissions(output, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
      expected = "permission denied";
    }
    QStringList args = train_args(output, 4);
    args << "--resume";
    const auto failed = run_cli(args);
    QVERIFY(failed.exit_code != 0);
    qInfo("read-only output: %s", last_line(failed.err).constData());
    QVERIFY2(QString::fromUtf8(failed.err).contains(expected, Qt::CaseInsensitive), failed.err.constData());
    QVERIFY2(failed.err.contains(output.toUtf8()), failed.err.constData());
    QCOMPARE(snapshot(output), before);
    QFile::setPermissions(output, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
  }

  // The model folder deleted while the model is loaded: the weights were copied into memory at load,
  // so generating and training go on; only a later load fails, naming the folder.
  void model_folder_deleted_while_loaded() {
    const QString copy = tmp_.path() + "/model_copy";
    fs::copy(model_.toStdString(), copy.toStdString(), fs::copy_options::recursive);
    auto model = lora::CausalLM::load(copy.toStdString());
    auto tokenizer = lora::Tokenizer::load(copy.toStdString());
    fs::remove_all(copy.toStdString());
    lora::GenerationSettings settings;
    settings.max_new_tokens = 4;
    const auto result = lora::generate(*model, *tokenizer, tokenizer->encode("Say 3"), settings);
    QVERIFY(!result.ids.empty());
    try {
      lora::CausalLM::load(copy.toStdString());
      QFAIL("loading a deleted folder succeeded");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains(copy), e.what());
    }
  }

  // A model larger than the memory left is refused before any of it is allocated, with the numbers.
  // The "model" is a sparse file: 256 GiB of declared float32 weights that take no disk space.
  void model_too_large_for_memory_is_refused() {
    const QString dir = tmp_.path() + "/huge_model";
    QDir().mkpath(dir);
    QFile config(dir + "/config.json");
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("{\"model_type\": \"llama\", \"architectures\": [\"LlamaForCausalLM\"], \"vocab_size\": 4194304, "
                 "\"hidden_size\": 16384, \"intermediate_size\": 16384, \"num_hidden_layers\": 1, "
                 "\"num_attention_heads\": 128, \"torch_dtype\": \"float32\"}");
    config.close();
    const quint64 bytes = quint64(4194304) * 16384 * 4;
    QByteArray header = "{\"model.embed_tokens.weight\":{\"dtype\":\"F32\",\"shape\":[4194304,16384],\"data_offsets\":[0," +
                        QByteArray::number(bytes) + "]}}";
    while (header.size() % 8) header += ' ';
    QFile weights(dir + "/model.safetensors");
    QVERIFY(weights.open(QIODevice::WriteOnly));
    const quint64 length = quint64(header.size());
    for (int i = 0; i < 8; ++i) weights.putChar(char((length >> (8 * i)) & 0xff));
    weights.write(header);
    if (!weights.resize(8 + header.size() + qint64(bytes))) QSKIP("this file system has no sparse files");
    weights.close();
    QElapsedTimer timer;
    timer.start();
    try {
      lora::CausalLM::load(dir.toStdString());
      QFAIL("a 256 GiB model was loaded");
    } catch (const lora::Error& e) {
      const QString message = e.what();
      QVERIFY2(message.contains("needs 256.0 GiB of RAM but only") && message.contains("is available") &&
                   message.contains(dir),
               e.what());
    }
    QVERIFY(timer.elapsed() < 5000);  // refused up front, not after reading
  }

  // Out of memory in the middle of a run (injected the way CUDA's allocator fails, as this machine has
  // no GPU): the run stops with advice naming the settings to lower and the checkpoint to resume from;
  // that checkpoint is intact and --resume ends with the uninterrupted adapter.
  void out_of_memory_during_training_stops_and_keeps_the_checkpoint() {
    const QString output = tmp_.path() + "/out_of_memory";
    qputenv("LORA_STUDIO_INJECT_OOM_AT_STEP", "5");
    const auto failed = run_cli(train_args(output));
    qunsetenv("LORA_STUDIO_INJECT_OOM_AT_STEP");
    QVERIFY(failed.exit_code != 0);
    qInfo("out of memory: %s", last_line(failed.err).constData());
    for (const char* expected : {"out of GPU memory", "Lower --micro-batch-size (now 2)", "--cutoff-len (now 48)",
                                 "--gradient-checkpointing", "checkpoint-4", "continue with --resume"})
      QVERIFY2(failed.err.contains(expected), qPrintable(QString("'%1' missing from: %2").arg(expected, failed.err)));
    QVERIFY(!QFile::exists(output + "/checkpoint-5"));
    QVERIFY(!QFile::exists(output + "/adapter_model.safetensors"));  // no half-trained adapter passed off as done
    QVERIFY2(leftovers(output).isEmpty(), qPrintable(leftovers(output).join(", ")));
    resume_to_the_end_and_compare(output);

    // While loading the model, the advice is about the model, not the batch.
    qputenv("LORA_STUDIO_INJECT_OOM_AT_STEP", "0");
    const auto at_load = run_cli(train_args(tmp_.path() + "/out_of_memory_at_load"));
    qunsetenv("LORA_STUDIO_INJECT_OOM_AT_STEP");
    QVERIFY(at_load.exit_code != 0);
    QVERIFY2(at_load.err.contains("out of GPU memory while loading the model") &&
                 at_load.err.contains("choose a smaller model") && !at_load.err.contains("micro-batch"),
             at_load.err.constData());
  }

  // The same for the train command: the folder vanishes after the first step; the run completes.
  void model_folder_deleted_during_training() {
    const QString copy = tmp_.path() + "/model_for_training";
    fs::copy(model_.toStdString(), copy.toStdString(), fs::copy_options::recursive);
    const QString output = tmp_.path() + "/deleted_model_run";
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(test_support::cli_path(), train_args(output, kSteps, copy));
    QVERIFY(process.waitForStarted());
    QByteArray log;
    bool deleted = false;
    while (process.state() == QProcess::Running) {
      process.waitForReadyRead(20);
      log += process.readAll();
      if (!deleted && log.contains("step 1/")) {
        fs::remove_all(copy.toStdString());
        deleted = true;
      }
    }
    process.waitForFinished(120000);
    log += process.readAll();
    QVERIFY2(deleted, log.constData());
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, log.constData());
    QVERIFY(QFile::exists(output + "/adapter_model.safetensors"));
  }
};

QTEST_GUILESS_MAIN(TestFaults)
#include "test_faults.moc"
