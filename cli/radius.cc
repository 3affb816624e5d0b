// SPDX-License-Identifier: GPL-2.0
//
// The radius scheduler's settings and counters of a service: radius
// show|set (radius decode is in decode.cc).

#include "internal.h"

namespace ipvsudp::cli {

namespace {

// "--conversation-timeout 30" and friends.
int cmd_radius_settings(const Args& a, Env& env) {
    const ServiceKey svc = one_service(a);
    udp::RadiusSettings set;
    bool change = u32_option(a, "--conversation-timeout", set.conversation_timeout);
    change |= u32_option(a, "--acct-timeout", set.acct_timeout);
    change |= keyed_options(a, set);
    TRY_UDP(c);
    if (change)
        if (auto r = c.radius_set(svc, set); !r) return report(r.error(), env);
    auto s = c.radius_get(svc);
    if (!s) return report(s.error(), env);
    const auto& st = s->settings;
    drain_note(env, "radius", svc, set.drain_policy, st.svc_flags);
    if (a.json) {
        Json j;
        j.begin_object().field("service", s->service.str()).key("settings").begin_object();
        json_opt(j, "conversation_timeout", st.conversation_timeout);
        json_opt(j, "acct_timeout", st.acct_timeout);
        json_keyed_settings(j, st);
        j.end_object().key("counters").begin_object();
        for (const auto& fld : udp::radius_counter_fields())
            j.field(fld.name, s->counters.*fld.member);
        j.end_object().end_object();
        env.out << j.str() << "\n";
        return kOk;
    }
    auto v = [](const std::optional<std::uint32_t>& x) { return x ? std::to_string(*x) : "-"; };
    const auto& k = s->counters;
    env.out << s->service.str() << ": conversation-timeout " << v(st.conversation_timeout)
            << " s, acct-timeout " << v(st.acct_timeout) << " s"
            << (st.acct_timeout && !*st.acct_timeout ? " (accounting hashed, not bound)" : "")
            << ", max-bindings " << v(st.max_bindings) << ", drain-policy "
            << drain_text("radius", st.drain_policy, st.svc_flags) << ", seed "
            << (st.seed ? std::to_string(*st.seed) : "-") << "\n"
            << "bindings " << k.bindings << ", messages " << k.messages << ", hits " << k.hits
            << ", learned " << k.learned << ", state-hits " << k.state_hits << ", refused "
            << k.refused << ", moved " << k.moved << "\n"
            << "by client address: short " << k.too_short << ", length " << k.bad_length
            << ", attr " << k.bad_attr << ", toomany " << k.too_many << ", notreq " << k.not_request
            << ", status " << k.status_server << ", nokey " << k.nokey << ", unparsed "
            << k.unparsed << "\n";
    return kOk;
}

std::vector<Option> radius_options() {
    std::vector<Option> o = {
        {"--conversation-timeout", "SECONDS",
         "idle time before a login's bindings (its conversation key and its\n"
         "States) expire",
         ""},
        {"--acct-timeout", "SECONDS",
         "idle time an accounting session stays bound (0: placed by the hash,\n"
         "never bound)",
         ""},
    };
    for (auto& k : keyed_setting_options()) o.push_back(std::move(k));
    return o;
}

}  // namespace

std::vector<Command> radius_commands() {
    return {
        {"radius",
         "show",
         "SERVICE",
         "The radius scheduler's settings and counters of a service. The default\n"
         "verb.\n",
         {},
         cmd_radius_settings},
        {"radius", "set", "SERVICE",
         "Change the radius scheduler's settings of a service (what is not given\n"
         "stays), then show them.\n",
         radius_options(), cmd_radius_settings},
        {"radius",
         "decode",
         "[FILE]",
         "Print what the radius scheduler makes of one RADIUS datagram (FILE or\n"
         "standard input, the UDP payload), with the kernel's own parser: the Code\n"
         "and Identifier, then for a request its key (calling-station-id,\n"
         "user-name or acct-session-id, the value and the NAS identity: nas-ip,\n"
         "nas-ipv6, nas-id or no-nas) and the State it carries (hex), which the\n"
         "director looks up among the States it learned; for an Access-Challenge\n"
         "the State it learns. \"none\" (exit 1) when the scheduler places the\n"
         "datagram by its client's address and port: Status-Server, a request\n"
         "without those attributes, or a datagram that is not a RADIUS message\n"
         "(the reason is named: short, length, attr, toomany). A packet capture\n"
         "gives one line per UDP datagram, as for 'sip decode'. Exit status for\n"
         "captures: 0 some datagram has a key or a State, 1 none has, 2\n"
         "unreadable or corrupt capture.\n",
         {},
         cmd_radius_decode,
         "",
         true},
        {"radius-settings", "", "SERVICE", "", radius_options(), cmd_radius_settings, "radius set"},
        {"radius-key", "", "[FILE]", "", {}, cmd_radius_decode, "radius decode", true},
    };
}

}  // namespace ipvsudp::cli
