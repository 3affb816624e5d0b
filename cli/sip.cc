// SPDX-License-Identifier: GPL-2.0
//
// The sip scheduler's settings and counters of a service: sip show|set
// (sip decode is in decode.cc).

#include "internal.h"

namespace ipvsudp::cli {

namespace {

// "--dialog-timeout 1800" and friends.
int cmd_sip_settings(const Args& a, Env& env) {
    const ServiceKey svc = one_service(a);
    udp::SipSettings set;
    bool change = false;
    auto opt = [&](const char* name, std::optional<std::uint32_t>& field) {
        change |= u32_option(a, name, field);
    };
    opt("--dialog-timeout", set.dialog_timeout);
    opt("--early-timeout", set.early_timeout);
    opt("--transaction-timeout", set.transaction_timeout);
    opt("--linger-timeout", set.linger_timeout);
    change |= keyed_options(a, set);
    TRY_UDP(c);
    if (change)
        if (auto r = c.sip_set(svc, set); !r) return report(r.error(), env);
    auto s = c.sip_get(svc);
    if (!s) return report(s.error(), env);
    const auto& st = s->settings;
    drain_note(env, "sip", svc, set.drain_policy, st.svc_flags);
    auto v = [](const std::optional<std::uint32_t>& x) { return x ? std::to_string(*x) : "-"; };
    if (a.json) {
        Json j;
        j.begin_object().field("service", s->service.str()).key("settings").begin_object();
        json_opt(j, "dialog_timeout", st.dialog_timeout);
        json_opt(j, "early_timeout", st.early_timeout);
        json_opt(j, "transaction_timeout", st.transaction_timeout);
        json_opt(j, "linger_timeout", st.linger_timeout);
        json_keyed_settings(j, st);
        j.end_object().key("counters").begin_object();
        const auto& k = s->counters;
        j.field("bindings", k.bindings).field("messages", k.messages).field("parsed", k.parsed);
        j.field("nokey", k.nokey).field("oversized", k.oversized).field("hits", k.hits);
        j.field("created", k.created).field("expired", k.expired).field("moved", k.moved);
        j.field("refused", k.refused).field("ended", k.ended).field("nodest", k.nodest);
        j.field("toolong", k.toolong);
        j.end_object().end_object();
        env.out << j.str() << "\n";
        return kOk;
    }
    env.out << s->service.str() << ": dialog-timeout " << v(st.dialog_timeout)
            << " s, early-timeout " << v(st.early_timeout) << " s, transaction-timeout "
            << v(st.transaction_timeout) << " s, linger-timeout " << v(st.linger_timeout)
            << " s, max-bindings " << v(st.max_bindings) << ", drain-policy "
            << drain_text("sip", st.drain_policy, st.svc_flags) << ", seed "
            << (st.seed ? std::to_string(*st.seed) : "-") << "\n"
            << "bindings " << s->counters.bindings << ", messages " << s->counters.messages
            << ", created " << s->counters.created << ", moved " << s->counters.moved
            << ", refused " << s->counters.refused << "\n";
    return kOk;
}

std::vector<Option> sip_options() {
    std::vector<Option> o = {
        {"--dialog-timeout", "SECONDS", "idle time before a confirmed call's binding expires", ""},
        {"--early-timeout", "SECONDS", "the same for a call not yet answered", ""},
        {"--transaction-timeout", "SECONDS",
         "the same for a transaction outside a dialog (REGISTER, OPTIONS)", ""},
        {"--linger-timeout", "SECONDS",
         "how long a binding stays after BYE (for its retransmissions)", ""},
    };
    for (auto& k : keyed_setting_options()) o.push_back(std::move(k));
    return o;
}

}  // namespace

std::vector<Command> sip_commands() {
    return {
        {"sip",
         "show",
         "SERVICE",
         "The sip scheduler's settings and counters of a service. The default verb.\n",
         {},
         cmd_sip_settings},
        {"sip", "set", "SERVICE",
         "Change the sip scheduler's settings of a service (what is not given\n"
         "stays), then show them.\n",
         sip_options(), cmd_sip_settings},
        {"sip",
         "decode",
         "[FILE]",
         "Print the key the sip scheduler uses for one SIP datagram (FILE or standard\n"
         "input, the UDP payload): its Call-ID, or \"none\" (exit 1) when it has none.\n"
         "The kernel's own parser reads the header section, as in ip_vs_sip.ko.\n"
         "A packet capture (pcap or pcapng, told by its first bytes; Ethernet, Linux\n"
         "cooked SLL/SLL2, raw IP or loopback; IPv4 and IPv6 with extension headers)\n"
         "gives one line per UDP datagram: frame number, source -> destination, and\n"
         "\"call-id ID\" or \"none (fallback: client ADDRESS:PORT)\": without a Call-ID\n"
         "the scheduler places a datagram by the hash of its client's address and\n"
         "port. Bytes that are not printable (spaces too) show as \\xHH. Fragments\n"
         "after the first and broken headers show as \"not parseable\"; a first\n"
         "fragment or a datagram cut by the snap length is marked, as the kernel\n"
         "would see the whole datagram. Other frames are skipped; a summary goes to\n"
         "standard error. Exit status for captures: 0 some datagram has a Call-ID,\n"
         "1 none has, 2 unreadable or corrupt capture (the datagrams before the\n"
         "damage are printed).\n",
         {{"--addr-only", "",
           "the fallback key is the client's address only (sip-addr-only, flag-2)", ""}},
         cmd_sip_decode,
         "",
         true},
        {"sip-settings", "", "SERVICE", "", sip_options(), cmd_sip_settings, "sip set"},
        {"sip-callid",
         "",
         "[FILE]",
         "",
         {{"--addr-only", "", "", ""}},
         cmd_sip_decode,
         "sip decode",
         true},
    };
}

}  // namespace ipvsudp::cli
