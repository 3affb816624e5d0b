// SPDX-License-Identifier: GPL-2.0
//
// The reply engine's settings: reply show|set|reset.

#include "internal.h"

namespace ipvsudp::cli {

namespace {

int cmd_reply_settings(const Args& a, Env& env) {
    const std::optional<ServiceKey> svc = optional_service(a);
    udp::ReplySettings set;
    bool change = false;
    for (auto [name, field] : {std::pair{"--timeout-ms", &set.timeout_ms},
                               {"--max-requests", &set.max_requests},
                               {"--timeout-threshold", &set.timeout_threshold}})
        if (a.opt.count(name)) {
            *field = to_u32(a, name, 0);
            change = true;
        }
    set.strict = on_off(a, "--strict");
    set.txid_match = on_off(a, "--txid-match");
    change = change || set.strict || set.txid_match;
    const bool reset = a.flags.count("--reset") > 0;
    if (reset && (!svc || change)) throw UsageError{"--reset takes a service and no other setting"};
    if (svc && (set.max_requests || set.timeout_threshold))
        throw UsageError{"--max-requests and --timeout-threshold are per namespace: no service"};
    TRY_UDP(c);
    if (reset) {
        if (auto r = c.reset_reply_settings(*svc); !r) return report(r.error(), env);
    } else if (change) {
        if (auto r = c.set_reply_settings(set, svc); !r) return report(r.error(), env);
    }
    auto s = c.reply_settings(svc);
    if (!s) return report(s.error(), env);
    auto onoff = [](const std::optional<bool>& v) { return v ? (*v ? "on" : "off") : "-"; };
    if (a.json) {
        Json j;
        j.begin_object();
        if (svc) j.field("service", svc->str());
        json_opt(j, "timeout_ms", s->timeout_ms);
        json_opt(j, "max_requests", s->max_requests);
        json_opt(j, "timeout_threshold", s->timeout_threshold);
        json_opt(j, "strict", s->strict);
        json_opt(j, "txid_match", s->txid_match);
        json_opt(j, "own", s->own);
        env.out << j.end_object().str() << "\n";
    } else if (svc) {
        env.out << svc->str() << ": timeout " << s->timeout_ms.value_or(0) << " ms, strict "
                << onoff(s->strict) << ", txid-match " << onoff(s->txid_match)
                << (s->own.value_or(false) ? " (its own settings)" : " (the namespace's)") << "\n";
    } else {
        env.out << "timeout " << s->timeout_ms.value_or(0) << " ms, max-requests "
                << s->max_requests.value_or(0) << ", timeout-threshold "
                << s->timeout_threshold.value_or(0) << ", strict " << onoff(s->strict)
                << ", txid-match " << onoff(s->txid_match) << "\n";
    }
    return kOk;
}

std::vector<Option> reply_options() {
    return {
        {"--timeout-ms", "MS", "how long a request waits for its reply", ""},
        {"--max-requests", "N", "how many requests are recorded (the namespace's only)", ""},
        {"--timeout-threshold", "N",
         "after how many new timeouts of a server a reply-timeouts event is sent\n"
         "(the namespace's only)",
         ""},
        {"--strict", "on|off",
         "off gives the VIP to anything a real server sends from its service\n"
         "port, as upstream's sip engine does (for servers that also send\n"
         "requests of their own); on by default",
         "on off"},
        {"--txid-match", "on|off", "off matches replies by addresses and ports only", "on off"},
    };
}

int cmd_reply_reset(const Args& a, Env& env) {
    Args b = a;
    b.flags.insert("--reset");
    return cmd_reply_settings(b, env);
}

}  // namespace

std::vector<Command> reply_commands() {
    auto old = reply_options();
    old.push_back({"--reset", "", "", ""});
    return {
        {"reply",
         "show",
         "[SERVICE]",
         "The reply engine's settings of this network namespace, or those in effect\n"
         "for one service. The default verb.\n",
         {},
         cmd_reply_settings},
        {"reply", "set", "[SERVICE]",
         "Change the reply engine's settings of this network namespace, or\n"
         "--timeout-ms, --strict and --txid-match for one service alone; then show\n"
         "them.\n",
         reply_options(), cmd_reply_settings},
        {"reply",
         "reset",
         "SERVICE",
         "Drop a service's own reply settings: it follows the namespace's again\n"
         "('service del' drops them too).\n",
         {},
         cmd_reply_reset},
        {"reply-settings", "", "[SERVICE]", "", old, cmd_reply_settings, "reply set"},
    };
}

}  // namespace ipvsudp::cli
