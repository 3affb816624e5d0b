// SPDX-License-Identifier: GPL-2.0
//
// The words of one command: options, flags and positional words; SERVICE
// and RIP[:PORT] as the commands spell them.
#include "args.h"

#include <algorithm>
#include <charconv>

namespace ipvsudp::cli {

// A scheduler flag's name for a service of `sched`: its own name, else flag-N.
std::string sched_flag_name(std::string_view sched, std::uint32_t bit) {
    for (const auto& n : kSchedFlagNames)
        if (n.sched == sched && n.bit == bit) return std::string(n.name);
    for (std::size_t i = 0; i < std::size(kSchedFlagBits); i++)
        if (kSchedFlagBits[i] == bit) return "flag-" + std::to_string(i + 1);
    return "unknown";
}

// "sip-move-quiesced,flag-2": the bits of a --sched-flags list for `sched`.
std::uint32_t parse_sched_flags(std::string_view sched, const std::string& list) {
    std::uint32_t bits = 0;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t end = std::min(list.find(',', start), list.size());
        const std::string w = list.substr(start, end - start);
        start = end + 1;
        if (w.empty()) continue;
        bool found = false;
        for (std::size_t i = 0; i < std::size(kSchedFlagBits); i++)
            if (w == "flag-" + std::to_string(i + 1)) bits |= kSchedFlagBits[i], found = true;
        for (const auto& n : kSchedFlagNames) {
            if (w != n.name) continue;
            if (!sched.empty() && n.sched != sched)
                throw UsageError{w + " is a flag of the " + std::string(n.sched) +
                                 " scheduler, not of " + std::string(sched)};
            bits |= n.bit;
            found = true;
        }
        if (!found) {
            std::string names;
            for (const auto& n : kSchedFlagNames)
                if (n.sched == sched) names += ", " + std::string(n.name);
            throw UsageError{"unknown scheduler flag '" + w + "' (flag-1, flag-2, flag-3" + names +
                             ")"};
        }
    }
    return bits;
}

std::vector<std::string> flag_names(std::uint32_t f, std::string_view sched) {
    std::vector<std::string> v;
    if (f & ipvs::kPersistent) v.push_back("persistent");
    if (f & ipvs::kOnePacket) v.push_back("one-packet");
    for (auto bit : kSchedFlagBits)
        if (f & bit) v.push_back(sched_flag_name(sched, bit));
    return v;
}

std::string sched_flag_words() {
    std::string w = "flag-1 flag-2 flag-3";
    for (const auto& n : kSchedFlagNames) w += " " + std::string(n.name);
    return w;
}

namespace {

// "; options: --a, --b" (or that it takes none), for an unknown option.
std::string option_choices(const std::set<std::string>& valued,
                           const std::set<std::string>& flags) {
    std::set<std::string> all(valued);
    all.insert(flags.begin(), flags.end());
    if (all.empty()) return " (this command takes no options)";
    std::string o = "; options:";
    for (const auto& n : all) o += (o.back() == ':' ? " " : ", ") + n;
    return o;
}

}  // namespace

Args parse_args(const std::vector<std::string_view>& words, const std::set<std::string>& valued,
                const std::set<std::string>& flags) {
    Args a;
    bool only_pos = false;
    for (std::size_t i = 0; i < words.size(); i++) {
        std::string w(words[i]);
        if (only_pos || w.size() < 2 || w[0] != '-' || w == "-") {
            a.pos.push_back(w);
            continue;
        }
        if (w == "--") {
            only_pos = true;
            continue;
        }
        std::string val;
        bool has_val = false;
        if (auto eq = w.find('='); eq != std::string::npos && w.starts_with("--")) {
            val = w.substr(eq + 1);
            w = w.substr(0, eq);
            has_val = true;
        }
        if (w == "--json" || w == "-j") {
            a.json = true;
        } else if (w == "--help" || w == "-h") {
            a.help = true;
        } else if (valued.count(w)) {
            if (!has_val) {
                if (i + 1 >= words.size()) throw UsageError{w + " needs a value"};
                val = std::string(words[++i]);
            }
            a.opt[w] = val;
            a.all.emplace_back(w, val);
        } else if (flags.count(w) && !has_val) {
            a.flags.insert(w);
        } else {
            throw UsageError{"unknown option '" + w + "'" + option_choices(valued, flags)};
        }
    }
    return a;
}

ServiceKey take_service(const std::vector<std::string>& pos, std::size_t& i) {
    if (i >= pos.size()) throw UsageError{"missing SERVICE (e.g. udp 10.0.100.1:5060)"};
    std::string text = pos[i];
    if ((text == "udp" || text == "tcp" || text == "fwmark" || text == "fwmark6") &&
        i + 1 < pos.size()) {
        text += ":" + pos[i + 1];
        i++;
    }
    auto k = ServiceKey::parse(text);
    if (!k)
        throw UsageError{"bad service '" + text +
                         "' (e.g. udp 10.0.100.1:5060, udp [fd00::1]:53, fwmark 1)"};
    i++;
    return *k;
}

HostPort parse_hostport(std::string_view s) {
    HostPort hp;
    std::string_view host = s, port;
    if (s.starts_with("[")) {
        auto close = s.find(']');
        if (close == std::string_view::npos)
            throw UsageError{"bad address '" + std::string(s) + "'"};
        host = s.substr(1, close - 1);
        if (close + 1 < s.size()) {
            if (s[close + 1] != ':') throw UsageError{"bad address '" + std::string(s) + "'"};
            port = s.substr(close + 2);
        }
    } else if (std::count(s.begin(), s.end(), ':') == 1) {
        host = s.substr(0, s.find(':'));
        port = s.substr(s.find(':') + 1);
    }
    auto a = Address::parse(host);
    if (!a) throw UsageError{"bad address '" + std::string(s) + "'"};
    hp.address = *a;
    if (!port.empty()) {
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), hp.port);
        if (ec != std::errc{} || p != port.data() + port.size() || hp.port == 0)
            throw UsageError{"bad port in '" + std::string(s) + "'"};
    }
    return hp;
}

}  // namespace ipvsudp::cli
