// The training ops (engine/ops/ops.h) compute what their reference compositions compute: the CPU
// nodes' values and gradients of cross-entropy, attention (causal, masked, grouped heads, a cache),
// RMSNorm, the SiLU-gated product, rotary and the LoRA linear layer with dropout, in fp32 (tight)
// and bf16 (within bf16 rounding); the lean nodes (what CUDA trains with) likewise; the dropout
// mask is a function of the seed alone; and the entry points send CPU tensors to the CPU nodes.
// libtorch before Qt: Qt's `slots` macro would clash with torch's IValue::slots().
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>

#include <QtTest>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "cpu_kernels.h"
#include "error.h"
#include "op_check.h"
#include "ops.h"

Q_DECLARE_METATYPE(at::ScalarType)

namespace {

using TensorFn = lora::TensorFunction;
namespace ops = lora::ops;

// Value and every gradient of `tested` within `tolerance` (relative) of `reference`'s.
void compare(const char* what, const TensorFn& tested, const TensorFn& reference, const std::vector<at::Tensor>& inputs,
             double tolerance, bool overwrites_inputs = false) {
  const lora::OpCheckResult result = lora::compare_op(what, tested, reference, inputs, tolerance, overwrites_inputs);
  QVERIFY2(result.value_error < tolerance,
           qPrintable(QString("%1: value differs by %2").arg(what).arg(result.value_error)));
  QVERIFY2(result.gradient_error < tolerance,
           qPrintable(QString("%1: a gradient differs by %2").arg(what).arg(result.gradient_error)));
  QVERIFY2(result.inputs_intact, qPrintable(QString("%1: an input was overwritten").arg(what)));
}

at::Tensor random(std::vector<int64_t> shape, at::ScalarType dtype, double scale = 1.0, bool grad = true) {
  return (at::randn(shape, at::TensorOptions().dtype(at::kFloat)) * scale).to(dtype).requires_grad_(grad);
}

double tolerance_for(at::ScalarType dtype) { return lora::op_tolerance(dtype); }

const char* dtype_name(at::ScalarType dtype) { return dtype == at::kFloat ? "fp32" : "bf16"; }

const std::vector<at::ScalarType> kDtypes = {at::kFloat, at::kBFloat16};

// One row per compute dtype, named "fp32" / "bf16".
void add_dtype_rows() {
  QTest::addColumn<at::ScalarType>("dtype");
  for (const auto dtype : kDtypes) QTest::newRow(dtype_name(dtype)) << dtype;
}

// The autograd node that produced `out` ("" for none): tells which implementation an entry point took.
std::string node_name(const at::Tensor& out) { return out.grad_fn() ? out.grad_fn()->name() : std::string(); }

}  // namespace

class TestFusedOps : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { at::manual_seed(20261128); }

  void cross_entropy_matches_log_softmax_data() { add_dtype_rows(); }
  void cross_entropy_matches_log_softmax() {
    QFETCH(at::ScalarType, dtype);
    // Odd sizes: the vector loops' tails are exercised too.
    const at::Tensor logits = random({7, 1003}, dtype, 3.0);
    const at::Tensor targets = at::randint(1003, {7}, at::TensorOptions().dtype(at::kLong));
    compare(
        "cross-entropy", [&](const auto& in) { return ops::cpu::cross_entropy_sum(in[0], targets); },
        [&](const auto& in) { return ops::reference::cross_entropy_sum(in[0], targets); }, {logits},
        tolerance_for(dtype), /*overwrites_inputs=*/true);
  }

  // A target outside the vocabulary is refused with the position named.
  void cross_entropy_refuses_a_target_outside_the_vocabulary() {
    const at::Tensor logits = at::randn({2, 5});
    bool refused = false;
    try {
      ops::cross_entropy_sum(logits, at::tensor({1, 5}, at::kLong));
    } catch (const lora::Error& e) {
      refused = std::string(e.what()).find("position 1") != std::string::npos;
    }
    QVERIFY(refused);
  }

  // Which causal attentions run in query blocks (and so keep less than the square for backward, as
  // the memory pre-flight counts): fp32 from two blocks of 128; bf16 from 2048 query rows per
  // key/value head, and from four blocks whatever the heads.
  void causal_attention_runs_in_blocks_where_they_pay() {
    const auto blocked = [](int64_t length, int64_t group, at::ScalarType dtype) {
      return ops::cpu::causal_attention_score_elements(length, group, dtype) < length * length;
    };
    QVERIFY(!blocked(255, 1, at::kFloat));
    QVERIFY(blocked(256, 1, at::kFloat));
    QVERIFY(!blocked(256, 1, at::kBFloat16));  // 256 query rows per key/value head
    QVERIFY(!blocked(384, 4, at::kBFloat16));  // 1536
    QVERIFY(blocked(256, 8, at::kBFloat16));   // 2048
    QVERIFY(blocked(384, 7, at::kBFloat16));
    QVERIFY(blocked(512, 1, at::kBFloat16));
    QVERIFY(blocked(4096, 1, at::kBFloat16));
    // Half the square and a little more at 4096 positions: 32 blocks keep 33/64 of it.
    QCOMPARE(ops::cpu::causal_attention_score_elements(4096, 1, at::kBFloat16), int64_t{4096} * 4096 * 33 / 64);
  }

  void attention_matches_softmax_attention_data() {
    QTest::addColumn<at::ScalarType>("dtype");
    QTest::addColumn<QString>("keys_seen");
    for (const auto dtype : kDtypes)
      for (const char* keys_seen : {"causal", "causal, in query blocks", "masked", "after a cache"})
        QTest::addRow("%s, %s", dtype_name(dtype), keys_seen) << dtype << QString(keys_seen);
  }
  void attention_matches_softmax_attention() {
    QFETCH(at::ScalarType, dtype);
    QFETCH(QString, keys_seen);
    const double tolerance = tolerance_for(dtype);
    const double scale = 1.0 / std::sqrt(24.0);
    // Grouped heads (6 query heads on 2 key/value heads), 37 positions, head_dim 24.
    const at::Tensor q = random({2, 6, 37, 24}, dtype), k = random({2, 2, 37, 24}, dtype),
                     v = random({2, 2, 37, 24}, dtype);
    if (keys_seen == "causal, in query blocks") {
      // Long enough for the node to skip the blocks above the diagonal in either dtype (and a short
      // last block).
      const int64_t length = 520;
      QVERIFY(ops::cpu::causal_attention_score_elements(length, 3, dtype) < length * length);
      const at::Tensor long_q = random({1, 6, length, 24}, dtype), long_k = random({1, 2, length, 24}, dtype),
                       long_v = random({1, 2, length, 24}, dtype);
      compare(
          "causal attention in query blocks",
          [&](const auto& in) { return ops::cpu::attention(in[0], in[1], in[2], true, {}, scale); },
          [&](const auto& in) { return ops::reference::attention(in[0], in[1], in[2], true, {}, scale); },
          {long_q, long_k, long_v}, tolerance);
      // Only q needing a gradient (layer 0's k and v when LoRA leaves k_proj and v_proj out) gives the
      // same gradient for q.
      const at::Tensor grad_out = random({1, 6, length, 24}, dtype, 1.0, false);
      const at::Tensor all_q = long_q.detach().requires_grad_(true), only_q = long_q.detach().requires_grad_(true);
      (ops::cpu::attention(all_q, long_k.detach().requires_grad_(true), long_v.detach().requires_grad_(true), true, {},
                           scale) * grad_out).sum().backward();
      (ops::cpu::attention(only_q, long_k.detach(), long_v.detach(), true, {}, scale) * grad_out).sum().backward();
      QVERIFY(only_q.grad().defined() && at::equal(only_q.grad(), all_q.grad()));
    } else if (keys_seen == "causal") {
      compare(
          "causal attention", [&](const auto& in) { return ops::cpu::attention(in[0], in[1], in[2], true, {}, scale); },
          [&](const auto& in) { return ops::reference::attention(in[0], in[1], in[2], true, {}, scale); }, {q, k, v},
          tolerance);
    } else if (keys_seen == "masked") {
      // Padding: batch 0 sees keys 5.. only (a query always sees itself, as the model's mask has it).
      at::Tensor allowed = at::ones({2, 1, 37, 37}, at::TensorOptions().dtype(at::kBool)).tril();
      allowed.index({0, 0, at::indexing::Slice(), at::indexing::Slice(0, 5)}).fill_(false);
      allowed.logical_or_(at::eye(37, at::TensorOptions().dtype(at::kBool)).view({1, 1, 37, 37}));
      compare(
          "masked attention",
          [&](const auto& in) { return ops::cpu::attention(in[0], in[1], in[2], false, allowed, scale); },
          [&](const auto& in) { return ops::reference::attention(in[0], in[1], in[2], false, allowed, scale); },
          {q, k, v}, tolerance);
    } else {
      // Three new queries after 34 cached keys, causal over absolute positions.
      const at::Tensor q_new = random({2, 6, 3, 24}, dtype);
      compare(
          "attention after a cache",
          [&](const auto& in) { return ops::cpu::attention(in[0], in[1], in[2], true, {}, scale); },
          [&](const auto& in) { return ops::reference::attention(in[0], in[1], in[2], true, {}, scale); },
          {q_new, k, v}, tolerance);
    }
  }

  void rms_norm_and_silu_mul_match_their_compositions_data() { add_dtype_rows(); }
  void rms_norm_and_silu_mul_match_their_compositions() {
    QFETCH(at::ScalarType, dtype);
    const at::Tensor x = random({3, 5, 70}, dtype, 2.0);
    const at::Tensor weight = (at::rand({70}) + 0.5).to(dtype);  // frozen, as in the model
    compare(
        "rms_norm", [&](const auto& in) { return ops::cpu::rms_norm(in[0], weight, 1e-6); },
        [&](const auto& in) { return ops::reference::rms_norm(in[0], weight, 1e-6); }, {x}, tolerance_for(dtype));
    const at::Tensor gate = random({3, 5, 70}, dtype, 3.0), up = random({3, 5, 70}, dtype);
    compare(
        "silu_mul", [&](const auto& in) { return ops::cpu::silu_mul(in[0], in[1]); },
        [&](const auto& in) { return ops::reference::silu_mul(in[0], in[1]); }, {gate, up}, tolerance_for(dtype));
    // gate and up as the two halves of one output (gate/up run as one group, Phi-3's gate_up_proj),
    // and as column blocks with a gap between rows: read in place, not copied first.
    const at::Tensor both = random({3, 5, 140}, dtype, 3.0), wider = random({3, 5, 150}, dtype, 3.0);
    compare(
        "silu_mul, halves of one tensor",
        [&](const auto& in) { return ops::cpu::silu_mul(in[0].narrow(-1, 0, 70), in[0].narrow(-1, 70, 70)); },
        [&](const auto& in) { return ops::reference::silu_mul(in[0].narrow(-1, 0, 70), in[0].narrow(-1, 70, 70)); },
        {both}, tolerance_for(dtype));
    compare(
        "silu_mul, strided rows",
        [&](const auto& in) { return ops::cpu::silu_mul(in[0].narrow(-1, 5, 70), in[0].narrow(-1, 80, 70)); },
        [&](const auto& in) { return ops::reference::silu_mul(in[0].narrow(-1, 5, 70), in[0].narrow(-1, 80, 70)); },
        {wider}, tolerance_for(dtype));
  }

  // gate/up as one group feeding the SiLU node: its gradients arrive as the halves of one tensor,
  // which the group takes whole; the same values and gradients as two layers and the composition.
  void gate_up_group_into_silu_mul_matches_the_composition_data() { add_dtype_rows(); }
  void gate_up_group_into_silu_mul_matches_the_composition() {
    QFETCH(at::ScalarType, dtype);
    const at::Tensor weight = random({2 * 40, 70}, dtype, 0.1, false);
    const at::Tensor x = random({3, 11, 70}, dtype, 1.0, true);
    const std::vector<at::Tensor> inputs = {x, random({8, 70}, at::kFloat, 0.1), random({40, 8}, at::kFloat, 0.1),
                                            random({8, 70}, at::kFloat, 0.1), random({40, 8}, at::kFloat, 0.1)};
    const uint64_t seed = 99;
    const at::Tensor mask = ops::dropout_mask(x, 0.2, seed);
    compare(
        "gate/up group into silu_mul",
        [&](const auto& in) {
          const auto both = ops::lora_linear_group(in[0], weight, {}, {40, 40}, {in[1], in[3]}, {in[2], in[4]}, 2.0,
                                                   0.2, seed);
          return ops::cpu::silu_mul(both[0], both[1]);
        },
        [&](const auto& in) {
          const at::Tensor gate = ops::reference::lora_linear(in[0], weight.narrow(0, 0, 40), {}, in[1], in[2], 2.0, mask);
          const at::Tensor up = ops::reference::lora_linear(in[0], weight.narrow(0, 40, 40), {}, in[3], in[4], 2.0, mask);
          return ops::reference::silu_mul(gate, up);
        },
        inputs, tolerance_for(dtype));
  }

  void rotary_matches_rotate_half_data() {
    QTest::addColumn<at::ScalarType>("dtype");
    QTest::addColumn<int64_t>("table_batch");
    // Per-sequence positions (a cos/sin table per batch row) and a shared one.
    for (const auto dtype : kDtypes)
      for (const int64_t table_batch : {1, 2})
        QTest::addRow("%s, %s", dtype_name(dtype), table_batch == 1 ? "one table" : "a table per sequence")
            << dtype << table_batch;
  }
  void rotary_matches_rotate_half() {
    QFETCH(at::ScalarType, dtype);
    QFETCH(int64_t, table_batch);
    const at::Tensor x = random({2, 9, 3 * 20}, dtype);
    const at::Tensor angles = at::rand({table_batch, 1, 9, 20}) * 6.0;
    const at::Tensor cos = angles.cos().to(dtype), sin = angles.sin().to(dtype);
    compare(
        "rotary", [&](const auto& in) { return ops::cpu::rotary(in[0], cos, sin, 3, 20); },
        [&](const auto& in) { return ops::reference::rotary(in[0], cos, sin, 3, 20); }, {x}, tolerance_for(dtype));
    QVERIFY(ops::cpu::rotary(x.detach(), cos, sin, 3, 20).is_contiguous());
  }

  void lora_linear_matches_with_the_same_dropout_mask_data() {
    QTest::addColumn<at::ScalarType>("dtype");
    QTest::addColumn<double>("dropout");
    QTest::addColumn<bool>("input_needs_grad");
    QTest::addColumn<bool>("with_bias");
    QTest::addColumn<int64_t>("rank");
    for (const auto dtype : kDtypes)
      for (const double dropout : {0.0, 0.3})
        for (const bool input_needs_grad : {true, false})  // layer 0's input needs none
          for (const bool with_bias : {false, true})
            // Rank 20: the dropout kernels' second chunk of accumulators, a partial one.
            for (const int64_t rank : {8, 20})
              if (rank == 8 || dropout > 0)
                QTest::addRow("%s, dropout %.1f, input %s, %s, rank %d", dtype_name(dtype), dropout,
                              input_needs_grad ? "with grad" : "without grad", with_bias ? "bias" : "no bias",
                              static_cast<int>(rank))
                    << dtype << dropout << input_needs_grad << with_bias << rank;
  }
  void lora_linear_matches_with_the_same_dropout_mask() {
    QFETCH(at::ScalarType, dtype);
    QFETCH(double, dropout);
    QFETCH(bool, input_needs_grad);
    QFETCH(bool, with_bias);
    QFETCH(int64_t, rank);
    const at::Tensor weight = random({45, 70}, dtype, 0.1, false);
    const at::Tensor bias = with_bias ? random({45}, dtype, 0.1, false) : at::Tensor();
    const at::Tensor a = random({rank, 70}, at::kFloat, 0.1), b = random({45, rank}, at::kFloat, 0.1);
    const at::Tensor x = random({3, 11, 70}, dtype, 1.0, input_needs_grad);
    const uint64_t seed = 0x1234567887654321ULL;
    const at::Tensor mask = dropout > 0 ? ops::dropout_mask(x, dropout, seed) : at::Tensor();
    compare(
        "lora_linear",
        [&](const auto& in) { return ops::cpu::lora_linear(in[0], weight, bias, in[1], in[2], 2.0, dropout, seed); },
        [&](const auto& in) { return ops::reference::lora_linear(in[0], weight, bias, in[1], in[2], 2.0, mask); },
        {x, a, b}, tolerance_for(dtype));
  }

  // Ranks above the fused low-rank gradient loop's limit take the matmul and masked-add path.
  void lora_linear_with_a_rank_above_the_fused_limit_matches_data() { add_dtype_rows(); }
  void lora_linear_with_a_rank_above_the_fused_limit_matches() {
    QFETCH(at::ScalarType, dtype);
    const int64_t rank = lora::cpu_kernels::kLowRankMax + 1;
    const at::Tensor weight = random({45, 70}, dtype, 0.1, false);
    const at::Tensor a = random({rank, 70}, at::kFloat, 0.1), b = random({45, rank}, at::kFloat, 0.1);
    const at::Tensor x = random({3, 11, 70}, dtype, 1.0, true);
    const uint64_t seed = 0x1234567887654321ULL;
    const at::Tensor mask = ops::dropout_mask(x, 0.3, seed);
    compare(
        "lora_linear, wide rank",
        [&](const auto& in) { return ops::cpu::lora_linear(in[0], weight, {}, in[1], in[2], 2.0, 0.3, seed); },
        [&](const auto& in) { return ops::reference::lora_linear(in[0], weight, {}, in[1], in[2], 2.0, mask); },
        {x, a, b}, tolerance_for(dtype));
  }

  // q/k/v as one node (lora_linear_group) computes what three reference LoRA layers compute when
  // they share the dropout mask: values, the input's gradient and every factor's, with biases, a
  // member without a LoRA pair (PEFT's default q_proj/v_proj targets leave k_proj without one),
  // ranks on both sides of the low-rank kernels' chunk, and a member whose output is not used.
  void lora_linear_group_matches_separate_layers_sharing_the_mask_data() {
    QTest::addColumn<at::ScalarType>("dtype");
    QTest::addColumn<double>("dropout");
    QTest::addColumn<bool>("with_bias");
    QTest::addColumn<bool>("middle_has_pair");
    QTest::addColumn<bool>("last_output_used");
    for (const auto dtype : kDtypes)
      for (const double dropout : {0.0, 0.3})
        for (const bool with_bias : {false, true})
          for (const bool middle_has_pair : {true, false})
            for (const bool last_output_used : {true, false})
              if (last_output_used || (with_bias && middle_has_pair))
                QTest::addRow("%s, dropout %.1f, %s, %s, %s", dtype_name(dtype), dropout,
                              with_bias ? "bias" : "no bias", middle_has_pair ? "three pairs" : "k without a pair",
                              last_output_used ? "all outputs used" : "v unused")
                    << dtype << dropout << with_bias << middle_has_pair << last_output_used;
  }
  void lora_linear_group_matches_separate_layers_sharing_the_mask() {
    QFETCH(at::ScalarType, dtype);
    QFETCH(double, dropout);
    QFETCH(bool, with_bias);
    QFETCH(bool, middle_has_pair);
    QFETCH(bool, last_output_used);
    const std::vector<int64_t> outs = {48, 16, 16}, ranks = {8, 20, 4};
    const at::Tensor weight = random({80, 70}, dtype, 0.1, false);
    const at::Tensor bias = with_bias ? random({80}, dtype, 0.1, false) : at::Tensor();
    const at::Tensor x = random({3, 11, 70}, dtype, 1.0, true);
    std::vector<at::Tensor> inputs = {x};
    for (size_t i = 0; i < outs.size(); ++i)
      if (i != 1 || middle_has_pair) {
        inputs.push_back(random({ranks[i], 70}, at::kFloat, 0.1));
        inputs.push_back(random({outs[i], ranks[i]}, at::kFloat, 0.1));
      }
    // in: x, then (A, B) per member with a pair.
    const auto pairs = [&](const std::vector<at::Tensor>& in) {
      std::vector<at::Tensor> a(outs.size()), b(outs.size());
      for (size_t i = 0, next = 1; i < outs.size(); ++i)
        if (i != 1 || middle_has_pair) {
          a[i] = in[next++];
          b[i] = in[next++];
        }
      return std::make_pair(a, b);
    };
    const auto joined = [&](const std::vector<at::Tensor>& outputs) {
      return last_output_used ? at::cat(outputs, -1) : at::cat({outputs[0], outputs[1]}, -1);
    };
    const uint64_t seed = 0x1234567887654321ULL;
    const at::Tensor mask = dropout > 0 ? ops::dropout_mask(x, dropout, seed) : at::Tensor();
    compare(
        "lora_linear_group",
        [&](const auto& in) {
          const auto [a, b] = pairs(in);
          const std::vector<at::Tensor> outputs = ops::lora_linear_group(in[0], weight, bias, outs, a, b, 2.0, dropout, seed);
          if (node_name(outputs[0]).find("CpuLoraLinearGroupNode") == std::string::npos)
            throw std::runtime_error("lora_linear_group did not take its CPU node");
          return joined(outputs);
        },
        [&](const auto& in) {
          const auto [a, b] = pairs(in);
          std::vector<at::Tensor> outputs;
          for (size_t i = 0, row = 0; i < outs.size(); row += outs[i++]) {
            const at::Tensor w = weight.narrow(0, row, outs[i]);
            const at::Tensor bi = with_bias ? bias.narrow(0, row, outs[i]) : at::Tensor();
            outputs.push_back(a[i].defined() ? ops::reference::lora_linear(in[0], w, bi, a[i], b[i], 2.0, mask)
                                             : at::linear(in[0], w, bi));
          }
          // An unused output's factors get zero gradients from the node, none from autograd here.
          return last_output_used ? joined(outputs) : joined(outputs) + outputs[2].sum() * 0;
        },
        inputs, tolerance_for(dtype));
  }

  void lora_linear_group_refuses_shapes_that_do_not_fit() {
    const at::Tensor x = random({2, 5, 12}, at::kFloat);
    const at::Tensor weight = random({10, 12}, at::kFloat, 0.1, false);
    const at::Tensor a = random({2, 12}, at::kFloat), b = random({4, 2}, at::kFloat);
    // The members' rows (4 + 4) do not add up to the weight's 10.
    QVERIFY_THROWS_EXCEPTION(lora::Error, ops::lora_linear_group(x, weight, {}, {4, 4}, {a, {}}, {b, {}}, 2.0, 0, 0));
    // B's rows are not its member's.
    QVERIFY_THROWS_EXCEPTION(lora::Error, ops::lora_linear_group(x, weight, {}, {6, 4}, {a, {}}, {b, {}}, 2.0, 0, 0));
    const auto outputs = ops::lora_linear_group(x, weight, {}, {4, 6}, {a, {}}, {b, {}}, 2.0, 0, 0);
    QVERIFY(outputs.at(0).sizes() == at::IntArrayRef({2, 5, 4}) && outputs.at(1).sizes() == at::IntArrayRef({2, 5, 6}));
  }

  void dropout_mask_depends_on_the_seed_only() {
    const at::Tensor x = at::ones({1000, 300}, at::TensorOptions().dtype(at::kBFloat16));
    const int threads = at::get_num_threads();
    at::set_num_threads(1);
    const at::Tensor single = ops::dropout_mask(x, 0.1, 42);
    at::set_num_threads(std::max(2, threads));
    const at::Tensor parallel = ops::dropout_mask(x, 0.1, 42);
    at::set_num_threads(threads);
    QVERIFY(at::equal(single, parallel));
    QVERIFY(!at::equal(single, ops::dropout_mask(x, 0.1, 43)));
    // Kept entries are scaled by 1/(1-p) and about 1-p of them are kept.
    const double kept = single.ne(0).to(at::kDouble).mean().item<double>();
    QVERIFY2(std::abs(kept - 0.9) < 0.005, qPrintable(QString("kept fraction %1").arg(kept)));
    QVERIFY(std::abs(single.to(at::kFloat).max().item<double>() - static_cast<double>(at::BFloat16(1.0f / 0.9f))) < 1e-6);
  }

  // A layer's input past 2^32 elements (a long sequence through a wide layer): the mask of a block of
  // 16 that straddles 2^32 is hashed lane by lane, each element as dropout_keeps says. The kernels
  // take the row range, so a row at that flat index is reached through a pointer offset.
  void dropout_kernels_follow_the_mask_across_two_to_the_32() {
    namespace kernels = lora::cpu_kernels;
    const int64_t n = 67, rank = 3;
    // Elements [row·n, row·n + n) straddle 2^32 at column 33: 15 of the block [32, 48) lie past it.
    const int64_t row = (int64_t(1) << 32) / n;
    QVERIFY(row * n < (int64_t(1) << 32) && (row + 1) * n > (int64_t(1) << 32));
    const uint64_t seed = 77;
    const uint32_t threshold = 1u << 31;  // p = 0.5
    std::vector<float> x(n), a(rank * n), down(rank, 0.0f), grad_x(n, 0.0f), grad_down = {0.5f, -1.0f, 2.0f};
    for (int64_t j = 0; j < n; ++j) x[j] = 1.0f + 0.01f * static_cast<float>(j);
    for (int64_t i = 0; i < rank * n; ++i) a[i] = 0.1f * static_cast<float>((i * 7) % 11) - 0.5f;
    kernels::dropout_low_rank_project(x.data() - row * n, a.data(), down.data() - row * rank,
                                      kernels::Storage::Float32, row, row + 1, n, rank, seed, threshold, 2.0f);
    kernels::dropout_low_rank_accumulate(grad_x.data() - row * n, grad_down.data() - row * rank, a.data(),
                                         kernels::Storage::Float32, row, row + 1, n, rank, seed, threshold, 2.0f);
    int kept = 0;
    for (int64_t k = 0; k < rank; ++k) {
      double expected = 0;
      for (int64_t j = 0; j < n; ++j)
        if (kernels::dropout_keeps(seed, threshold, static_cast<uint64_t>(row * n + j)))
          expected += x[j] * a[k * n + j];
      QVERIFY2(std::abs(down[k] - 2.0 * expected) < 1e-4,
               qPrintable(QString("rank %1: %2 vs %3").arg(k).arg(down[k]).arg(2.0 * expected)));
    }
    for (int64_t j = 0; j < n; ++j) {
      double product = 0;
      for (int64_t k = 0; k < rank; ++k) product += grad_down[k] * a[k * n + j];
      const bool keeps = kernels::dropout_keeps(seed, threshold, static_cast<uint64_t>(row * n + j));
      kept += keeps;
      QVERIFY2(std::abs(grad_x[j] - (keeps ? 2.0 * product : 0.0)) < 1e-4, qPrintable(QString("column %1").arg(j)));
    }
    QVERIFY(kept > 10 && kept < 60);  // a mask, not all kept or all dropped
  }

  // The entry points send CPU fp32/bf16 tensors to the CPU nodes, and what those do not handle
  // (a trainable norm weight) to the reference composition.
  void entry_points_choose_the_cpu_nodes_on_the_cpu_data() { add_dtype_rows(); }
  void entry_points_choose_the_cpu_nodes_on_the_cpu() {
    QFETCH(at::ScalarType, dtype);
    const at::Tensor x = random({2, 3, 40}, dtype);
    const at::Tensor norm_weight = at::ones({40}, at::TensorOptions().dtype(dtype));
    QVERIFY(node_name(ops::rms_norm(x, norm_weight, 1e-6)).find("CpuRmsNormNode") != std::string::npos);
    QVERIFY(node_name(ops::rms_norm(x, norm_weight.clone().requires_grad_(true), 1e-6)).find("Cpu") ==
            std::string::npos);
    QVERIFY(node_name(ops::silu_mul(x, x)).find("CpuSiluMulNode") != std::string::npos);
    const at::Tensor angles = at::rand({1, 1, 3, 20});
    QVERIFY(node_name(ops::rotary(x, angles.cos().to(dtype), angles.sin().to(dtype), 2, 20)).find("CpuRotaryNode") !=
            std::string::npos);
    const at::Tensor logits = random({3, 11}, dtype);
    const at::Tensor targets = at::tensor({0L, 4L, 10L}, at::kLong);
    QVERIFY(node_name(ops::cross_entropy_sum(logits, targets)).find("CpuCrossEntropyNode") != std::string::npos);
    const at::Tensor weight = random({5, 40}, dtype, 0.1, false);
    const at::Tensor a = random({2, 40}, at::kFloat, 0.1), b = random({5, 2}, at::kFloat, 0.1);
    QVERIFY(node_name(ops::lora_linear(x, weight, {}, a, b, 2.0, 0.1, 7)).find("CpuLoraLinearNode") !=
            std::string::npos);
  }

  // The lean nodes (what CUDA trains with) compute the same values and gradients as the
  // compositions; run here on the CPU, where the same ATen code runs.
  void lean_ops_match_their_compositions_data() { add_dtype_rows(); }
  void lean_ops_match_their_compositions() {
    QFETCH(at::ScalarType, dtype);
    for (const lora::OpCheckResult& check : lora::check_lean_ops(at::kCPU, dtype))
      QVERIFY2(check.passed(), qPrintable(QString("lean %1: value error %2, gradient error %3, inputs %4")
                                              .arg(QString::fromStdString(check.name))
                                              .arg(check.value_error)
                                              .arg(check.gradient_error)
                                              .arg(check.inputs_intact ? "intact" : "OVERWRITTEN")));
  }

  // More rows than one fp32 chunk holds (16M values): the chunked loop and its seams.
  void lean_cross_entropy_over_chunks_matches_its_composition() {
    const int64_t vocab = int64_t{1} << 22;
    const at::Tensor logits = random({5, vocab}, at::kBFloat16, 2.0);
    const at::Tensor targets = at::tensor({0L, vocab - 1, 12345L, 7L, vocab / 2}, at::kLong);
    compare(
        "lean cross-entropy over chunks",
        [&](const auto& in) { return ops::lean::cross_entropy_sum(in[0], targets); },
        [&](const auto& in) { return ops::reference::cross_entropy_sum(in[0], targets); }, {logits}, 3e-2,
        /*overwrites_inputs=*/true);
  }

  // Its dropout keeps no mask: backward redraws it from the generator state the forward drew it
  // with (check_lean_ops shows the gradients are those of that very mask), then puts the generator
  // back where the forward left it, so the draws after backward are unchanged.
  void lean_lora_linear_leaves_the_generator_as_the_forward_did() {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    const auto state = [&] {
      std::lock_guard<std::mutex> lock(generator.mutex());
      return generator.get_state();
    };
    const at::Tensor weight = random({45, 70}, at::kBFloat16, 0.1, false);
    const at::Tensor a = random({8, 70}, at::kFloat, 0.1), b = random({45, 8}, at::kFloat, 0.1);
    const at::Tensor x = random({3, 11, 70}, at::kBFloat16);
    const at::Tensor before = state();
    const at::Tensor out = ops::lean::lora_linear(x, weight, {}, a, b, 2.0, 0.3);
    const at::Tensor after_forward = state();
    QVERIFY(!at::equal(before, after_forward));
    out.to(at::kFloat).sum().backward();
    QVERIFY(at::equal(state(), after_forward));
  }
};

QTEST_GUILESS_MAIN(TestFusedOps)
#include "test_fused_ops.moc"
