// SPDX-License-Identifier: GPL-2.0
#include "output.h"

#include <algorithm>
#include <cstdio>

namespace ipvsudp::cli {

void Table::print(std::ostream& os, std::string_view indent) const {
    std::vector<std::size_t> w;
    for (const auto& r : rows_)
        for (std::size_t i = 0; i < r.size(); i++) {
            if (w.size() <= i) w.push_back(0);
            w[i] = std::max(w[i], r[i].size());
        }
    for (std::size_t ri = 0; ri < rows_.size(); ri++) {
        const auto& r = rows_[ri];
        std::string line(indent);
        for (std::size_t i = 0; i < r.size(); i++) {
            const std::string& c = r[i];
            const bool num = ri > 0 && !c.empty() && std::all_of(c.begin(), c.end(), [](char ch) {
                                 return (ch >= '0' && ch <= '9') || ch == '.';
                             });
            std::string pad(w[i] - c.size(), ' ');
            if (i + 1 == r.size() && !num)
                line += c;
            else
                line += num ? pad + c : c + pad;
            if (i + 1 < r.size()) line += "  ";
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        os << line << "\n";
    }
}

namespace {
std::string label_escape(std::string_view s) {
    std::string o;
    for (char c : s) {
        if (c == '\\' || c == '"')
            o += std::string("\\") + c;
        else if (c == '\n')
            o += "\\n";
        else
            o += c;
    }
    return o;
}
}  // namespace

void Prometheus::add(const std::string& name, const std::string& type, const std::string& help,
                     const std::map<std::string, std::string>& labels, std::uint64_t value) {
    add_sample(name, type, help, name, labels, std::to_string(value));
}

void Prometheus::add_real(const std::string& name, const std::string& type, const std::string& help,
                          const std::map<std::string, std::string>& labels, double value) {
    char b[32];
    std::snprintf(b, sizeof(b), "%.9g", value);
    add_sample(name, type, help, name, labels, b);
}

void Prometheus::add_histogram(const std::string& name, const std::string& help,
                               const std::map<std::string, std::string>& labels,
                               const std::vector<std::pair<std::string, std::uint64_t>>& buckets,
                               double sum) {
    std::uint64_t count = 0;
    for (const auto& [le, n] : buckets) {
        auto l = labels;
        l["le"] = le;
        count = n;
        add_sample(name, "histogram", help, name + "_bucket", l, std::to_string(n));
    }
    char b[32];
    std::snprintf(b, sizeof(b), "%.9g", sum);
    add_sample(name, "histogram", help, name + "_sum", labels, b);
    add_sample(name, "histogram", help, name + "_count", labels, std::to_string(count));
}

void Prometheus::add_sample(const std::string& name, const std::string& type,
                            const std::string& help, const std::string& sample,
                            const std::map<std::string, std::string>& labels,
                            const std::string& value) {
    auto [it, fresh] = metrics_.try_emplace(name, Metric{type, help, {}});
    if (fresh) order_.push_back(name);
    std::string s = sample;
    if (!labels.empty()) {
        s += "{";
        bool first = true;
        for (const auto& [k, v] : labels) {
            if (!first) s += ",";
            first = false;
            s += k + "=\"" + label_escape(v) + "\"";
        }
        s += "}";
    }
    it->second.samples.push_back(s + " " + value);
}

void Prometheus::print(std::ostream& os) const {
    for (const auto& n : order_) {
        const Metric& m = metrics_.at(n);
        os << "# HELP " << n << " " << m.help << "\n# TYPE " << n << " " << m.type << "\n";
        for (const auto& s : m.samples) os << s << "\n";
    }
}

}  // namespace ipvsudp::cli
