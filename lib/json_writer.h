// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The JSON writer that the CLI (cli/output.h) and the test harness
// (tests/harness/harness.h) share. Internal: not installed with the
// library's public headers. The two users differ only in separators: the
// CLI prints compact JSON, the harness ", " and ": ".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ipvsudp::json {

// The escaped text of s, without the surrounding quotes. Bytes, not code
// points: control and non-ASCII bytes become \u00XX (Call-IDs are
// arbitrary octets).
std::string escape(std::string_view s);

enum class Style {
    compact,  // {"a":1,"b":[2,3]}
    spaced,   // {"a": 1, "b": [2, 3]}
};

// A streaming JSON writer: commas and escaping are its business; objects
// keep insertion order.
template <Style S>
class Writer {
  public:
    Writer& begin_object();
    Writer& end_object();
    Writer& begin_array();
    Writer& end_array();
    Writer& key(std::string_view k);
    Writer& value(std::string_view s);
    Writer& value(const char* s) { return value(std::string_view(s)); }
    Writer& value(const std::string& s) { return value(std::string_view(s)); }
    Writer& value(std::int64_t v);
    Writer& value(int v) { return value(static_cast<std::int64_t>(v)); }
    Writer& value(unsigned v) { return value(static_cast<std::int64_t>(v)); }
    Writer& value(std::uint64_t v);
    Writer& value(double v);  // three decimals; not finite: 0.000
    Writer& value(bool v);
    Writer& null();
    template <typename T>
    Writer& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }
    // {"k": n, ...} from a map of counts.
    Writer& counts(std::string_view k, const std::map<std::string, std::uint64_t>& m);
    const std::string& str() const { return out_; }

  private:
    void sep();
    std::string out_;
    std::vector<bool> first_;
    bool after_key_ = false;
};

extern template class Writer<Style::compact>;
extern template class Writer<Style::spaced>;

}  // namespace ipvsudp::json
