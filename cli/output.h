// SPDX-License-Identifier: GPL-2.0
//
// Output formats of the ipvs-udp CLI: JSON (--json), aligned text tables
// (default) and the Prometheus text exposition format (stats --prometheus).
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "json_writer.h"

namespace ipvsudp::cli {

// A streaming JSON writer, compact: {"a":1,"b":[2,3]} (lib/json_writer.h).
using Json = json::Writer<json::Style::compact>;

// Columns aligned to the widest cell; numbers are right-aligned.
class Table {
  public:
    explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
    void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    void print(std::ostream& os, std::string_view indent = "") const;

  private:
    std::vector<std::vector<std::string>> rows_;
};

// Prometheus text format: one HELP/TYPE block per metric name, samples
// with escaped label values, in the order first added.
class Prometheus {
  public:
    void add(const std::string& name, const std::string& type, const std::string& help,
             const std::map<std::string, std::string>& labels, std::uint64_t value);
    void add_real(const std::string& name, const std::string& type, const std::string& help,
                  const std::map<std::string, std::string>& labels, double value);
    // A sample named `sample` of the metric family `name` (a histogram's
    // _bucket, _sum and _count), its value already formatted.
    void add_sample(const std::string& name, const std::string& type, const std::string& help,
                    const std::string& sample, const std::map<std::string, std::string>& labels,
                    const std::string& value);
    // A histogram from its cumulative buckets (upper bounds `les`, the last
    // "+Inf"), the sum of its observations and their count.
    void add_histogram(const std::string& name, const std::string& help,
                       const std::map<std::string, std::string>& labels,
                       const std::vector<std::pair<std::string, std::uint64_t>>& buckets,
                       double sum);
    void print(std::ostream& os) const;

  private:
    struct Metric {
        std::string type, help;
        std::vector<std::string> samples;
    };
    std::vector<std::string> order_;
    std::map<std::string, Metric> metrics_;
};

}  // namespace ipvsudp::cli
