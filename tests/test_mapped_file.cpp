// Reading checkpoints through memory-mapped files (engine/core/mapped_file.h) without holding them:
//   - a mapped file reads back the bytes written, also after its pages are released, and a
//     missing file is an error naming it;
//   - the pages touched while reading count in the process's resident set, and release() gives
//     them back;
//   - copying every tensor out of a checkpoint (what loading a model does) leaves the process's
//     resident set near where it was, instead of holding the whole file beside the copies;
//   - a table read in place (the token embeddings on the CPU) has the stored values, costs only the
//     rows read, and gives even those back when released, while a copy is never touched by that.
// Resident sizes are VmRSS from /proc/self/status, with malloc's freed memory trimmed first.
// libtorch before Qt: Qt's `slots` macro would clash with torch's IValue::slots().
#include <ATen/ATen.h>
#include <malloc.h>

#include <QtTest>

#include <cstdint>
#include <fstream>
#include <string>

#include "checkpoint.h"
#include "error.h"
#include "mapped_file.h"
#include "tiny_model.h"

namespace {

constexpr int64_t kMiB = 1 << 20;

int64_t resident_bytes() {
  malloc_trim(0);
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "VmRSS:  1234 kB"
  return -1;
}

// Reads every byte (so every page is paged in) and returns a checksum of them.
uint64_t checksum(const lora::MappedFile& file) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < file.size(); ++i) sum = sum * 31 + file.data()[i];
  return sum;
}

}  // namespace

class MappedFileTest : public QObject {
  Q_OBJECT

 private slots:
  void readsTheFileAndReleasesItsPages() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("bytes.bin").toStdString();
    const int64_t size = 24 * kMiB + 123;  // not a whole number of pages
    uint64_t expected = 0;
    {
      std::ofstream out(path, std::ios::binary);
      std::string chunk(size, '\0');
      for (int64_t i = 0; i < size; ++i) chunk[i] = static_cast<char>((i * 7 + i / 4096) & 0xff);
      for (int64_t i = 0; i < size; ++i) expected = expected * 31 + static_cast<uint8_t>(chunk[i]);
      out.write(chunk.data(), size);
    }
    const lora::MappedFile file = lora::MappedFile::open(path);
    QCOMPARE(static_cast<int64_t>(file.size()), size);
    const int64_t before = resident_bytes();
    QCOMPARE(checksum(file), expected);
    const int64_t read = resident_bytes();
    QVERIFY2(read - before > 20 * kMiB, qPrintable(QString("resident +%1 MiB after reading").arg((read - before) / kMiB)));
    file.release(0, file.size());
    const int64_t released = resident_bytes();
    QVERIFY2(released - before < 2 * kMiB,
             qPrintable(QString("resident +%1 MiB after releasing").arg((released - before) / double(kMiB))));
    // Released pages read again from the file.
    QCOMPARE(checksum(file), expected);
    file.release(size - 10, 1000);  // past the end: clipped
  }

  void missingFileIsAnError() {
    try {
      lora::MappedFile::open("/nonexistent/model.safetensors");
      QFAIL("no error");
    } catch (const lora::Error& error) {
      QVERIFY2(std::string(error.what()).find("/nonexistent/model.safetensors") != std::string::npos, error.what());
    }
  }

  void copyingACheckpointOutDoesNotHoldIt() {
    QTemporaryDir dir;
    lora::TinyModelOptions tiny;
    tiny.vocab_size = 8000;
    tiny.hidden_size = 256;
    tiny.intermediate_size = 512;  // ~24 MiB of fp32 weights
    lora::write_tiny_model(dir.path().toStdString(), tiny);
    const lora::Checkpoint checkpoint = lora::Checkpoint::open(dir.path().toStdString());
    QVERIFY(checkpoint.size_bytes() > 20 * kMiB);
    const int64_t before = resident_bytes();
    double sum = 0;
    for (const std::string& name : checkpoint.names()) sum += checkpoint.tensor(name).sum().item<double>();
    const int64_t after = resident_bytes();
    QVERIFY(std::isfinite(sum));
    QVERIFY2(after - before < 4 * kMiB,
             qPrintable(QString("resident +%1 MiB after copying out a %2 MiB checkpoint")
                            .arg((after - before) / double(kMiB))
                            .arg(checkpoint.size_bytes() / double(kMiB))));
    // Still readable: the same values again.
    double again = 0;
    for (const std::string& name : checkpoint.names()) again += checkpoint.tensor(name).sum().item<double>();
    QCOMPARE(again, sum);
  }

  void embeddingsReadInPlaceCostOnlyTheRowsRead() {
    QTemporaryDir dir;
    lora::TinyModelOptions tiny;
    tiny.vocab_size = 32000;
    tiny.hidden_size = 512;  // a 62.5 MiB fp32 table
    lora::write_tiny_model(dir.path().toStdString(), tiny);
    const std::string name = "model.embed_tokens.weight";
    at::Tensor in_place, stored;
    {
      const lora::Checkpoint checkpoint = lora::Checkpoint::open(dir.path().toStdString());
      in_place = checkpoint.mapped_tensor(name);
      stored = checkpoint.tensor(name);  // a copy (its reading gives the pages back)
    }  // the tensor keeps the file mapped
    QVERIFY(in_place.defined());
    const at::Tensor ids = at::tensor({5, 700, 31999, 16000}, at::kLong);
    const int64_t before = resident_bytes();
    const at::Tensor rows = at::embedding(in_place, ids);
    // A page fault maps the pages around the one read, as much as a large page-cache folio (about
    // 0.8 MiB a row here): a small share of the table still.
    QVERIFY2(resident_bytes() - before < 16 * kMiB,
             qPrintable(QString("+%1 MiB for 4 rows").arg((resident_bytes() - before) / double(kMiB))));
    const double whole = in_place.sum().item<double>();  // every page read
    QVERIFY2(resident_bytes() - before > 50 * kMiB, "the table's pages did not count while read");
    lora::release_mapped_pages(in_place);
    QVERIFY2(resident_bytes() - before < 2 * kMiB, "release_mapped_pages kept the table resident");
    QVERIFY(at::equal(in_place, stored));  // read again from the file
    QVERIFY(at::equal(at::embedding(in_place, ids), rows));
    // Any other tensor: nothing happens to it (madvise on anonymous memory would zero it).
    const at::Tensor copy = in_place.clone();
    lora::release_mapped_pages(copy);
    QCOMPARE(copy.sum().item<double>(), whole);
    lora::release_mapped_pages(at::Tensor());
  }
};

QTEST_GUILESS_MAIN(MappedFileTest)
#include "test_mapped_file.moc"
