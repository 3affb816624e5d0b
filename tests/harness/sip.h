// SPDX-License-Identifier: GPL-2.0
//
// SIP for sip-calls: building and reading the few messages a call needs,
// the UAS log format, and the verdict on the Call-ID affinity claim
// ("every message of a call reaches one real server").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ipvsudp::harness {

struct SipMessage {
    bool request = false;
    std::string method;  // request method
    int status = 0;      // response status
    std::string uri;
    std::string call_id;
    std::uint32_t cseq = 0;
    std::string cseq_method;
    std::string from, to, to_tag;
    std::vector<std::string> via;  // every Via value, top first
};

// Parse a SIP message over UDP: RFC 3261 header names case-insensitively,
// compact forms (i, f, t, v), folded lines, CRLF or LF. nullopt when the
// start line is not SIP or Call-ID / CSeq are missing.
std::optional<SipMessage> parse_sip(std::string_view data);

struct SipRequest {
    std::string method, uri, via_host;  // via_host: "addr:port" of the sender
    std::string branch, call_id, from_tag, to_tag;
    std::uint32_t cseq = 1;
    std::string body;
};
std::string build_request(const SipRequest& r);
// A response to req with this status, reason and To tag (added to the To
// header when it has none).
std::string build_response(const SipMessage& req, int status, std::string_view reason,
                           std::string_view to_tag, std::string_view contact);

// One line of a sip-calls UAS log: "CALL-ID<TAB>METHOD<TAB>SOURCE<TAB>STATUS"
// (STATUS: the response sent, 0 for none).
struct UasRecord {
    std::string call_id, method, source;
    int status = 0;
};
std::string format_uas_record(const UasRecord& r);
std::optional<UasRecord> parse_uas_record(std::string_view line);

struct AffinityVerdict {
    std::size_t calls = 0;    // distinct Call-IDs seen by any server
    std::size_t split = 0;    // Call-IDs seen by more than one server
    std::size_t missing = 0;  // expected Call-IDs no server saw
    std::size_t r481 = 0;     // 481s sent (in-dialog request of an unknown call)
    std::map<std::string, std::uint64_t> server_calls;  // Call-IDs per server
    std::vector<std::string> split_ids;                 // the first few split Call-IDs
    bool ok() const { return split == 0 && missing == 0 && calls > 0; }
    std::string json() const;
};

// logs: server name -> its records. expected: the Call-IDs the UAC sent
// (empty: not checked).
AffinityVerdict verify_affinity(const std::map<std::string, std::vector<UasRecord>>& logs,
                                const std::set<std::string>& expected);

}  // namespace ipvsudp::harness
