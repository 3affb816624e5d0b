// SPDX-License-Identifier: GPL-2.0
//
// Bindings of the keyed-affinity schedulers: binding show|flush, and
// call show|flush for sip's Call-IDs.
#include <cerrno>

#include "internal.h"

namespace ipvsudp::cli {

namespace {

// --dest RIP[:PORT], the real server a binding command is limited to.
std::optional<udp::DestKey> dest_option(const Args& a, const std::optional<ServiceKey>& svc) {
    if (!a.opt.count("--dest")) return std::nullopt;
    return dest_key(a.opt.at("--dest"), svc);
}

// The bindings a command lists: one key's (none when it is not bound), or
// a dump of every keyed-affinity service, of one, of one real server.
Result<std::vector<udp::Binding>> fetch_bindings(udp::Client& c,
                                                 const std::optional<ServiceKey>& svc,
                                                 const std::optional<udp::DestKey>& dest,
                                                 const std::optional<std::string>& key) {
    if (!key) return c.bindings(svc, dest);
    std::vector<udp::Binding> list;
    auto b = c.binding(*svc, *key);
    if (!b && b.error().errnum() != ENOENT) return b.error();
    if (b) list.push_back(std::move(*b));
    return list;
}

int cmd_calls(const Args& a, Env& env) {
    const std::optional<ServiceKey> svc = optional_service(a);
    const std::optional<udp::DestKey> dest = dest_option(a, svc);
    std::optional<std::string> id;
    if (a.opt.count("--call-id")) {
        if (!svc) throw UsageError{"--call-id needs a SERVICE"};
        id = a.opt.at("--call-id");
    }
    TRY_UDP(c);
    auto all = fetch_bindings(c, svc, dest, id);
    if (!all) return report(all.error(), env);
    std::vector<udp::Binding> list;
    for (auto& x : *all)
        if (x.scheduler == "sip") list.push_back(std::move(x));
    if (a.json) {
        Json j;
        j.begin_object().key("calls").begin_array();
        for (const auto& b : list) {
            j.begin_object().field("service", b.service.str()).field("call_id", b.call_id);
            json_opt(j, "destination", b.dest ? std::optional(b.dest->str()) : std::nullopt);
            j.field("state", state_name(b.state)).field("age_ms", b.age_ms);
            j.field("idle_ms", b.idle_ms).field("expires_ms", b.expires_ms).end_object();
        }
        j.end_array().end_object();
        env.out << j.str() << "\n";
    } else {
        Table t({"service", "call-id", "destination", "state", "age", "idle", "expires"});
        for (const auto& b : list)
            t.row({b.service.str(), printable(b.call_id), b.dest ? b.dest->str() : "(moving)",
                   std::string(state_name(b.state)), ms_str(b.age_ms), ms_str(b.idle_ms),
                   ms_str(b.expires_ms)});
        t.print(env.out);
        env.out << list.size() << " call" << (list.size() == 1 ? "" : "s") << "\n";
    }
    return a.opt.count("--call-id") && list.empty() ? kNegative : kOk;
}

int cmd_flush(const Args& a, Env& env) {
    const ServiceKey svc = one_service(a);
    const std::optional<std::string> id = key_option(a);
    const std::optional<udp::DestKey> dest = dest_option(a, svc);
    TRY_UDP(c);
    auto n = c.flush(svc, dest, id);
    if (!n) return report(n.error(), env);
    if (a.json) {
        Json j;
        j.begin_object().field("service", svc.str()).field("flushed", *n);
        json_opt(j, "destination", dest ? std::optional(dest->str()) : std::nullopt);
        env.out << j.end_object().str() << "\n";
    } else {
        env.out << "flushed " << *n << " binding" << (*n == 1 ? "" : "s") << " of " << svc.str();
        if (dest) env.out << " to " << dest->str();
        env.out << "; their calls or conversations are placed afresh at their next message\n";
    }
    return kOk;
}

// A binding's key for people: the Call-ID, or what a radius key holds.
std::string key_text(const udp::Binding& b) {
    if (b.scheduler != "radius") return printable(b.key);
    const udp::RadiusKey k = udp::decode_radius_key(b.key);
    if (k.kind == "state") return "state " + hex(k.value);
    if (k.kind == "unknown") return "key " + hex(b.key);
    return k.kind + " " + printable(k.value) + " " +
           (k.nas_type.empty() ? "no-nas" : k.nas_type + " " + printable(k.nas));
}

int cmd_bindings(const Args& a, Env& env) {
    const std::optional<ServiceKey> svc = optional_service(a);
    const std::optional<udp::DestKey> dest = dest_option(a, svc);
    const std::optional<std::string> key = key_option(a);
    if (key && !svc) throw UsageError{"a key needs a SERVICE"};
    if (key && dest) throw UsageError{"--dest filters a list, not one key"};
    TRY_UDP(c);
    auto fetched = fetch_bindings(c, svc, dest, key);
    if (!fetched) return report(fetched.error(), env);
    const std::vector<udp::Binding>& list = *fetched;
    if (a.json) {
        Json j;
        j.begin_object().key("bindings").begin_array();
        for (const auto& b : list) {
            j.begin_object().field("service", b.service.str()).field("scheduler", b.scheduler);
            j.field("key", hex(b.key));
            if (b.scheduler == "radius") {
                const udp::RadiusKey k = udp::decode_radius_key(b.key);
                j.field("kind", k.kind);
                if (k.kind == "state")
                    j.field("value", hex(k.value));
                else
                    j.field("value", k.value);
                const bool nas = !k.nas_type.empty();
                json_opt(j, "nas_type", nas ? std::optional(k.nas_type) : std::nullopt);
                json_opt(j, "nas", nas ? std::optional(k.nas) : std::nullopt);
            } else {
                j.field("call_id", b.call_id);
            }
            json_opt(j, "destination", b.dest ? std::optional(b.dest->str()) : std::nullopt);
            j.field("state", udp::binding_state_name(b)).field("age_ms", b.age_ms);
            j.field("idle_ms", b.idle_ms).field("expires_ms", b.expires_ms).end_object();
        }
        j.end_array().end_object();
        env.out << j.str() << "\n";
    } else {
        Table t({"service", "scheduler", "key", "destination", "state", "age", "idle", "expires"});
        for (const auto& b : list)
            t.row({b.service.str(), b.scheduler, key_text(b), b.dest ? b.dest->str() : "(moving)",
                   std::string(udp::binding_state_name(b)), ms_str(b.age_ms), ms_str(b.idle_ms),
                   ms_str(b.expires_ms)});
        t.print(env.out);
        env.out << list.size() << " binding" << (list.size() == 1 ? "" : "s") << "\n";
    }
    return key && list.empty() ? kNegative : kOk;
}

Option dest_filter() {
    return {"--dest", "RIP[:PORT]", "only the bindings to this real server", ""};
}

std::vector<Option> key_options() {
    return {
        dest_filter(),
        {"--call-id", "ID", "one sip Call-ID (needs SERVICE)", ""},
        {"--state", "HEX", "one radius State, in hex (needs SERVICE)", ""},
        {"--key", "HEX", "one key as 'binding show --json' gives it, in hex\n(needs SERVICE)", ""},
    };
}

}  // namespace

std::vector<Command> binding_commands() {
    return {
        {"binding", "show", "[SERVICE]",
         "Bindings of the keyed-affinity schedulers (sip and radius): of every such\n"
         "service, of one, of one real server (--dest), or of one key (exit 1 when\n"
         "it is not bound). Columns: service, scheduler, key, real server, state,\n"
         "age, idle time, time to expiry. A radius key shows its kind\n"
         "(calling-station-id, user-name, acct-session-id, with the NAS identity;\n"
         "or a State in hex); its state is conversation, state or acct. The\n"
         "default verb.\n",
         key_options(), cmd_bindings},
        {"binding", "flush", "SERVICE",
         "Remove bindings of a sip or radius service: all, those of one real server\n"
         "(do this before taking it down), or one key. Their calls or\n"
         "conversations are placed afresh at their next message. Prints how many\n"
         "were removed.\n",
         key_options(), cmd_flush},
        {"call",
         "show",
         "[SERVICE]",
         "The sip scheduler's Call-ID bindings: of every sip service, of one, of one\n"
         "real server (--dest), or of one Call-ID (exit 1 when it is not bound).\n"
         "Columns: service, Call-ID, real server, state (transaction, early, dialog,\n"
         "linger), age, idle time, time to expiry. The default verb.\n",
         {dest_filter(), {"--call-id", "ID", "one Call-ID (needs SERVICE)", ""}},
         cmd_calls},
        {"call",
         "flush",
         "SERVICE",
         "Remove Call-ID bindings of a sip service: all, those of one real server,\n"
         "or one Call-ID; their calls are placed afresh at their next datagram.\n",
         {dest_filter(), {"--call-id", "ID", "one Call-ID", ""}},
         cmd_flush},
        {"calls",
         "",
         "[SERVICE]",
         "",
         {dest_filter(), {"--call-id", "ID", "", ""}},
         cmd_calls,
         "call show"},
        {"bindings", "", "[SERVICE]", "", key_options(), cmd_bindings, "binding show"},
        {"flush", "", "SERVICE", "", key_options(), cmd_flush, "binding flush"},
    };
}

}  // namespace ipvsudp::cli
