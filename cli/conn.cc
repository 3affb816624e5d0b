// SPDX-License-Identifier: GPL-2.0
//
// IPVS connection entries and timeouts: conn show, timeout show|set.

#include "internal.h"

namespace ipvsudp::cli {

namespace {

int cmd_conns(const Args& a, Env& env) {
    expect_end(a, 0);
    TRY_CLIENT(c);
    auto r = c.connections();
    if (!r) return report(r.error(), env);
    auto hp = [](const Address& ad, std::uint16_t p) { return ad.with_port(p); };
    if (a.json) {
        Json j;
        j.begin_object().key("connections").begin_array();
        for (const auto& x : *r) {
            j.begin_object().field("protocol", x.protocol);
            j.field("client", hp(x.client, x.client_port));
            j.field("virtual", hp(x.virt, x.virt_port));
            j.field("destination", hp(x.dest, x.dest_port));
            j.field("state", x.state).field("expires", x.expires);
            json_opt(j, "pe", x.pe_name.empty() ? std::nullopt : std::optional(x.pe_name));
            json_opt(j, "pe_data", x.pe_data.empty() ? std::nullopt : std::optional(x.pe_data));
            j.end_object();
        }
        j.end_array().end_object();
        env.out << j.str() << "\n";
        return kOk;
    }
    Table t({"pro", "client", "virtual", "destination", "state", "expires", "pe", "pe-data"});
    for (const auto& x : *r)
        t.row({x.protocol, hp(x.client, x.client_port), hp(x.virt, x.virt_port),
               hp(x.dest, x.dest_port), x.state, std::to_string(x.expires), x.pe_name, x.pe_data});
    t.print(env.out);
    return kOk;
}

int cmd_timeouts(const Args& a, Env& env) {
    expect_end(a, 0);
    TRY_CLIENT(c);
    ipvs::Timeouts set{to_u32(a, "--tcp", 0), to_u32(a, "--tcpfin", 0), to_u32(a, "--udp", 0)};
    if (set.tcp || set.tcp_fin || set.udp)
        if (auto r = c.set_timeouts(set); !r) return report(r.error(), env);
    auto t = c.timeouts();
    if (!t) return report(t.error(), env);
    if (a.json) {
        Json j;
        j.begin_object().field("tcp", t->tcp).field("tcpfin", t->tcp_fin).field("udp", t->udp);
        env.out << j.end_object().str() << "\n";
    } else {
        env.out << "tcp " << t->tcp << " s, tcpfin " << t->tcp_fin << " s, udp " << t->udp
                << " s\n";
    }
    return kOk;
}

}  // namespace

std::vector<Command> conn_commands() {
    const std::vector<Option> t = {
        {"--tcp", "SECONDS", "TCP established timeout", ""},
        {"--tcpfin", "SECONDS", "TCP FIN_WAIT timeout", ""},
        {"--udp", "SECONDS", "UDP timeout", ""},
    };
    return {
        {"conn",
         "show",
         "",
         "IPVS connection entries (/proc/net/ip_vs_conn, as ipvsadm -Lnc). The\n"
         "default verb.\n",
         {},
         cmd_conns},
        {"timeout", "show", "", "IPVS connection timeouts. The default verb.\n", {}, cmd_timeouts},
        {"timeout", "set", "",
         "Change IPVS connection timeouts (ipvsadm --set); 0 or absent keeps one.\n", t,
         cmd_timeouts},
        {"conns", "", "", "", {}, cmd_conns, "conn show"},
        {"timeouts", "", "", "", t, cmd_timeouts, "timeout set"},
    };
}

}  // namespace ipvsudp::cli
