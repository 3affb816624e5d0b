// SPDX-License-Identifier: GPL-2.0
//
// Inside the ipvs-udp command line: the command registry and what the
// commands of the object files (service.cc, dest.cc, ...) share.
//
// One registry entry per command: its object and verb, its arguments, its
// help and every option with its own help and values. The parser, `help`,
// `--help`, the man page test and the bash completion are all made from it
// (registry.cc), as iproute2's `ip` is one table of objects.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.h"
#include "output.h"
#include "schema.h"

namespace ipvsudp::cli {

struct Option {
    std::string name;   // "--weight"
    std::string value;  // what it takes ("N"); empty: a flag
    std::string help;   // one or more lines, without the option's name
    std::string words;  // the values completion offers ("" when any)
};

using Handler = std::function<int(const Args&, Env&)>;

struct Command {
    Command(std::string object_, std::string verb_, std::string args_, std::string help_,
            std::vector<Option> options_, Handler fn_, std::string deprecated_for_ = {},
            bool files_ = false)
        : object(std::move(object_)),
          verb(std::move(verb_)),
          args(std::move(args_)),
          help(std::move(help_)),
          options(std::move(options_)),
          fn(std::move(fn_)),
          deprecated_for(std::move(deprecated_for_)),
          files(files_) {}

    std::string object;  // "service"
    std::string verb;    // "add"; empty when the object is the whole command
    std::string args;    // the positional words: "KIND SERVICE"
    std::string help;
    std::vector<Option> options;
    Handler fn;
    // An old spelling kept for one release ("status"): hidden from help and
    // completion; running it prints a note naming `deprecated_for`.
    std::string deprecated_for;
    bool files = false;  // its positional word is a file (completion)

    std::string name() const { return verb.empty() ? object : object + " " + verb; }
    std::string synopsis() const;
};

// The commands of each object file, in the order `help` lists them and
// prefixes resolve (as in ip: the first match wins, so "ser" is service).
std::vector<Command> service_commands();
std::vector<Command> dest_commands();
std::vector<Command> binding_commands();
std::vector<Command> sip_commands();
std::vector<Command> radius_commands();
std::vector<Command> reply_commands();
std::vector<Command> server_commands();
std::vector<Command> stats_commands();
std::vector<Command> monitor_commands();
std::vector<Command> conn_commands();

// ---------------------------------------------------------------- common.cc

// What the user should do about an error: a line on err, the exit code.
int report(const Error& e, Env& env);

#define TRY_CLIENT(var)                                \
    auto var##_r = env.ipvs();                         \
    if (!var##_r) return report(var##_r.error(), env); \
    auto& var = *var##_r

#define TRY_UDP(var)                                   \
    auto var##_r = env.udp();                          \
    if (!var##_r) return report(var##_r.error(), env); \
    auto& var = *var##_r

std::uint64_t to_u64(const Args& a, const std::string& opt);
// The option's value as a number, `def` when it is absent.
std::uint32_t to_u32(const Args& a, const std::string& opt, std::uint32_t def);
// An option with a 32-bit value into `field`; true when it was given.
bool u32_option(const Args& a, const char* name, std::optional<std::uint32_t>& field);
// "--strict on" and friends.
std::optional<bool> on_off(const Args& a, const std::string& opt);
// The command's words end at `i`: more is an error that names the first.
void expect_end(const Args& a, std::size_t i);
// The command's words: nothing or one SERVICE / exactly one SERVICE.
std::optional<ServiceKey> optional_service(const Args& a);
ServiceKey one_service(const Args& a);
// The services a command shows: one (an error when it does not exist) or
// all of them.
Result<std::vector<ipvs::Service>> services_of(ipvs::Client& c,
                                               const std::optional<ServiceKey>& only);

std::string ms_str(std::uint64_t ms);
// Bytes as text, escaping what is not printable (\xHH).
std::string printable(std::string_view s);
std::string hex(const unsigned char* p, std::size_t n);
std::string hex(std::string_view bytes);
// "--state 0a1b...": hex digits to bytes; throws UsageError.
std::string unhex(const std::string& opt, const std::string& text);
// The key a binding option names: --call-id ID, --key HEX, --state HEX.
std::optional<std::string> key_option(const Args& a);
// "RIP[:PORT]" of a service (its port by default).
udp::DestKey dest_key(const std::string& word, const std::optional<ServiceKey>& svc);

// A keyed-affinity service's drain policy for people, and the note on
// stderr when the service's flag-1 overrides what was asked.
std::string drain_text(std::string_view sched, const std::optional<std::uint32_t>& policy,
                       const std::optional<std::uint32_t>& svc_flags);
void drain_note(Env& env, std::string_view sched, const ServiceKey& svc,
                const std::optional<std::uint32_t>& asked,
                const std::optional<std::uint32_t>& svc_flags);
void json_drain(Json& j, const std::optional<std::uint32_t>& policy,
                const std::optional<std::uint32_t>& svc_flags);

// The settings every keyed-affinity scheduler (sip, radius) has; true when
// one was given.
template <typename Settings>
bool keyed_options(const Args& a, Settings& set) {
    bool change = u32_option(a, "--max-bindings", set.max_bindings);
    if (a.opt.count("--drain-policy")) {
        const auto& p = a.opt.at("--drain-policy");
        if (p != "drain" && p != "move") throw UsageError{"--drain-policy is drain or move"};
        set.drain_policy = p == "move" ? 1 : 0;
        change = true;
    }
    if (a.opt.count("--seed")) {
        set.seed = to_u64(a, "--seed");
        change = true;
    }
    return change;
}

// The settings every keyed-affinity scheduler has, as JSON fields.
template <typename Settings>
void json_keyed_settings(Json& j, const Settings& st) {
    json_opt(j, "max_bindings", st.max_bindings);
    // 64 bits: a string, which jq does not round
    json_opt(j, "seed", st.seed ? std::optional(std::to_string(*st.seed)) : std::nullopt);
    json_drain(j, st.drain_policy, st.svc_flags);
    json_opt(j, "svc_flags", st.svc_flags);
}

// The options --max-bindings, --drain-policy and --seed of sip and radius.
std::vector<Option> keyed_setting_options();

// ---------------------------------------------------------------- service.cc

inline const std::string kServiceArg =
    "SERVICE is PROTO ADDRESS:PORT (udp 10.0.100.1:5060, tcp [fd00::1]:80) or\n"
    "fwmark MARK / fwmark6 MARK; udp:10.0.100.1:5060 in one word works too.\n";

void print_destination_json(Env& env, ipvs::Client& c, const ServiceKey& key,
                            const ipvs::Destination& asked);

// ---------------------------------------------------------------- stats.cc

void add_udp_metrics(Prometheus& p, const udp::Counters& c);
void add_reply_dest_metrics(Prometheus& p, const std::vector<udp::ReplyDest>& list);

// ---------------------------------------------------------------- decode.cc

int cmd_sip_decode(const Args& a, Env& env);
int cmd_radius_decode(const Args& a, Env& env);

}  // namespace ipvsudp::cli
