// SPDX-License-Identifier: LGPL-2.1-or-later
#include "json_writer.h"

#include <cmath>
#include <cstdio>

namespace ipvsudp::json {

std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c >= 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof(buf), "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

namespace {
constexpr std::string_view comma(Style s) {
    return s == Style::compact ? "," : ", ";
}
constexpr std::string_view colon(Style s) {
    return s == Style::compact ? ":" : ": ";
}
}  // namespace

template <Style S>
void Writer<S>::sep() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_.empty()) {
        if (!first_.back()) out_ += comma(S);
        first_.back() = false;
    }
}

template <Style S>
Writer<S>& Writer<S>::begin_object() {
    sep();
    out_ += '{';
    first_.push_back(true);
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::end_object() {
    out_ += '}';
    first_.pop_back();
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::begin_array() {
    sep();
    out_ += '[';
    first_.push_back(true);
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::end_array() {
    out_ += ']';
    first_.pop_back();
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::key(std::string_view k) {
    sep();
    out_ += '"' + escape(k) + '"';
    out_ += colon(S);
    after_key_ = true;
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::value(std::string_view s) {
    sep();
    out_ += '"' + escape(s) + '"';
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::value(std::int64_t v) {
    sep();
    out_ += std::to_string(v);
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::value(std::uint64_t v) {
    sep();
    out_ += std::to_string(v);
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::value(double v) {
    sep();
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3f", std::isfinite(v) ? v : 0.0);
    out_ += buf;
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::value(bool v) {
    sep();
    out_ += v ? "true" : "false";
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::null() {
    sep();
    out_ += "null";
    return *this;
}
template <Style S>
Writer<S>& Writer<S>::counts(std::string_view k, const std::map<std::string, std::uint64_t>& m) {
    key(k).begin_object();
    for (const auto& [name, n] : m) field(name, n);
    return end_object();
}

template class Writer<Style::compact>;
template class Writer<Style::spaced>;

}  // namespace ipvsudp::json
