// safetensors reading and writing, atomic files, and Hugging Face checkpoint folders (single and
// sharded). Bad files are the crafted fixtures of tests/fixtures/safetensors/bad (one per rule of
// the reference loader); the reference layout and the independent Python reader come from
// tests/reference/safetensors_reference.py.
#include <ATen/ATen.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <memory>

#include "atomic_file.h"
#include "checkpoint.h"
#include "error.h"
#include "safetensors.h"
#include "test_support.h"

namespace {

QString fixture(const QString& name) { return test_support::fixtures_dir() + "/safetensors/" + name; }

QByteArray read_all(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void write_bytes(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  QCOMPARE(file.write(bytes), bytes.size());
}

// The message of the lora::Error `body` throws, or "" (after a QTest failure) when it throws none.
QString error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const lora::Error& error) {
    return QString::fromStdString(error.what());
  }
  return QString();
}

#define EXPECT_ERROR(body, ...)                                                                      \
  do {                                                                                               \
    const QString message_ = error_of([&] { body; });                                                \
    QVERIFY2(!message_.isEmpty(), "expected a lora::Error from: " #body);                            \
    for (const QString& part_ : QStringList{__VA_ARGS__})                                            \
      QVERIFY2(message_.contains(part_), qPrintable("message lacks \"" + part_ + "\": " + message_)); \
  } while (0)

// Files a failed write may have left next to its target.
QStringList leftover_temp_files(const QString& folder) {
  return QDir(folder).entryList({"*.tmp-*"}, QDir::Files | QDir::Hidden);
}

// Runs `body` in a forked child (for process-wide settings: a file-size limit, another user id).
// Returns the lora::Error message it threw, "OK" when it returned, or "CRASH".
QString run_in_child(const std::function<void()>& body) {
  int channel[2];
  if (::pipe(channel) != 0) return "CRASH";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(channel[0]);
    std::string message = "OK";
    int code = 0;
    try {
      body();
    } catch (const lora::Error& error) {
      message = error.what();
      code = 1;
    } catch (...) {
      message = "unexpected exception";
      code = 2;
    }
    if (::write(channel[1], message.data(), message.size()) < 0) code = 3;
    ::_exit(code);
  }
  ::close(channel[1]);
  QByteArray message;
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(channel[0], buffer, sizeof buffer)) > 0) message.append(buffer, int(got));
  ::close(channel[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) return "CRASH: " + QString::fromUtf8(message);
  return QString::fromUtf8(message);
}

lora::TensorToWrite f32_tensor(const std::string& name, const std::vector<float>& values) {
  lora::TensorToWrite tensor;
  tensor.name = name;
  tensor.dtype = lora::DType::F32;
  tensor.shape = {int64_t(values.size())};
  tensor.data = values.data();
  tensor.nbytes = values.size() * sizeof(float);
  return tensor;
}

QString python_executable() {
  if (QFileInfo::exists("/usr/bin/python3")) return "/usr/bin/python3";
  return QStandardPaths::findExecutable("python3");
}

at::Tensor from_json_values(const QJsonArray& values, lora::DType dtype, const std::vector<int64_t>& shape) {
  std::vector<double> flat;
  for (const QJsonValue& value : values) flat.push_back(value.isBool() ? double(value.toBool()) : value.toDouble());
  at::Tensor as_double = at::tensor(flat, at::kDouble).reshape(shape);
  static const std::map<lora::DType, at::ScalarType> types = {
      {lora::DType::F32, at::kFloat}, {lora::DType::F16, at::kHalf}, {lora::DType::BF16, at::kBFloat16},
      {lora::DType::F64, at::kDouble}, {lora::DType::I64, at::kLong}, {lora::DType::I32, at::kInt},
      {lora::DType::U8, at::kByte},   {lora::DType::BOOL, at::kBool}};
  return as_double.to(types.at(dtype));
}

}  // namespace

class TestSafetensors : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> tmp_;
  QString dir(const QString& name) {
    const QString path = tmp_->path() + "/" + name;
    QDir().mkpath(path);
    return path;
  }

 private slots:
  void initTestCase() {
    const QString base = test_support::env_path("LORA_TEST_TMP");
    if (!base.isEmpty()) QDir().mkpath(base);
    tmp_ = std::make_unique<QTemporaryDir>(base.isEmpty() ? QDir::tempPath() + "/test_safetensors-XXXXXX"
                                                          : base + "/test_safetensors-XXXXXX");
    QVERIFY(tmp_->isValid());
    if (!qEnvironmentVariableIsEmpty("LORA_KEEP_TEST_TMP")) tmp_->setAutoRemove(false);  // for debugging
  }

  // ---- atomic files (the forking tests come first, before libtorch starts worker threads)

  void atomicWriteOnFullDiskKeepsOldFile() {
    const QString folder = dir("full_disk");
    const QString target = folder + "/model.safetensors";
    write_bytes(target, "old contents");
    // RLIMIT_FSIZE makes write() fail with EFBIG past 64 KiB: a disk filling up midway.
    const QString message = run_in_child([&] {
      ::signal(SIGXFSZ, SIG_IGN);
      struct rlimit limit = {64 * 1024, RLIM_INFINITY};
      ::setrlimit(RLIMIT_FSIZE, &limit);
      std::vector<float> big(1 << 20, 1.0f);
      lora::write_safetensors(target.toStdString(), {f32_tensor("big", big)});
    });
    QVERIFY2(message.contains(target) && message.contains("cannot write") && message.contains("unchanged"),
             qPrintable(message));
    QCOMPARE(read_all(target), QByteArray("old contents"));
    QVERIFY(leftover_temp_files(folder).isEmpty());
  }

  void atomicWriteIntoReadOnlyFolderFails() {
    const QString folder = dir("read_only");
    const QString target = folder + "/config.json";
    write_bytes(target, "{\"old\": true}");
    QVERIFY(::chmod(folder.toLocal8Bit().constData(), 0555) == 0);
    // root may write anywhere: try as an unprivileged user then.
    const bool as_root = ::geteuid() == 0;
    const QString message = run_in_child([&] {
      if (as_root && (::setgid(65534) != 0 || ::setuid(65534) != 0)) throw std::runtime_error("cannot drop root");
      lora::write_file_atomically(target.toStdString(), "{\"new\": true}");
    });
    ::chmod(folder.toLocal8Bit().constData(), 0755);
    QVERIFY2(message.contains(target) && message.contains("permission denied"), qPrintable(message));
    QCOMPARE(read_all(target), QByteArray("{\"old\": true}"));
    QVERIFY(leftover_temp_files(folder).isEmpty());
  }

  void atomicWriteAbandonedMidwayKeepsOldFile() {
    const QString folder = dir("abandoned");
    const QString target = folder + "/adapter_config.json";
    write_bytes(target, "old");
    try {
      lora::AtomicFileWriter writer(target.toStdString());
      writer.write(std::string("half of the new conte"));
      QVERIFY(QFileInfo::exists(QString::fromStdString(writer.temp_path())));
      throw std::runtime_error("the producer failed midway");
    } catch (const std::runtime_error&) {
    }
    QCOMPARE(read_all(target), QByteArray("old"));
    QVERIFY(leftover_temp_files(folder).isEmpty());

    // The same through save_tensors: the second tensor cannot be saved.
    const QString weights = folder + "/model.safetensors";
    write_bytes(weights, "old weights");
    EXPECT_ERROR(lora::save_tensors(weights.toStdString(), {{"a", at::ones({2})}, {"b", at::Tensor()}}),
                 weights, "'b'");
    QCOMPARE(read_all(weights), QByteArray("old weights"));
    QVERIFY(leftover_temp_files(folder).isEmpty());
  }

  void atomicWriteReplacesFile() {
    const QString folder = dir("replace");
    const QString target = folder + "/notes.txt";
    lora::write_file_atomically(target.toStdString(), "first");
    lora::write_file_atomically(target.toStdString(), "second, longer");
    QCOMPARE(QString::fromStdString(lora::read_text_file(target.toStdString())), QString("second, longer"));
    QVERIFY(leftover_temp_files(folder).isEmpty());
    // Files get the usual permissions (0666 minus umask), not a temp file's 0600.
    QVERIFY(QFileInfo(target).permissions() & QFileDevice::ReadOther);
    EXPECT_ERROR(lora::read_text_file((folder + "/missing.txt").toStdString()), folder + "/missing.txt", "no such file");
    EXPECT_ERROR(lora::write_file_atomically((folder + "/no/such/dir/x").toStdString(), "x"), "does not exist");
  }

  // ---- reading: every validation rule

  void rejectsBadFile_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("tensor");  // the message must name it ("" for whole-file errors)
    QTest::addColumn<QString>("reason");
    QTest::newRow("shorter than 8 bytes") << "too_short" << "" << "8-byte header length";
    QTest::newRow("header over 100 MB") << "header_too_large" << "" << "100000000-byte limit";
    QTest::newRow("header past the end") << "header_past_end" << "" << "runs past the end of the file";
    QTest::newRow("header not UTF-8") << "header_not_utf8" << "" << "not valid UTF-8";
    QTest::newRow("header not JSON") << "header_not_json" << "" << "not valid JSON";
    QTest::newRow("header not an object") << "header_not_object" << "" << "expected a JSON object";
    QTest::newRow("entry not an object") << "entry_not_object" << "w" << "expected an object";
    QTest::newRow("no dtype") << "missing_dtype" << "w" << "missing field \"dtype\"";
    QTest::newRow("no data_offsets") << "missing_data_offsets" << "w" << "missing field \"data_offsets\"";
    QTest::newRow("dtype not a string") << "dtype_not_string" << "w" << "\"dtype\" is an integer";
    QTest::newRow("unknown dtype") << "unknown_dtype" << "w" << "unknown dtype \"F33\"";
    QTest::newRow("negative dimension") << "shape_negative" << "w" << "expected non-negative integers";
    QTest::newRow("fractional dimension") << "shape_not_integer" << "w" << "expected non-negative integers";
    QTest::newRow("shape not an array") << "shape_not_array" << "w" << "expected an array";
    QTest::newRow("offsets not a pair") << "offsets_not_pair" << "w" << "expected [BEGIN, END]";
    QTest::newRow("metadata not strings") << "metadata_not_strings" << "__metadata__" << "expected a string";
    QTest::newRow("offsets not from 0") << "offsets_not_from_zero" << "w" << "expected it to start at 0";
    QTest::newRow("hole between tensors") << "offsets_hole" << "w" << "hole of 4 bytes";
    QTest::newRow("overlapping tensors") << "offsets_overlap" << "w" << "overlap tensor 'v'";
    QTest::newRow("end before begin") << "offsets_end_before_begin" << "w" << "end before they begin";
    QTest::newRow("size != shape x dtype") << "size_mismatch" << "w" << "needs 12 bytes";
    QTest::newRow("size overflows") << "size_overflow" << "w" << "overflows 64 bits";
    QTest::newRow("trailing bytes") << "trailing_bytes" << "w" << "4 trailing bytes";
    QTest::newRow("data truncated") << "data_truncated" << "w" << "truncated";
    QTest::newRow("tensor named twice") << "duplicate_tensor" << "w" << "more than once";
    QTest::newRow("field given twice") << "duplicate_field" << "w" << "field \"dtype\" appears more than once";
  }

  void rejectsBadFile() {
    QFETCH(QString, file);
    QFETCH(QString, tensor);
    QFETCH(QString, reason);
    const QString path = fixture("bad/" + file + ".safetensors");
    QVERIFY(QFileInfo::exists(path));
    const QString named = tensor.isEmpty() ? path : tensor == "__metadata__" ? "__metadata__" : "tensor '" + tensor + "'";
    EXPECT_ERROR(lora::SafetensorsFile::open(path.toStdString()), path, named, reason);
    // The in-memory parser (the fuzzer's entry point) applies the same rules.
    EXPECT_ERROR(lora::SafetensorsFile::from_bytes(read_all(path).toStdString(), "image"), "image", reason);
  }

  void everyBadFixtureIsChecked() {
    QCOMPARE(QDir(fixture("bad")).entryList({"*.safetensors"}).size(), 26);
  }

  void rejectsMissingFileAndFolder() {
    EXPECT_ERROR(lora::SafetensorsFile::open("/nonexistent/model.safetensors"), "/nonexistent/model.safetensors",
                 "no such file");
    EXPECT_ERROR(lora::SafetensorsFile::open(tmp_->path().toStdString()), tmp_->path(), "not a regular file");
  }

  // ---- reading: valid edge cases

  void acceptsEdgeCases() {
    auto open = [](const QString& name) { return lora::SafetensorsFile::open(fixture("good/" + name).toStdString()); };

    auto scalar = open("scalar.safetensors");
    QCOMPARE(scalar->tensors().size(), size_t(1));
    QVERIFY(scalar->tensors()[0].shape.empty());
    QCOMPARE(scalar->tensors()[0].numel(), int64_t(1));
    at::Tensor s = lora::tensor_from_safetensors(*scalar, scalar->tensors()[0]);
    QCOMPARE(s.dim(), int64_t(0));
    QCOMPARE(s.item<double>(), 2.5);

    auto zero = open("zero_size.safetensors");
    QCOMPARE(zero->find("a")->numel(), int64_t(0));
    QCOMPARE(lora::tensor_from_safetensors(*zero, *zero->find("z")).sizes().vec(), (std::vector<int64_t>{3, 0}));
    at::Tensor b = lora::tensor_from_safetensors(*zero, *zero->find("b"));
    QCOMPARE(b.scalar_type(), at::kLong);
    QCOMPARE(b[1].item<int64_t>(), int64_t(-9));

    auto spaced = open("whitespace.safetensors");
    QCOMPARE(lora::tensor_from_safetensors(*spaced, *spaced->find("w"))[1].item<float>(), -3.0f);

    auto with_metadata = open("metadata.safetensors");
    QCOMPARE(with_metadata->metadata().size(), size_t(2));
    QCOMPARE(with_metadata->metadata().at("format"), std::string("pt"));
    QVERIFY(with_metadata->find("__metadata__") == nullptr);

    QVERIFY(open("null_metadata.safetensors")->metadata().empty());
    QVERIFY(open("empty.safetensors")->tensors().empty());

    auto unsorted = open("offsets_unsorted.safetensors");
    QCOMPARE(unsorted->tensors()[0].name, std::string("first"));  // data-buffer order, not header order
    QCOMPARE(lora::tensor_from_safetensors(*unsorted, *unsorted->find("second")).item<int>(), 2);
  }

  // ---- agreement with the reference layout and an independent reader

  void readsReferenceLayout() {
    const QJsonObject expected = QJsonDocument::fromJson(read_all(fixture("reference_layout.json"))).object();
    auto file = lora::SafetensorsFile::open(fixture("reference_layout.safetensors").toStdString());
    QCOMPARE(file->metadata().at("format"), std::string("pt"));
    const QJsonArray order = expected["layout_order"].toArray();
    QCOMPARE(file->tensors().size(), size_t(order.size()));
    for (int i = 0; i < order.size(); ++i) QCOMPARE(QString::fromStdString(file->tensors()[i].name), order[i].toString());

    const QJsonObject tensors = expected["tensors"].toObject();
    for (auto it = tensors.begin(); it != tensors.end(); ++it) {
      const QJsonObject want = it.value().toObject();
      const lora::TensorInfo* info = file->find(it.key().toStdString());
      QVERIFY2(info, qPrintable(it.key()));
      QCOMPARE(QString(lora::dtype_name(info->dtype)), want["dtype"].toString());
      std::vector<int64_t> shape;
      for (const QJsonValue& dim : want["shape"].toArray()) shape.push_back(dim.toInteger());
      QCOMPARE(info->shape, shape);
      at::Tensor got = lora::tensor_from_safetensors(*file, *info).to(at::kDouble).flatten();
      const QJsonArray values = want["values"].toArray();
      QCOMPARE(got.numel(), int64_t(values.size()));
      for (int k = 0; k < values.size(); ++k) {
        const double value = values[k].isBool() ? double(values[k].toBool()) : values[k].toDouble();
        QVERIFY2(got[k].item<double>() == value, qPrintable(it.key() + "[" + QString::number(k) + "]"));
      }
    }
  }

  void writerReproducesReferenceLayoutByteForByte() {
    // Given the tensors in the order the reference serializer sorts them (dtype alignment, then
    // name), save_tensors must produce the very same bytes, header included.
    const QJsonObject expected = QJsonDocument::fromJson(read_all(fixture("reference_layout.json"))).object();
    const QJsonObject tensors = expected["tensors"].toObject();
    std::vector<std::pair<std::string, at::Tensor>> to_save;
    for (const QJsonValue& name : expected["layout_order"].toArray()) {
      const QJsonObject want = tensors[name.toString()].toObject();
      lora::DType dtype;
      QVERIFY(lora::parse_dtype(want["dtype"].toString().toStdString(), &dtype));
      std::vector<int64_t> shape;
      for (const QJsonValue& dim : want["shape"].toArray()) shape.push_back(dim.toInteger());
      to_save.emplace_back(name.toString().toStdString(), from_json_values(want["values"].toArray(), dtype, shape));
    }
    const QString out = dir("layout") + "/ours.safetensors";
    lora::save_tensors(out.toStdString(), to_save);
    QCOMPARE(read_all(out), read_all(fixture("reference_layout.safetensors")));
  }

  void pythonReferenceReaderAcceptsOurFiles() {
    const QString python = python_executable();
    if (python.isEmpty()) QSKIP("no python3 to run tests/reference/safetensors_reference.py");
    const QString path = dir("python") + "/ours.safetensors";
    // Deliberately not in the reference's order: any order is a valid file.
    lora::save_tensors(path.toStdString(),
                       {{"z.weight", at::arange(12, at::kFloat).reshape({3, 4})},
                        {"half", at::linspace(-1, 1, 5, at::kHalf)},
                        {"brain", at::linspace(-2, 2, 6, at::kBFloat16).reshape({2, 3}).t()},  // not contiguous
                        {"scalar", at::scalar_tensor(7, at::kLong)},
                        {"nothing", at::zeros({0, 3})},
                        {"flags", at::tensor(std::vector<uint8_t>{1, 0, 1}).to(at::kBool)},
                        {"größe", at::ones({1}, at::kDouble)}},
                       {{"format", "pt"}, {"note", "written by lora::save_tensors"}});
    QProcess process;
    process.start(python, {test_support::reference_dir() + "/safetensors_reference.py", "check", path});
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const QJsonObject report = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    QCOMPARE(report["metadata"].toObject()["note"].toString(), QString("written by lora::save_tensors"));

    auto ours = lora::SafetensorsFile::open(path.toStdString());
    const QJsonArray tensors = report["tensors"].toArray();
    QCOMPARE(size_t(tensors.size()), ours->tensors().size());
    for (int i = 0; i < tensors.size(); ++i) {
      const QJsonObject theirs = tensors[i].toObject();
      const lora::TensorInfo& info = ours->tensors()[i];
      QCOMPARE(theirs["name"].toString().toStdString(), info.name);
      QCOMPARE(theirs["dtype"].toString(), QString(lora::dtype_name(info.dtype)));
      QCOMPARE(theirs["data_offsets"].toArray()[1].toInteger(), qint64(info.end));
      const QByteArray bytes(reinterpret_cast<const char*>(ours->data(info)), int(info.nbytes()));
      QCOMPARE(theirs["sha256"].toString(), QString(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
    }
    // The transposed BF16 tensor was written in row-major order of its logical shape.
    at::Tensor brain = lora::tensor_from_safetensors(*ours, *ours->find("brain"));
    QCOMPARE(brain.sizes().vec(), (std::vector<int64_t>{3, 2}));
    QVERIFY(at::equal(brain, at::linspace(-2, 2, 6, at::kBFloat16).reshape({2, 3}).t()));
  }

  // ---- writing

  void roundTripFloatTypes_data() {
    QTest::addColumn<int>("type");
    QTest::newRow("F32") << int(at::kFloat);
    QTest::newRow("F16") << int(at::kHalf);
    QTest::newRow("BF16") << int(at::kBFloat16);
  }

  void roundTripFloatTypes() {
    QFETCH(int, type);
    const at::ScalarType scalar_type = static_cast<at::ScalarType>(type);
    at::manual_seed(7);
    const at::Tensor weight = at::randn({5, 7}).to(scalar_type);
    const at::Tensor scale = at::scalar_tensor(0.75, scalar_type);
    const at::Tensor empty = at::zeros({0, 7}, scalar_type);
    const QString folder = dir(QString("round_trip_%1").arg(type));
    lora::save_tensors((folder + "/model.safetensors").toStdString(),
                       {{"weight", weight}, {"scale", scale}, {"empty", empty}});
    const lora::Checkpoint checkpoint = lora::Checkpoint::open(folder.toStdString());
    QCOMPARE(checkpoint.names(), (std::vector<std::string>{"empty", "scale", "weight"}));
    const at::Tensor loaded = checkpoint.tensor("weight", {5, 7});
    QCOMPARE(loaded.scalar_type(), scalar_type);
    QVERIFY(at::equal(loaded, weight));  // bit-exact
    QVERIFY(at::equal(checkpoint.tensor("scale"), scale));
    QCOMPARE(checkpoint.tensor("empty").sizes().vec(), (std::vector<int64_t>{0, 7}));
    QCOMPARE(checkpoint.size_bytes(), uint64_t(QFileInfo(folder + "/model.safetensors").size()));
  }

  void writerRefusesBadInput() {
    const QString folder = dir("refusals");
    const std::string path = (folder + "/x.safetensors").toStdString();
    std::vector<float> values = {1, 2};
    EXPECT_ERROR(lora::write_safetensors(path, {f32_tensor("__metadata__", values)}), "__metadata__", "reserved");
    EXPECT_ERROR(lora::write_safetensors(path, {f32_tensor("w", values), f32_tensor("w", values)}), "'w'", "twice");
    lora::TensorToWrite short_data = f32_tensor("w", values);
    short_data.shape = {3};
    EXPECT_ERROR(lora::write_safetensors(path, {short_data}), "'w'", "needs 12 bytes", "8 were given");
    QVERIFY(!QFileInfo::exists(QString::fromStdString(path)));
    QVERIFY(leftover_temp_files(folder).isEmpty());
  }

  void headerIsPaddedToEightBytes() {
    const QString path = dir("padding") + "/p.safetensors";
    std::vector<float> values = {1};
    for (const std::string& name : {"a", "ab", "abc", "abcdefg"}) {
      lora::write_safetensors(path.toStdString(), {f32_tensor(name, values)}, {});
      const QByteArray bytes = read_all(path);
      quint64 header_length = 0;
      for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | quint8(bytes[i]);
      QCOMPARE(header_length % 8, quint64(0));
      QVERIFY(bytes.mid(8, int(header_length)).endsWith('}') || bytes.mid(8, int(header_length)).endsWith(' '));
      QVERIFY(!bytes.contains("__metadata__"));  // no metadata given: none written
    }
  }

  void overwritingKeepsOpenFilesIntact() {
    // A model folder can be rewritten while the old file is mapped: rename leaves the old inode alive.
    const QString folder = dir("rewrite");
    const std::string path = (folder + "/model.safetensors").toStdString();
    lora::save_tensors(path, {{"w", at::full({4}, 1.0)}});
    auto before = lora::SafetensorsFile::open(path);
    lora::save_tensors(path, {{"w", at::full({4}, 2.0)}});
    QCOMPARE(lora::tensor_from_safetensors(*before, *before->find("w"))[0].item<float>(), 1.0f);
    auto after = lora::SafetensorsFile::open(path);
    QCOMPARE(lora::tensor_from_safetensors(*after, *after->find("w"))[0].item<float>(), 2.0f);
  }

  // ---- checkpoint folders

  void checkpointNamesTensorAndShapes() {
    const QString folder = dir("shapes");
    lora::save_tensors((folder + "/model.safetensors").toStdString(), {{"model.norm.weight", at::ones({2, 3})}});
    const lora::Checkpoint checkpoint = lora::Checkpoint::open(folder.toStdString());
    const QString file = folder + "/model.safetensors";
    EXPECT_ERROR(checkpoint.tensor("model.norm.weight", {3, 2}), file, "'model.norm.weight'", "has shape [2, 3]",
                 "expected [3, 2]");
    EXPECT_ERROR(checkpoint.tensor("lm_head.weight"), "no tensor 'lm_head.weight'");
    QVERIFY(checkpoint.contains("model.norm.weight"));
    QVERIFY(!checkpoint.contains("lm_head.weight"));
    QCOMPARE(checkpoint.info("model.norm.weight").dtype, lora::DType::F32);
  }

  void checkpointFolderWithoutWeights() {
    const QString folder = dir("no_weights");
    EXPECT_ERROR(lora::Checkpoint::open(folder.toStdString()), folder, "no model.safetensors");
    lora::save_tensors((folder + "/consolidated.safetensors").toStdString(), {{"w", at::ones({1})}});
    EXPECT_ERROR(lora::Checkpoint::open(folder.toStdString()), "consolidated.safetensors");
    EXPECT_ERROR(lora::Checkpoint::open((folder + "/missing").toStdString()), folder + "/missing", "no such folder");
  }

  void shardedCheckpoint() {
    const QString folder = dir("sharded");
    const at::Tensor a = at::randn({4, 3}), b = at::randn({3}).to(at::kBFloat16), c = at::randn({2, 2});
    lora::save_tensors((folder + "/model-00001-of-00002.safetensors").toStdString(), {{"a", a}, {"b", b}});
    lora::save_tensors((folder + "/model-00002-of-00002.safetensors").toStdString(), {{"c", c}});
    write_index(folder, {{"a", "model-00001-of-00002.safetensors"},
                         {"b", "model-00001-of-00002.safetensors"},
                         {"c", "model-00002-of-00002.safetensors"}});
    const lora::Checkpoint checkpoint = lora::Checkpoint::open(folder.toStdString());
    QCOMPARE(checkpoint.names(), (std::vector<std::string>{"a", "b", "c"}));
    QVERIFY(at::equal(checkpoint.tensor("a", {4, 3}), a));
    QVERIFY(at::equal(checkpoint.tensor("b"), b));
    QVERIFY(at::equal(checkpoint.tensor("c"), c));
    QCOMPARE(checkpoint.size_bytes(), uint64_t(QFileInfo(folder + "/model-00001-of-00002.safetensors").size() +
                                               QFileInfo(folder + "/model-00002-of-00002.safetensors").size()));
  }

  void shardedCheckpointRefusesUnsafeShardNames_data() {
    QTest::addColumn<QString>("shard");
    QTest::addColumn<QString>("reason");
    QTest::newRow("parent folder") << "../model-00001-of-00001.safetensors" << "\"..\"";
    QTest::newRow("absolute") << "/etc/passwd" << "absolute path";
    QTest::newRow("subfolder") << "sub/model.safetensors" << "path separator";
    QTest::newRow("backslash") << "sub\\model.safetensors" << "path separator";
  }

  void shardedCheckpointRefusesUnsafeShardNames() {
    QFETCH(QString, shard);
    QFETCH(QString, reason);
    const QString folder = dir("unsafe/" + QString(QTest::currentDataTag()).replace(' ', '_'));
    QDir().mkpath(folder + "/sub");
    lora::save_tensors((folder + "/sub/model.safetensors").toStdString(), {{"a", at::ones({1})}});
    lora::save_tensors((dir("unsafe") + "/model-00001-of-00001.safetensors").toStdString(), {{"a", at::ones({1})}});
    write_index(folder, {{"a", shard}});
    EXPECT_ERROR(lora::Checkpoint::open(folder.toStdString()), "model.safetensors.index.json", "'a'", shard, reason);
  }

  void shardedCheckpointMissingShard() {
    const QString folder = dir("missing_shard");
    lora::save_tensors((folder + "/model-00001-of-00002.safetensors").toStdString(), {{"a", at::ones({1})}});
    write_index(folder, {{"a", "model-00001-of-00002.safetensors"}, {"b", "model-00002-of-00002.safetensors"}});
    EXPECT_ERROR(lora::Checkpoint::open(folder.toStdString()), "model-00002-of-00002.safetensors", "missing", "'b'");
  }

  void shardedCheckpointTensorNotInItsShard() {
    const QString folder = dir("wrong_shard");
    lora::save_tensors((folder + "/model-00001-of-00002.safetensors").toStdString(), {{"a", at::ones({1})}});
    lora::save_tensors((folder + "/model-00002-of-00002.safetensors").toStdString(), {{"b", at::ones({1})}});
    write_index(folder, {{"a", "model-00001-of-00002.safetensors"}, {"b", "model-00001-of-00002.safetensors"}});
    EXPECT_ERROR(lora::Checkpoint::open(folder.toStdString()), "'b'", "model-00001-of-00002.safetensors",
                 "no such tensor");
  }

  void shardedCheckpointMalformedIndex() {
    const QString folder = dir("bad_index");
    write_bytes(folder + "/model.safetensors.index.json", "{\"metadata\": {}, \"weight_map\": [");
    EXPECT_ERROR(lora::Checkpoint::open(folder.toStdString()), "model.safetensors.index.json", "not valid JSON");
    write_bytes(folder + "/model.safetensors.index.json", "{\"metadata\": {}}");
    EXPECT_ERROR(lora::Checkpoint::open(folder.toStdString()), "model.safetensors.index.json", "weight_map");
  }

 private:
  void write_index(const QString& folder, const QList<QPair<QString, QString>>& entries) {
    QJsonObject weight_map;
    for (const auto& [tensor, shard] : entries) weight_map[tensor] = shard;
    const QJsonObject index{{"metadata", QJsonObject{{"total_size", 0}}}, {"weight_map", weight_map}};
    write_bytes(folder + "/model.safetensors.index.json", QJsonDocument(index).toJson());
  }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
