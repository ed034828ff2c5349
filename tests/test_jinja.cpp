// The Jinja engine (lora::JinjaTemplate) feature by feature, against jinja2 as transformers runs it.
//
// tests/fixtures/jinja/features.json was written by tests/reference/jinja_feature_reference.py: small
// templates, one per language feature chat templates use (whitespace control, literals, operators,
// scoping, loops, macros, filters, tests, methods, generation spans, runtime and syntax errors),
// rendered by jinja2 3.1.6's ImmutableSandboxedEnvironment with transformers' settings. Each case must
// give the same bytes (and the same {% generation %} byte spans), the same raise_exception message, or
// fail with the same message on the same template line. The hand-written tests below add what jinja2
// does not report (columns) and what it does not bound (LoRA Studio's JinjaLimits).
#include <QElapsedTimer>
#include <QFile>
#include <QtTest>
#include <clocale>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "error.h"
#include "jinja_template.h"
#include "test_support.h"

using ordered_json = nlohmann::ordered_json;

namespace {

ordered_json read_json(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(path));
  const QByteArray bytes = file.readAll();
  return ordered_json::parse(bytes.begin(), bytes.end());
}

const ordered_json& features() {
  static const ordered_json fixture = read_json(test_support::fixtures_dir() + "/jinja/features.json");
  return fixture;
}

lora::JinjaRender render(const std::string& source, const ordered_json& variables = ordered_json::object(),
                         const lora::JinjaLimits& limits = {}) {
  return lora::JinjaTemplate::parse(source, "t").render(variables, limits);
}

// The message of the lora::Error (not JinjaRaised) that parsing or rendering `source` throws; empty
// when it renders.
std::string failure(const std::string& source, const ordered_json& variables = ordered_json::object(),
                    const lora::JinjaLimits& limits = {}) {
  try {
    render(source, variables, limits);
  } catch (const lora::JinjaRaised& e) {
    return std::string("JinjaRaised: ") + e.what();
  } catch (const lora::Error& e) {
    return e.what();
  }
  return {};
}

// Today's date as Python's datetime.now().strftime(format) writes it (C locale).
std::string today(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buffer[128];
  const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  const size_t n = strftime_l(buffer, sizeof buffer, format, &local, c_locale);
  freelocale(c_locale);
  return std::string(buffer, n);
}

}  // namespace

class TestJinja : public QObject {
  Q_OBJECT

 private slots:
  void matches_jinja2_data() {
    QTest::addColumn<int>("index");
    const auto& cases = features()["cases"];
    QVERIFY(cases.size() >= 200);
    for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i]["name"].get<std::string>().c_str()) << int(i);
  }

  void matches_jinja2() {
    QFETCH(int, index);
    const ordered_json& c = features()["cases"][size_t(index)];
    const std::string source = c["template"].get<std::string>();
    const std::string name = "features";
    try {
      const ordered_json& variables = c.contains("variables") ? c["variables"] : features()["default_variables"];
      const lora::JinjaRender result = lora::JinjaTemplate::parse(source, name).render(variables);
      QVERIFY2(c.contains("text"), ("rendered, but jinja2 failed: " + c.dump()).c_str());
      QCOMPARE(QString::fromStdString(result.text), QString::fromStdString(c["text"].get<std::string>()));
      if (c.contains("spans")) {
        ordered_json spans = ordered_json::array();
        for (const auto& span : result.generation_spans) spans.push_back({span.first, span.second});
        QCOMPARE(QString::fromStdString(spans.dump()), QString::fromStdString(c["spans"].dump()));
      }
    } catch (const lora::JinjaRaised& e) {
      QVERIFY2(c.contains("raised"), e.what());
      QCOMPARE(QString::fromUtf8(e.what()), QString::fromStdString(c["raised"].get<std::string>()));
    } catch (const lora::Error& e) {
      const bool syntax = c.contains("syntax_error");
      QVERIFY2(syntax || c.contains("error"), e.what());
      // "features:LINE:COLUMN: message", the message as jinja2 (or Python under it) words it.
      static const std::regex positioned("^features:([0-9]+):([0-9]+): (.*)$");
      std::smatch match;
      const std::string what = e.what();
      QVERIFY2(std::regex_match(what, match, positioned), e.what());
      if (c.contains("line") && !c["line"].is_null()) QCOMPARE(std::stoi(match[1]), c["line"].get<int>());
      std::string expected = c[syntax ? "syntax_error" : "error"].get<std::string>();
      if (c.value("error_type", "") == "SyntaxError") expected = expected.substr(0, expected.find(" ("));
      QCOMPARE(QString::fromStdString(match[3]), QString::fromStdString(expected));
    }
  }

  void errors_name_line_and_column() {
    QCOMPARE(QString::fromStdString(failure("ok\n  {{ nothing.attr }}")), QString("t:2:13: 'nothing' is undefined"));
    QCOMPARE(QString::fromStdString(failure("{% for x in y %}\n{{ x }}")),
             QString("t:2:8: Unexpected end of template. Jinja was looking for the following tags: 'endfor' or "
                     "'else'. The innermost block that needs to be closed is 'for'."));
    QCOMPARE(QString::fromStdString(failure("a\n\n   {{ x | frobnicate }}")),
             QString("t:3:11: No filter named 'frobnicate'."));
    QCOMPARE(QString::fromStdString(failure("{{ 'caf\xc3\xa9' ~ x + 1 }}", {{"x", "s"}})),
             QString("t:1:15: can only concatenate str (not \"int\") to str"));
    QCOMPARE(QString::fromStdString(failure("{% set l = [] %}\n{{ l.append(1) }}")),
             QString("t:2:12: access to attribute 'append' of 'list' object is unsafe."));
    QCOMPARE(QString::fromStdString(failure("{{ raise_exception('bad ' ~ 1) }}")), QString("JinjaRaised: bad 1"));
  }

  void parses_once_renders_many() {
    const auto tpl = lora::JinjaTemplate::parse(
        "{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}{{ extra | default('-') }}", "loop");
    QVERIFY(!tpl.has_generation_blocks());
    QCOMPARE(QString::fromStdString(tpl.source()).left(6), QString("{% for"));
    const ordered_json one = {{"messages", {{{"role", "user"}, {"content", "a"}}}}};
    const ordered_json two = {
        {"messages", {{{"role", "user"}, {"content", "b"}}, {{"role", "assistant"}, {"content", "c"}}}},
        {"extra", "+"}};
    QCOMPARE(QString::fromStdString(tpl.render(one).text), QString("[user:a]-"));
    QCOMPARE(QString::fromStdString(tpl.render(two).text), QString("[user:b][assistant:c]+"));
    QVERIFY(lora::JinjaTemplate::parse("{% generation %}x{% endgeneration %}", "g").has_generation_blocks());
  }

  void keeps_the_key_order_of_the_variables() {
    ordered_json tool = ordered_json::object();
    tool["name"] = "get_weather";
    tool["parameters"] = {{"zeta", 1}, {"alpha", 2}};
    const ordered_json variables = {{"tool", tool}};
    QCOMPARE(QString::fromStdString(
                 render("{{ tool | tojson }}|{% for k in tool.parameters %}{{ k }}{% endfor %}", variables).text),
             QString("{\"name\": \"get_weather\", \"parameters\": {\"zeta\": 1, \"alpha\": 2}}|zetaalpha"));
  }

  void strftime_now_formats_todays_date() {
    QCOMPARE(QString::fromStdString(render("{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%d %b %Y') }}").text),
             QString::fromStdString(today("%Y-%m-%d") + "|" + today("%d %b %Y")));
    // The C locale whatever the process locale is, as Python's LC_TIME stays "C".
    std::setlocale(LC_ALL, "");
    QCOMPARE(QString::fromStdString(render("{{ strftime_now('%B %A') }}|{{ 1.5 }}|{{ '%.2f' % 2.5 }}").text),
             QString::fromStdString(today("%B %A") + "|1.5|2.50"));
    std::setlocale(LC_ALL, "C");
  }

  void rejects_variables_that_are_not_an_object() {
    QVERIFY_THROWS_EXCEPTION(lora::Error, render("x", ordered_json::array()));
    QCOMPARE(QString::fromStdString(render("x", ordered_json()).text), QString("x"));
  }

  // ---- limits: a hostile template fails quickly with a clear error ----------------------------------

  void limits_stop_infinite_recursion() {
    QElapsedTimer timer;
    timer.start();
    const std::string error = failure("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
    QVERIFY2(error.find("nests deeper than 256 levels") != std::string::npos, error.c_str());
    QVERIFY(timer.elapsed() < 5000);
    lora::JinjaLimits shallow;
    shallow.max_depth = 20;
    QVERIFY(failure("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(30) }}", {}, shallow)
                .find("nests deeper than 20") != std::string::npos);
    QVERIFY(
        failure("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}", {}, shallow).empty());
  }

  void limits_stop_endless_loops() {
    QElapsedTimer timer;
    timer.start();
    const std::string error =
        failure("{% for i in range(100000) %}{% for j in range(100000) %}{{ '' }}{% endfor %}{% endfor %}");
    QVERIFY2(error.find("ran more than 50000000 steps") != std::string::npos, error.c_str());
    QVERIFY2(timer.elapsed() < 60000, qPrintable(QString::number(timer.elapsed())));
    lora::JinjaLimits few;
    few.max_steps = 10000;
    timer.restart();
    QVERIFY(failure("{% for i in range(100000) %}{{ i }}{% endfor %}", {}, few).find("ran more than 10000 steps") !=
            std::string::npos);
    QVERIFY(timer.elapsed() < 2000);
  }

  void limits_stop_memory_blowup() {
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(failure("{{ 'a' * 10**9 }}").find("exceeds the limit") != std::string::npos,
             failure("{{ 'a' * 10**9 }}").c_str());
    QVERIFY(failure("{{ ([0] * 10**9) | length }}").find("exceeds the limit") != std::string::npos);
    QVERIFY(failure("{{ 'abc' * 9223372036854775807 }}").find("too large") != std::string::npos);
    const std::string doubling =
        "{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}";
    QVERIFY2(failure(doubling).find("exceeds the limit") != std::string::npos, failure(doubling).c_str());
    lora::JinjaLimits small;
    small.max_output_bytes = 1000;
    QVERIFY(failure("{% for c in 'x' * 600 %}xx{% endfor %}", {}, small).find("rendered text exceeds") !=
            std::string::npos);
    QVERIFY(failure("{{ 'x' * 2000 }}", {}, small).find("exceeds the limit") != std::string::npos);
    QVERIFY(failure("{{ 2 ** 64 }}").find("integer overflow") != std::string::npos);
    QVERIFY(timer.elapsed() < 10000);
  }

  void limits_stop_deep_nesting() {
    // Nested values built in a loop: refused when built, so printing and freeing them stays shallow.
    const std::string nesting =
        "{% set ns = namespace(x=[]) %}{% for i in range(5000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}";
    QVERIFY2(failure(nesting).find("nest more than 512 levels") != std::string::npos, failure(nesting).c_str());
    // Deeply nested source: a syntax error, not a stack overflow.
    const std::string parens = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
    QVERIFY(failure(parens).find("nests more than the parser allows") != std::string::npos);
    std::string blocks;
    for (int i = 0; i < 3000; ++i) blocks += "{% if true %}";
    QVERIFY(!failure(blocks).empty());
    // Deep JSON variables.
    ordered_json deep = 1;
    for (int i = 0; i < 2000; ++i) deep = ordered_json::array({deep});
    QVERIFY(failure("{{ x | length }}", {{"x", deep}}).find("nest more than") != std::string::npos);
    // A namespace holding itself prints like Python's recursive repr and does not leak.
    QCOMPARE(QString::fromStdString(render("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}").text),
             QString("<Namespace {'me': <Namespace {...}>}>"));
  }

  void generation_spans_are_byte_ranges() {
    const auto result = render(
        "<u>hi</u>{% for m in ['caf\xc3\xa9', 'b'] %}<a>{% generation %}{{ m }}!{% endgeneration %}</a>{% endfor %}");
    QCOMPARE(QString::fromStdString(result.text), QString::fromUtf8("<u>hi</u><a>caf\xc3\xa9!</a><a>b!</a>"));
    QCOMPARE(int(result.generation_spans.size()), 2);
    QCOMPARE(int(result.generation_spans[0].first), 12);
    QCOMPARE(int(result.generation_spans[0].second), 18);
    QCOMPARE(result.text.substr(result.generation_spans[1].first,
                                result.generation_spans[1].second - result.generation_spans[1].first),
             std::string("b!"));
  }
};

QTEST_GUILESS_MAIN(TestJinja)
#include "test_jinja.moc"
