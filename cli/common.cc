// SPDX-License-Identifier: GPL-2.0
//
// What the ipvs-udp commands share: the exit code and advice for an error,
// option values, the SERVICE words, keys and bytes for people, the drain
// policy.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>

#include "internal.h"

namespace ipvsudp::cli {

std::uint64_t to_u64(const Args& a, const std::string& opt) {
    const auto& s = a.opt.at(opt);
    std::uint64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        throw UsageError{opt + " needs a number from 0 to 2^64-1, not '" + s + "'"};
    return v;
}

std::uint32_t to_u32(const Args& a, const std::string& opt, std::uint32_t def) {
    auto it = a.opt.find(opt);
    if (it == a.opt.end()) return def;
    std::uint32_t v;
    const auto& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        throw UsageError{opt + " needs a number, not '" + s + "'"};
    return v;
}

// What the user should do about an error.
int report(const Error& e, Env& env) {
    const int n = e.errnum();
    std::string ctx = e.context.empty() ? "" : e.context + ": ";
    std::string ext = e.extack.empty() ? "" : " (kernel: " + e.extack + ")";
    if (e.family_missing && e.family == udp::kFamily) {
        env.err << "ipvs-udp: the ipvs-udp modules are not loaded (no generic netlink family "
                   "ipvs_udp; are they installed?); load them with: modprobe ip_vs_udp_nl "
                   "ip_vs_sip ip_vs_pe_reply\n";
        return kNotLoaded;
    }
    if (e.family_missing) {
        env.err << "ipvs-udp: IPVS is not loaded in this kernel; load it with: modprobe ip_vs\n";
        return kNotLoaded;
    }
    if (e.module_missing) {
        // ip_vs_udp_nl is there, the module serving this operation is not;
        // the kernel's message names it.
        env.err << "ipvs-udp: " << ctx
                << (e.extack.empty() ? "the module serving this is not loaded" : e.extack) << "\n";
        return kNotLoaded;
    }
    if (n == EPERM || n == EACCES) {
        env.err << "ipvs-udp: " << ctx << "permission denied" << ext
                << "; this needs CAP_NET_ADMIN in the initial user namespace, as IPVS does: "
                   "run it as root\n";
        return kDenied;
    }
    if (n == ESRCH) {
        env.err << "ipvs-udp: " << ctx << "no such service" << ext
                << "; list the services with: ipvs-udp service show\n";
        return kNegative;
    }
    if (n == ENOENT) {
        env.err
            << "ipvs-udp: " << ctx << "not found" << ext
            << "; list what there is with: ipvs-udp service show (or binding show, server show)\n";
        return kNegative;
    }
    if (n == EEXIST) {
        env.err << "ipvs-udp: " << ctx << "already exists" << ext
                << "; change it with 'ipvs-udp service edit' or 'ipvs-udp dest edit'\n";
        return kFailed;
    }
    env.err << "ipvs-udp: " << e.message() << "\n";
    return kFailed;
}

std::string ms_str(std::uint64_t ms) {
    if (ms < 10000) return std::to_string(ms) + "ms";
    return std::to_string(ms / 1000) + "s";
}

// Call-IDs are bytes: show them as text, escaping what is not printable.
std::string printable(std::string_view s) {
    std::string o;
    for (unsigned char c : s) {
        if (c >= 0x21 && c < 0x7f) {
            o += static_cast<char>(c);
        } else {
            char b[8];
            std::snprintf(b, sizeof(b), "\\x%02x", c);
            o += b;
        }
    }
    return o;
}

std::string hex(const unsigned char* p, std::size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string o;
    for (std::size_t i = 0; i < n; i++) {
        o += digits[p[i] >> 4];
        o += digits[p[i] & 15];
    }
    return o;
}

std::string hex(std::string_view bytes) {
    return hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// "--state 0a1b..." and friends: bytes as hex digits.
std::string unhex(const std::string& opt, const std::string& text) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string o;
    if (text.empty() || text.size() % 2)
        throw UsageError{opt + " takes an even number of hex digits"};
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int hi = digit(text[i]), lo = digit(text[i + 1]);
        if (hi < 0 || lo < 0) throw UsageError{opt + " takes hex digits, not '" + text + "'"};
        o += static_cast<char>(hi << 4 | lo);
    }
    if (o.size() > 255) throw UsageError{opt + " is at most 255 bytes"};
    return o;
}

// The key a binding option names: --call-id ID, --key HEX (the key as the
// kernel holds it), --state HEX (a radius State); at most one.
std::optional<std::string> key_option(const Args& a) {
    std::optional<std::string> key;
    int n = 0;
    if (a.opt.count("--call-id")) key = a.opt.at("--call-id"), n++;
    if (a.opt.count("--key")) key = unhex("--key", a.opt.at("--key")), n++;
    if (a.opt.count("--state"))
        key = udp::radius_state_key(unhex("--state", a.opt.at("--state"))), n++;
    if (n > 1) throw UsageError{"--call-id, --key and --state are exclusive"};
    if (key && key->empty()) throw UsageError{"the key is empty"};
    if (key && key->size() > 255) throw UsageError{"a key is at most 255 bytes"};
    return key;
}

// The command's words end at `i`: more is an error that names the first.
void expect_end(const Args& a, std::size_t i) {
    if (i < a.pos.size()) throw UsageError{"unexpected '" + a.pos[i] + "'"};
}

udp::DestKey dest_key(const std::string& word, const std::optional<ServiceKey>& svc) {
    HostPort hp = parse_hostport(word);
    udp::DestKey d{hp.address, hp.port};
    if (!d.port) {
        if (!svc || svc->fwmark)
            throw UsageError{"destination " + word + " needs a port (RIP:PORT)"};
        d.port = svc->port;
    }
    return d;
}

std::optional<ServiceKey> optional_service(const Args& a) {
    std::size_t i = 0;
    std::optional<ServiceKey> svc;
    if (!a.pos.empty()) svc = take_service(a.pos, i);
    expect_end(a, i);
    return svc;
}

ServiceKey one_service(const Args& a) {
    std::size_t i = 0;
    ServiceKey svc = take_service(a.pos, i);
    expect_end(a, i);
    return svc;
}

Result<std::vector<ipvs::Service>> services_of(ipvs::Client& c,
                                               const std::optional<ServiceKey>& only) {
    if (!only) return c.services();
    auto s = c.service(*only);
    if (!s) return s.error();
    return std::vector<ipvs::Service>{std::move(*s)};
}

// An option with a 32-bit value into `field`; true when it was given.
bool u32_option(const Args& a, const char* name, std::optional<std::uint32_t>& field) {
    if (!a.opt.count(name)) return false;
    field = to_u32(a, name, 0);
    return true;
}

// A keyed-affinity service's drain policy for people: the kernel reports
// "move" when the service flag flag-1 is set or the policy was set to move.
std::string drain_text(std::string_view sched, const std::optional<std::uint32_t>& policy,
                       const std::optional<std::uint32_t>& svc_flags) {
    if (!policy) return "-";
    if (!*policy) return "drain";
    if (svc_flags && (*svc_flags & ipvs::kSchedFlag1))
        return "move (service flag " + sched_flag_name(sched, ipvs::kSchedFlag1) + ")";
    return "move";
}

// After a change: --drain-policy drain does not undo the service's flag-1.
void drain_note(Env& env, std::string_view sched, const ServiceKey& svc,
                const std::optional<std::uint32_t>& asked,
                const std::optional<std::uint32_t>& svc_flags) {
    if (asked && !*asked && svc_flags && (*svc_flags & ipvs::kSchedFlag1))
        env.err << "ipvs-udp: note: " << svc.str() << " has the scheduler flag "
                << sched_flag_name(sched, ipvs::kSchedFlag1)
                << ", which moves bindings off quiesced servers whatever the drain policy; "
                   "clear it with: ipvs-udp service edit "
                << svc.str() << " --no-flag-1\n";
}

// The drain policy's JSON fields: "drain_policy" and "drain_policy_flag"
// (true when the service flag-1 makes it "move").
void json_drain(Json& j, const std::optional<std::uint32_t>& policy,
                const std::optional<std::uint32_t>& svc_flags) {
    json_opt(j, "drain_policy",
             policy ? std::optional<std::string>(*policy ? "move" : "drain") : std::nullopt);
    j.field("drain_policy_flag", svc_flags && (*svc_flags & ipvs::kSchedFlag1));
}

// "--strict on" and friends.
std::optional<bool> on_off(const Args& a, const std::string& opt) {
    auto it = a.opt.find(opt);
    if (it == a.opt.end()) return std::nullopt;
    if (it->second == "on") return true;
    if (it->second == "off") return false;
    throw UsageError{opt + " is on or off, not '" + it->second + "'"};
}

std::vector<Option> keyed_setting_options() {
    return {
        {"--max-bindings", "N", "caps the binding table; past it, keys are placed by the hash only",
         ""},
        {"--drain-policy", "drain|move",
         "move: bindings leave a quiesced (weight 0) server at their next\n"
         "datagram; drain: they stay until they end (flag-1 of the service\n"
         "forces move)",
         "drain move"},
        {"--seed", "N",
         "the consistent-hash seed (directors that must agree need the same\n"
         "one); new keys are placed by it at once, bound keys stay",
         ""},
    };
}

}  // namespace ipvsudp::cli
