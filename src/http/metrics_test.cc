#include "http/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace suanli::metrics {
namespace {

TEST(Metrics, RendersCountersWithLabelsSortedAndEscaped) {
  Registry r;
  auto& f = r.AddCounter("zz_total", "Last family", {"method", "route"});
  f.With({"GET", "/a"}).Inc();
  f.With({"GET", "/a"}).Inc(2);
  f.With({"POST", "say \"hi\"\\\n"}).Inc();
  r.AddCounter("aa_total", "First family").With(std::vector<std::string>{}).Inc(7);
  std::string text = r.RenderPrometheus();
  EXPECT_EQ(text,
            "# HELP aa_total First family\n"
            "# TYPE aa_total counter\n"
            "aa_total 7\n"
            "# HELP zz_total Last family\n"
            "# TYPE zz_total counter\n"
            "zz_total{method=\"GET\",route=\"/a\"} 3\n"
            "zz_total{method=\"POST\",route=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry r;
  auto& h = r.AddHistogram("lat_seconds", "Latency", {}, {0.1, 1});
  auto& child = h.With(std::vector<std::string>{});
  child.Observe(0.05);
  child.Observe(0.1);  // le is inclusive
  child.Observe(0.5);
  child.Observe(3);
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE lat_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{le=\"0.1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{le=\"1\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_sum 3.65\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_count 4\n"), std::string::npos) << text;
}

TEST(Metrics, GaugesGoUpAndDown) {
  Registry r;
  auto& g = r.AddGauge("open", "Open things").With(std::vector<std::string>{});
  g.Add(3);
  g.Sub(1);
  EXPECT_EQ(g.Value(), 2);
  EXPECT_NE(r.RenderPrometheus().find("open 2\n"), std::string::npos);
}

TEST(Metrics, CollectorsSetTheirValuesBeforeEachRender) {
  Registry r;
  Gauge& g = r.AddGauge("queue_depth", "Items waiting").With({});
  int scrapes = 0;
  r.AddCollector([&] { g.Set(++scrapes * 10); });
  EXPECT_NE(r.RenderPrometheus().find("queue_depth 10\n"), std::string::npos);
  EXPECT_NE(r.RenderPrometheus().find("queue_depth 20\n"), std::string::npos);
  // A collector may register and set metrics of the same registry (no lock held while it runs).
  r.AddCollector([&] { r.AddCounter("late_total", "Registered by a collector").With({}).Inc(); });
  EXPECT_NE(r.RenderPrometheus().find("late_total 1\n"), std::string::npos);
}

TEST(Metrics, ReRegisteringReturnsTheSameFamilyAndChildrenAreStable) {
  Registry r;
  auto& a = r.AddCounter("x_total", "X", {"k"});
  auto& b = r.AddCounter("x_total", "X", {"k"});
  EXPECT_EQ(&a, &b);
  Counter& c1 = a.With({"v"});
  for (int i = 0; i < 100; ++i) a.With({std::to_string(i)});
  EXPECT_EQ(&c1, &a.With({"v"}));
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  Registry r;
  Counter& c = r.AddCounter("n_total", "N").With(std::vector<std::string>{});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&c] {
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000u);
}

TEST(MetricsDeathTest, MismatchedRegistrationIsABug) {
  Registry r;
  r.AddCounter("x_total", "X", {"k"});
  EXPECT_DEATH(r.AddGauge("x_total", "X", {"k"}), "CHECK failed");
  EXPECT_DEATH(r.AddCounter("x_total", "X", {"other"}), "CHECK failed");
  EXPECT_DEATH(r.AddCounter("bad-name", "X"), "CHECK failed");
  EXPECT_DEATH(r.AddCounter("x_total", "X", {"k"}).With({"a", "b"}), "CHECK failed");
}

}  // namespace
}  // namespace suanli::metrics
