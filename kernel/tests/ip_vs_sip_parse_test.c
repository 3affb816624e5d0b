// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for ip_vs_sip_parse(), the SIP classifier of the IPVS "sip"
 * scheduler.
 *
 * The table below states, for each datagram, the expected return value, key,
 * method, flags and status; the comment above each entry names the bug it is
 * there to catch. Every entry is parsed twice: from an exact-size heap copy
 * (so that KASAN reports any read at or past @len) and from the original
 * literal, which for the prefix cases goes on past @len with bytes that would
 * change the result if they were read. Every entry is also parsed in parts
 * by ip_vs_sip_parse_chunks(), cut at every offset (the parser resumes
 * across parts): the result must be the same. Generated buffers check
 * Call-IDs after long header sections, the IP_VS_SIP_LINE_MAX and
 * IP_VS_SIP_HDR_MAX caps, and every prefix of one message.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/udp.h>

#include "ip_vs_sip.h"
#include "compat.h"

/*
 * One datagram and the complete expected result. Fields left out of an entry
 * are 0: return 0, no key (NULL), IP_VS_SIP_M_UNKNOWN, no flags, status 0.
 */
struct sip_parse_case {
	const char *name;
	const char *in;
	size_t len;		/* bytes of @in given to the parser */
	int ret;
	const char *key;	/* NULL: no key expected */
	u8 method;
	u8 flags;
	u16 status;
};

/* The whole literal @s (which may contain NUL bytes) is the datagram. */
#define SIP_IN(s)	.in = s, .len = sizeof(s) - 1
/* Only @p is the datagram; @rest follows it in memory but is past @len. */
#define SIP_PREFIX(p, rest)	.in = p rest, .len = sizeof(p) - 1

#define F_RESP		IP_VS_SIP_F_RESPONSE
#define F_OVER		IP_VS_SIP_F_OVERSIZED
#define F_TRUNC		IP_VS_SIP_F_TRUNCATED
#define F_LONG		IP_VS_SIP_F_TOOLONG

#define SIP_INVITE_LINE	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
#define SIP_VIA		"Via: SIP/2.0/UDP pc33.atlanta.example.com" \
			";branch=z9hG4bK776asdhds\r\n"
#define SIP_CID		"a84b4c76e66710@pc33.atlanta.example.com"
#define SIP_CSEQ	"CSeq: 314159 INVITE\r\n"
#define SIP_CL0		"Content-Length: 0\r\n"
/* Start line and the headers that precede the interesting one. */
#define SIP_HEAD	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" \
			"Via: SIP/2.0/UDP pc33.atlanta.example.com" \
			";branch=z9hG4bK776asdhds\r\n" \
			"Max-Forwards: 70\r\n" \
			"To: Bob <sip:bob@biloxi.example.com>\r\n" \
			"From: Alice <sip:alice@atlanta.example.com>" \
			";tag=1928301774\r\n"
#define SIP_RESP_HEAD	"SIP/2.0 200 OK\r\n" \
			"Via: SIP/2.0/UDP pc33.atlanta.example.com" \
			";branch=z9hG4bK776asdhds;received=192.0.2.1\r\n" \
			"To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n" \
			"From: Alice <sip:alice@atlanta.example.com>" \
			";tag=1928301774\r\n"

/*
 * RFC 4475 3.1.1.2 "intmeth", with the <hex> notation of the RFC written
 * out: the To display name holds quoted-pairs of BEL, NUL and DEL.
 */
#define RFC4475_INTMETH \
	"!interesting-Method0123456789_*+`.%indeed'~ " \
	"sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1," \
	"weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n" \
	"Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\r\n" \
	"To: \"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7F\" " \
	"<sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*" \
	"@example.com>\r\n" \
	"From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>" \
	";fromParam''~+*_!.-%=" \
	"\"\xd1\x80\xd0\xb0\xd0\xb1\xd0\xbe\xd1\x82\xd0\xb0\xd1\x8e\xd1\x89" \
	"\xd0\xb8\xd0\xb9\";tag=_token~1'+`*%!-.\r\n" \
	"Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\}{][?/\r\n" \
	"CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\r\n" \
	"Max-Forwards: 255\r\n" \
	"extensionHeader-!.%*+_`'~: " \
	"\xef\xbb\xbf\xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb\r\n" \
	"Content-Length: 0\r\n\r\n"

/* Call-IDs of exactly IP_VS_SIP_CALLID_MAX and of one byte more. */
#define K64		"0123456789abcdef0123456789abcdef" \
			"0123456789abcdef0123456789abcdef"
#define K255		K64 K64 K64 \
			"0123456789abcdef0123456789abcdef" \
			"0123456789abcdef0123456789abcde"
#define K256		K255 "f"

/* One request per method: the key names the method. */
#define SIP_REQ(m)	#m " sip:bob@192.0.2.20 SIP/2.0\r\n" \
			"Via: SIP/2.0/UDP 192.0.2.10:5060" \
			";branch=z9hG4bK-" #m "\r\n" \
			"Call-ID: " #m "-req@192.0.2.10\r\n" \
			"CSeq: 7 " #m "\r\n" \
			"Content-Length: 0\r\n\r\n"
#define REQ_CASE(m, desc) \
	{ .name = desc, SIP_IN(SIP_REQ(m)), .key = #m "-req@192.0.2.10", \
	  .method = IP_VS_SIP_M_##m }

/* One response per method: CSeq before the compact Call-ID. */
#define SIP_RESP(code, m) \
			"SIP/2.0 " code "\r\n" \
			"Via: SIP/2.0/UDP 192.0.2.10:5060" \
			";branch=z9hG4bK-" #m "\r\n" \
			"CSeq: 8 " #m "\r\n" \
			"i: " #m "-resp@192.0.2.10\r\n" \
			"Content-Length: 0\r\n\r\n"
#define RESP_CASE(code, status_code, m, desc) \
	{ .name = desc, SIP_IN(SIP_RESP(code, m)), \
	  .key = #m "-resp@192.0.2.10", .method = IP_VS_SIP_M_##m, \
	  .flags = F_RESP, .status = status_code }

static const struct sip_parse_case sip_parse_cases[] = {
	/* Baseline: a plain RFC 3261 INVITE must yield its Call-ID. */
	{ .name = "invite_crlf",
	  SIP_IN(SIP_HEAD "Call-ID: " SIP_CID "\r\n" SIP_CSEQ SIP_CL0 "\r\n"),
	  .key = SIP_CID, .method = IP_VS_SIP_M_INVITE },
	/* Bare LF line ends must work as well as CRLF (and not leave a CR). */
	{ .name = "invite_lf",
	  SIP_IN("INVITE sip:bob@biloxi.example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP pc33.atlanta.example.com\n"
		 "Call-ID: " SIP_CID "\n"
		 "CSeq: 314159 INVITE\n\n"),
	  .key = SIP_CID, .method = IP_VS_SIP_M_INVITE },
	/* Mixed CRLF and LF lines: line end detection per line. */
	{ .name = "mixed_line_ends",
	  SIP_IN("INVITE sip:bob@biloxi.example.com SIP/2.0\n"
		 SIP_VIA "Call-ID: mixed@x\n" SIP_CSEQ "\n"),
	  .key = "mixed@x", .method = IP_VS_SIP_M_INVITE },
	/* Header names are case-insensitive: all lower case. */
	{ .name = "name_lower_case",
	  SIP_IN(SIP_HEAD "call-id: lower@x\r\n\r\n"),
	  .key = "lower@x", .method = IP_VS_SIP_M_INVITE },
	/* Header names are case-insensitive: all upper case. */
	{ .name = "name_upper_case",
	  SIP_IN(SIP_HEAD "CALL-ID: upper@x\r\n\r\n"),
	  .key = "upper@x", .method = IP_VS_SIP_M_INVITE },
	/* Header names are case-insensitive: mixed case. */
	{ .name = "name_mixed_case",
	  SIP_IN(SIP_HEAD "cAlL-iD: mixed@x\r\n\r\n"),
	  .key = "mixed@x", .method = IP_VS_SIP_M_INVITE },
	/* Compact form "i" (RFC 3261 20.8) must be recognised. */
	{ .name = "compact_i",
	  SIP_IN(SIP_HEAD "i: compact@x\r\n\r\n"),
	  .key = "compact@x", .method = IP_VS_SIP_M_INVITE },
	/* Compact forms are case-insensitive too: "I". */
	{ .name = "compact_upper_i",
	  SIP_IN(SIP_HEAD "I: compact@x\r\n\r\n"),
	  .key = "compact@x", .method = IP_VS_SIP_M_INVITE },
	/* HCOLON allows SP/HTAB between the name and the colon. */
	{ .name = "ws_before_colon",
	  SIP_IN(SIP_HEAD "Call-ID \t : wsname@x\r\n\r\n"),
	  .key = "wsname@x", .method = IP_VS_SIP_M_INVITE },
	/* ... also for the compact form, and no space after the colon. */
	{ .name = "compact_ws_before_colon",
	  SIP_IN(SIP_HEAD "i  :tight@x\r\n\r\n"),
	  .key = "tight@x", .method = IP_VS_SIP_M_INVITE },
	/* No whitespace after the colon at all. */
	{ .name = "no_ws_after_colon",
	  SIP_IN(SIP_HEAD "Call-ID:nows@x\r\n\r\n"),
	  .key = "nows@x", .method = IP_VS_SIP_M_INVITE },
	/* Leading and trailing SP/HTAB are not part of the key. */
	{ .name = "trim_value",
	  SIP_IN(SIP_HEAD "Call-ID: \t trim@x \t \r\n\r\n"),
	  .key = "trim@x", .method = IP_VS_SIP_M_INVITE },
	/* Whitespace inside the value is kept (no early stop at SP/HTAB). */
	{ .name = "inner_ws_kept",
	  SIP_IN(SIP_HEAD "Call-ID: a b\tc\r\n\r\n"),
	  .key = "a b\tc", .method = IP_VS_SIP_M_INVITE },
	/* The value may start on a continuation line (LWS after HCOLON). */
	{ .name = "fold_value_on_next_line",
	  SIP_IN(SIP_HEAD "Call-ID:\r\n   folded@x\r\n" SIP_CSEQ "\r\n"),
	  .key = "folded@x", .method = IP_VS_SIP_M_INVITE },
	/* Same with LF line ends and an HTAB continuation. */
	{ .name = "fold_value_on_next_line_lf_tab",
	  SIP_IN("INVITE sip:b@x SIP/2.0\nCall-ID:\n\tfolded@x\n\n"),
	  .key = "folded@x", .method = IP_VS_SIP_M_INVITE },
	/* Several whitespace-only continuation lines before the value. */
	{ .name = "fold_multiple_lines",
	  SIP_IN(SIP_HEAD "Call-ID:\r\n \r\n\t\r\n multi@x\r\n\r\n"),
	  .key = "multi@x", .method = IP_VS_SIP_M_INVITE },
	/* A fold inside the value: documented to keep the fold bytes. */
	{ .name = "fold_within_value",
	  SIP_IN(SIP_HEAD "Call-ID: abc\r\n def\r\n" SIP_CSEQ "\r\n"),
	  .key = "abc\r\n def", .method = IP_VS_SIP_M_INVITE },
	/* A whitespace-only continuation after the value is trailing LWS. */
	{ .name = "fold_trailing_ws_line",
	  SIP_IN(SIP_HEAD "Call-ID: tail@x\r\n \t\r\n" SIP_CSEQ "\r\n"),
	  .key = "tail@x", .method = IP_VS_SIP_M_INVITE },
	/* A fold between name and colon is not allowed: no match. */
	{ .name = "fold_before_colon",
	  SIP_IN(SIP_HEAD "Call-ID\r\n : nocolon@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Call-ID only in the body (after the empty line): no key. */
	{ .name = "callid_only_in_body",
	  SIP_IN(SIP_HEAD SIP_CSEQ "Content-Type: message/sipfrag\r\n"
		 "Content-Length: 25\r\n\r\nCall-ID: body@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Same with an LF-only empty line ending the headers. */
	{ .name = "callid_only_in_body_lf",
	  SIP_IN("INVITE sip:b@x SIP/2.0\nCSeq: 1 INVITE\n\ni: body@x\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* A Call-ID in the body must not override the one in the headers. */
	{ .name = "header_not_body",
	  SIP_IN(SIP_HEAD "Call-ID: head@x\r\n\r\nCall-ID: body@x\r\n"),
	  .key = "head@x", .method = IP_VS_SIP_M_INVITE },
	/* Prefix match bug: Call-Info is not Call-ID. */
	{ .name = "lookalike_call_info",
	  SIP_IN(SIP_HEAD "Call-Info: <http://example.com/a/>;purpose=icon\r\n"
		 SIP_CSEQ "\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Call-Info before the real Call-ID must not hide it. */
	{ .name = "call_info_then_callid",
	  SIP_IN(SIP_HEAD "Call-Info: <http://www.example.com/>\r\n"
		 "Call-ID: real@x\r\n\r\n"),
	  .key = "real@x", .method = IP_VS_SIP_M_INVITE },
	/* Prefix match bug: "Call-IDx" is another header. */
	{ .name = "lookalike_call_idx",
	  SIP_IN(SIP_HEAD "Call-IDx: fake@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Compact form bug: a name starting with "i" is not "i". */
	{ .name = "lookalike_identity",
	  SIP_IN(SIP_HEAD "Identity: fake@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Compact form bug: "i2" is not "i". */
	{ .name = "lookalike_i2",
	  SIP_IN(SIP_HEAD "i2: fake@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Suffix match bug: "X-Call-ID" is another header. */
	{ .name = "lookalike_x_call_id",
	  SIP_IN(SIP_HEAD "X-Call-ID: fake@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Sloppy match bug: "CallID" without the hyphen is not Call-ID. */
	{ .name = "lookalike_callid_no_hyphen",
	  SIP_IN(SIP_HEAD "CallID: fake@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* A Call-ID string inside another header's value must not match. */
	{ .name = "callid_inside_other_value",
	  SIP_IN(SIP_HEAD "Subject: Call-ID: fake@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Two Call-ID headers: the first one wins. */
	{ .name = "first_wins",
	  SIP_IN(SIP_HEAD "Call-ID: first@x\r\nCall-ID: second@x\r\n\r\n"),
	  .key = "first@x", .method = IP_VS_SIP_M_INVITE },
	/* First wins across the compact and the long form. */
	{ .name = "first_wins_compact",
	  SIP_IN(SIP_HEAD "i: first@x\r\nCall-ID: second@x\r\n\r\n"),
	  .key = "first@x", .method = IP_VS_SIP_M_INVITE },
	/* Empty value: no key (not a zero-length key). */
	{ .name = "empty_value",
	  SIP_IN(SIP_HEAD "Call-ID:\r\n" SIP_CSEQ "\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Whitespace-only value: no key. */
	{ .name = "blank_value",
	  SIP_IN(SIP_HEAD "Call-ID: \t \r\n" SIP_CSEQ "\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Value that is only folds: no key, and the CSeq line is not it. */
	{ .name = "blank_folded_value",
	  SIP_IN(SIP_HEAD "Call-ID:\r\n \r\n" SIP_CSEQ "\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* The first Call-ID decides even when empty (documented). */
	{ .name = "empty_first_wins",
	  SIP_IN(SIP_HEAD "Call-ID:\r\nCall-ID: second@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Exactly IP_VS_SIP_CALLID_MAX bytes is not oversized (off by one). */
	{ .name = "callid_max_len",
	  SIP_IN(SIP_HEAD "Call-ID: " K255 "\r\n\r\n"),
	  .key = K255, .method = IP_VS_SIP_M_INVITE },
	/* One byte more: still returned, flagged oversized. */
	{ .name = "callid_oversized",
	  SIP_IN(SIP_HEAD "Call-ID: " K256 "\r\n\r\n"),
	  .key = K256, .method = IP_VS_SIP_M_INVITE, .flags = F_OVER },
	/*
	 * No empty line, but the Call-ID line is complete: a request needs
	 * nothing more, so the key, and no TRUNCATED (the scan stopped).
	 */
	{ .name = "truncated_after_callid",
	  SIP_IN(SIP_HEAD "Call-ID: tr@x\r\nCSeq: 1 INV"),
	  .key = "tr@x", .method = IP_VS_SIP_M_INVITE },
	/* A response still needs its CSeq: key + TRUNCATED, method unknown. */
	{ .name = "truncated_response_before_cseq",
	  SIP_IN("SIP/2.0 200 OK\r\nCall-ID: tr@x\r\nCSeq: 1 INV"),
	  .key = "tr@x", .status = 200,
	  .flags = IP_VS_SIP_F_RESPONSE | F_TRUNC },
	/* Value runs into the end of the buffer: it may go on, no key. */
	{ .name = "truncated_in_value",
	  SIP_IN(SIP_HEAD "Call-ID: tr@x"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Buffer ends right after the line end: a fold may follow, no key. */
	{ .name = "truncated_after_line_end",
	  SIP_IN(SIP_HEAD "Call-ID: tr@x\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Buffer ends between CR and LF: must not read the missing LF. */
	{ .name = "truncated_mid_crlf",
	  SIP_IN(SIP_HEAD "Call-ID: tr@x\r"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Buffer ends inside the empty line: the key is known, done. */
	{ .name = "truncated_in_empty_line",
	  SIP_IN(SIP_HEAD "Call-ID: tr@x\r\n\r"),
	  .key = "tr@x", .method = IP_VS_SIP_M_INVITE },
	/* Buffer ends inside a header name. */
	{ .name = "truncated_in_name",
	  SIP_IN(SIP_HEAD "Call-I"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Buffer ends after the name, before the colon. */
	{ .name = "truncated_before_colon",
	  SIP_IN(SIP_HEAD "Call-ID"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Buffer ends right after the colon. */
	{ .name = "truncated_after_colon",
	  SIP_IN(SIP_HEAD "Call-ID:"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Start line without a line end: not known to be SIP. */
	{ .name = "truncated_start_line",
	  SIP_IN("INVITE sip:bob@biloxi.example.com SIP/2.0"),
	  .ret = -ENOENT },
	/* Start line only: SIP, no key, headers unfinished. */
	{ .name = "start_line_only",
	  SIP_IN(SIP_INVITE_LINE),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Complete message without any Call-ID. */
	{ .name = "no_callid",
	  SIP_IN(SIP_HEAD SIP_CSEQ SIP_CL0 "\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* Over-read bug: @len ends inside the value, the rest is in memory. */
	{ .name = "prefix_ends_in_value",
	  SIP_PREFIX(SIP_HEAD "Call-ID: abc", "def@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Over-read bug: the byte after @len would prove the value complete. */
	{ .name = "prefix_ends_after_line_end",
	  SIP_PREFIX(SIP_HEAD "Call-ID: abc\r\n", SIP_CSEQ "\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Over-read bug: @len ends between CR and LF of the Call-ID line. */
	{ .name = "prefix_ends_mid_crlf",
	  SIP_PREFIX(SIP_HEAD "Call-ID: abc\r", "\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_TRUNC },
	/* Over-read bug: @len ends before the empty line. */
	{ .name = "prefix_ends_before_empty_line",
	  SIP_PREFIX(SIP_HEAD "Call-ID: abc\r\n" SIP_CSEQ, "\r\n"),
	  .key = "abc", .method = IP_VS_SIP_M_INVITE },
	/* Over-read bug: @len ends in the start line. */
	{ .name = "prefix_ends_in_start_line",
	  SIP_PREFIX("INVITE sip:bob@x SIP/2", ".0\r\nCall-ID: a@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Plain text that is not SIP. */
	{ .name = "garbage_text",
	  SIP_IN("hello world\r\nCall-ID: fake@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* HTTP looks like a request line but has the wrong version. */
	{ .name = "http_request",
	  SIP_IN("GET / HTTP/1.1\r\nHost: x\r\nCall-ID: fake@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Only SIP/2.0 is SIP. */
	{ .name = "wrong_sip_version",
	  SIP_IN("INVITE sip:bob@x SIP/3.0\r\nCall-ID: v@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* SIP-Version is case-insensitive (RFC 3261 7.1). */
	{ .name = "lower_case_sip_version",
	  SIP_IN("INVITE sip:bob@x sip/2.0\r\nCall-ID: v@x\r\n\r\n"),
	  .key = "v@x", .method = IP_VS_SIP_M_INVITE },
	/* Request line needs single SPs: two SPs make an empty URI. */
	{ .name = "request_double_space",
	  SIP_IN("INVITE  sip:bob@x SIP/2.0\r\nCall-ID: v@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Request line without a Request-URI. */
	{ .name = "request_without_uri",
	  SIP_IN("INVITE SIP/2.0\r\nCall-ID: v@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Trailing junk after the SIP-Version. */
	{ .name = "request_trailing_space",
	  SIP_IN("INVITE sip:bob@x SIP/2.0 \r\nCall-ID: v@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Methods are case-sensitive: "invite" is an unknown extension. */
	{ .name = "method_lower_case",
	  SIP_IN("invite sip:bob@x SIP/2.0\r\nCall-ID: v@x\r\n\r\n"),
	  .key = "v@x", .method = IP_VS_SIP_M_UNKNOWN },
	/* Extension method: still SIP, method unknown. */
	{ .name = "method_extension",
	  SIP_IN("FOO sip:bob@x SIP/2.0\r\nCall-ID: v@x\r\n\r\n"),
	  .key = "v@x", .method = IP_VS_SIP_M_UNKNOWN },
	/* Prefix match bug in the method table: INVITEX is not INVITE. */
	{ .name = "method_longer_than_known",
	  SIP_IN("INVITEX sip:bob@x SIP/2.0\r\nCall-ID: v@x\r\n\r\n"),
	  .key = "v@x", .method = IP_VS_SIP_M_UNKNOWN },
	/* Prefix match bug in the method table: INV is not INVITE. */
	{ .name = "method_shorter_known_prefix",
	  SIP_IN("INV sip:bob@x SIP/2.0\r\nCall-ID: v@x\r\n\r\n"),
	  .key = "v@x", .method = IP_VS_SIP_M_UNKNOWN },
	/* CRLFs before the start line are ignored (RFC 3261 7.5). */
	{ .name = "leading_crlf",
	  SIP_IN("\r\n\r\n" SIP_HEAD "Call-ID: lead@x\r\n\r\n"),
	  .key = "lead@x", .method = IP_VS_SIP_M_INVITE },
	/* ... bare LFs as well. */
	{ .name = "leading_lf",
	  SIP_IN("\n" SIP_HEAD "Call-ID: lead@x\r\n\r\n"),
	  .key = "lead@x", .method = IP_VS_SIP_M_INVITE },
	/* Double-CRLF keepalive (RFC 5626): no key, not SIP. */
	{ .name = "keepalive_double_crlf",
	  SIP_IN("\r\n\r\n"),
	  .ret = -ENOENT },
	/* Single CRLF keepalive (pong). */
	{ .name = "keepalive_crlf",
	  SIP_IN("\r\n"),
	  .ret = -ENOENT },
	/* Zero-length datagram. */
	{ .name = "zero_length",
	  SIP_IN(""),
	  .ret = -ENOENT },
	/* One NUL byte. */
	{ .name = "single_nul",
	  SIP_IN("\0"),
	  .ret = -ENOENT },
	/* STUN Binding Request (RFC 5389) on the SIP port: binary junk. */
	{ .name = "stun_binding_request",
	  SIP_IN("\x00\x01\x00\x00\x21\x12\xa4\x42"
		 "\x6b\x4f\x31\x59\x39\x77\x53\x6a\x39\x62\x51\x4c"),
	  .ret = -ENOENT },
	/* NUL in a header before the Call-ID: the datagram is rejected. */
	{ .name = "nul_in_header",
	  SIP_IN(SIP_HEAD "Subject: a\0b\r\nCall-ID: nul@x\r\n\r\n"),
	  .ret = -ENOENT },
	/*
	 * RFC 4475 3.1.1.2 ("intmeth", a valid message): quoted-pairs of
	 * BEL, NUL and DEL in the To display name before the Call-ID, an
	 * extension method, unusual token and word characters, UTF-8.
	 */
	{ .name = "rfc4475_intmeth",
	  SIP_IN(RFC4475_INTMETH),
	  .key = "intmeth.word%ZK-!.*_+'@word`~)(><:\\}{][?/",
	  .method = IP_VS_SIP_M_UNKNOWN },
	/* RFC 4475 3.1.1.4 ("escnull"): %00 escapes are plain text. */
	{ .name = "rfc4475_escnull",
	  SIP_IN("REGISTER sip:example.com SIP/2.0\r\n"
		 "To: sip:null-%00-null@example.com\r\n"
		 "From: sip:null-%00-null@example.com;tag=839923423\r\n"
		 "Max-Forwards: 70\r\n"
		 "Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\r\n"
		 "CSeq: 14398234 REGISTER\r\n"
		 "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\r\n"
		 "Contact: <sip:%00@host5.example.com>\r\n"
		 "Contact: <sip:%00%00@host5.example.com>\r\n"
		 "L:0\r\n\r\n"),
	  .key = "escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd",
	  .method = IP_VS_SIP_M_REGISTER },
	/* Every control byte a quoted-pair may hold (not CR, LF). */
	{ .name = "quoted_pair_all_ctl",
	  SIP_IN(SIP_HEAD "Subject: \"\\\x01\\\x02\\\x03\\\x04\\\x05"
		 "\\\x06\\\x08\\\x0b\\\x0c\\\x0e\\\x0f\\\x10\\\x1b"
		 "\\\x1f\\\x7f\"\r\nCall-ID: qp@x\r\n\r\n"),
	  .key = "qp@x", .method = IP_VS_SIP_M_INVITE },
	/* An escaped DQUOTE does not end the string: the NUL is inside. */
	{ .name = "quoted_pair_after_escaped_quote",
	  SIP_IN(SIP_HEAD "To: \"a\\\"b\\\0\" <sip:b@x>\r\n"
		 "Call-ID: qp@x\r\n\r\n"),
	  .key = "qp@x", .method = IP_VS_SIP_M_INVITE },
	/* A quoted-string goes on across a fold. */
	{ .name = "quoted_pair_after_fold",
	  SIP_IN(SIP_HEAD "To: \"a\r\n b\\\0\" <sip:b@x>\r\n"
		 "Call-ID: qp@x\r\n\r\n"),
	  .key = "qp@x", .method = IP_VS_SIP_M_INVITE },
	/* Garbage: a NUL in a quoted-string, but not escaped. */
	{ .name = "quoted_unescaped_nul",
	  SIP_IN(SIP_HEAD "To: \"a\0b\" <sip:b@x>\r\nCall-ID: q@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Garbage: an escaped NUL outside any quoted-string. */
	{ .name = "escaped_nul_unquoted",
	  SIP_IN(SIP_HEAD "Subject: a\\\0b\r\nCall-ID: q@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Garbage: "\\" is a quoted-pair, so the NUL after it is not. */
	{ .name = "escaped_backslash_then_nul",
	  SIP_IN(SIP_HEAD "To: \"a\\\\\0\" <sip:b@x>\r\n"
		 "Call-ID: q@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Garbage: after the closing DQUOTE the escape means nothing. */
	{ .name = "escaped_nul_after_string",
	  SIP_IN(SIP_HEAD "To: \"a\" \\\0 <sip:b@x>\r\n"
		 "Call-ID: q@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Garbage: a quoted-string ends with its header. */
	{ .name = "quoted_string_ends_with_header",
	  SIP_IN(SIP_HEAD "To: \"a <sip:b@x>\r\nSubject: \\\0\r\n"
		 "Call-ID: q@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Garbage: a quoted-pair never holds a bare CR. */
	{ .name = "escaped_bare_cr",
	  SIP_IN(SIP_HEAD "To: \"a\\\rb\" <sip:b@x>\r\n"
		 "Call-ID: q@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* The Call-ID has no quoted-string: an escaped NUL is garbage. */
	{ .name = "quoted_pair_in_callid",
	  SIP_IN(SIP_HEAD "Call-ID: \"a\\\0b\"@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Nor has a response's CSeq. */
	{ .name = "quoted_pair_in_response_cseq",
	  SIP_IN("SIP/2.0 200 OK\r\ni: r@x\r\nCSeq: \"\\\0\" 1 BYE\r\n"
		 "\r\n"),
	  .ret = -ENOENT },
	/* Nor has the start line. */
	{ .name = "quoted_pair_in_start_line",
	  SIP_IN("INVITE sip:\"\\\0\"@x SIP/2.0\r\nCall-ID: q@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* NUL in the Call-ID value: no key with an embedded NUL. */
	{ .name = "nul_in_callid",
	  SIP_IN(SIP_HEAD "Call-ID: a\0b@x\r\n\r\n"),
	  .ret = -ENOENT },
	/*
	 * Control byte after a request's complete Call-ID: the scan has
	 * stopped, the key stands (it is clean).
	 */
	{ .name = "ctl_after_callid",
	  SIP_IN(SIP_HEAD "Call-ID: ok@x\r\nSubject: \x01\r\n\r\n"),
	  .key = "ok@x", .method = IP_VS_SIP_M_INVITE },
	/* ... but a response still scanning for its CSeq is rejected. */
	{ .name = "ctl_before_cseq_in_response",
	  SIP_IN("SIP/2.0 200 OK\r\nCall-ID: ok@x\r\nSubject: \x01\r\n"
		 "CSeq: 1 INVITE\r\n\r\n"),
	  .ret = -ENOENT },
	/* DEL (0x7f) is a control byte too. */
	{ .name = "del_in_callid",
	  SIP_IN(SIP_HEAD "Call-ID: a\177b@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* A CR that is not part of CRLF is a control byte. */
	{ .name = "bare_cr_in_line",
	  SIP_IN(SIP_HEAD "Call-ID: a\rb@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* NUL and other binary bytes in the body are never looked at. */
	{ .name = "binary_body",
	  SIP_IN(SIP_HEAD "Call-ID: bin@x\r\nContent-Length: 4\r\n\r\n"
		 "\0\x01\xff\r"),
	  .key = "bin@x", .method = IP_VS_SIP_M_INVITE },
	/* UTF-8 bytes are ordinary bytes, not control bytes. */
	{ .name = "utf8_in_value",
	  SIP_IN(SIP_HEAD "Call-ID: caf\xc3\xa9@x\r\n\r\n"),
	  .key = "caf\xc3\xa9@x", .method = IP_VS_SIP_M_INVITE },
	/* A malformed header line is skipped, not taken as end of headers. */
	{ .name = "malformed_line_skipped",
	  SIP_IN(SIP_HEAD "this is no header\r\nCall-ID: after@x\r\n\r\n"),
	  .key = "after@x", .method = IP_VS_SIP_M_INVITE },
	/* A continuation line right after the start line belongs to nothing. */
	{ .name = "continuation_after_start_line",
	  SIP_IN(SIP_INVITE_LINE " Call-ID: cont@x\r\nCall-ID: real@x\r\n\r\n"),
	  .key = "real@x", .method = IP_VS_SIP_M_INVITE },
	/* A Call-ID on a continuation line is part of the previous value. */
	{ .name = "callid_in_continuation",
	  SIP_IN(SIP_HEAD "Subject: hi\r\n Call-ID: cont@x\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE },
	/* A request's method comes from the request line, not from CSeq. */
	{ .name = "request_ignores_cseq",
	  SIP_IN("BYE sip:bob@x SIP/2.0\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_BYE },
	/* Response: status, RESPONSE flag and method from CSeq. */
	{ .name = "response_200_ok",
	  SIP_IN(SIP_RESP_HEAD "Call-ID: " SIP_CID "\r\n" SIP_CSEQ "\r\n"),
	  .key = SIP_CID, .method = IP_VS_SIP_M_INVITE, .flags = F_RESP,
	  .status = 200 },
	/* Status line without reason phrase and without its SP. */
	{ .name = "response_no_reason",
	  SIP_IN("SIP/2.0 180\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_INVITE, .flags = F_RESP,
	  .status = 180 },
	/* Status line with an empty reason phrase. */
	{ .name = "response_empty_reason",
	  SIP_IN("SIP/2.0 180 \r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_INVITE, .flags = F_RESP,
	  .status = 180 },
	/* SIP-Version in a status line is case-insensitive. */
	{ .name = "response_lower_case_version",
	  SIP_IN("sip/2.0 200 OK\r\nCSeq: 1 BYE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_BYE, .flags = F_RESP,
	  .status = 200 },
	/* Response without CSeq: method unknown, still keyed. */
	{ .name = "response_without_cseq",
	  SIP_IN("SIP/2.0 200 OK\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_UNKNOWN, .flags = F_RESP,
	  .status = 200 },
	/* CSeq folded between number and method. */
	{ .name = "response_cseq_folded",
	  SIP_IN("SIP/2.0 200 OK\r\nCSeq: 1\r\n INVITE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_INVITE, .flags = F_RESP,
	  .status = 200 },
	/* CSeq header name is case-insensitive, extra spaces allowed. */
	{ .name = "response_cseq_name_case",
	  SIP_IN("SIP/2.0 200 OK\r\ncseq :  42  \tBYE \r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_BYE, .flags = F_RESP,
	  .status = 200 },
	/* CSeq method is case-sensitive. */
	{ .name = "response_cseq_lower_case_method",
	  SIP_IN("SIP/2.0 200 OK\r\nCSeq: 1 invite\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_UNKNOWN, .flags = F_RESP,
	  .status = 200 },
	/* CSeq without the sequence number is malformed. */
	{ .name = "response_cseq_no_number",
	  SIP_IN("SIP/2.0 200 OK\r\nCSeq: INVITE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_UNKNOWN, .flags = F_RESP,
	  .status = 200 },
	/* CSeq with junk after the method is malformed. */
	{ .name = "response_cseq_trailing_junk",
	  SIP_IN("SIP/2.0 200 OK\r\nCSeq: 1 INVITE x\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_UNKNOWN, .flags = F_RESP,
	  .status = 200 },
	/* CSeq number glued to the method is malformed. */
	{ .name = "response_cseq_no_space",
	  SIP_IN("SIP/2.0 200 OK\r\nCSeq: 1INVITE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_UNKNOWN, .flags = F_RESP,
	  .status = 200 },
	/* First CSeq wins. */
	{ .name = "response_cseq_first_wins",
	  SIP_IN("SIP/2.0 200 OK\r\nCSeq: 1 BYE\r\nCSeq: 2 INVITE\r\n"
		 "i: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_BYE, .flags = F_RESP,
	  .status = 200 },
	/* CSeq in the body of a response is not the CSeq header. */
	{ .name = "response_cseq_only_in_body",
	  SIP_IN("SIP/2.0 200 OK\r\ni: r@x\r\n\r\nCSeq: 1 INVITE\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_UNKNOWN, .flags = F_RESP,
	  .status = 200 },
	/* CSeq running into the end of the buffer: method not trusted. */
	{ .name = "response_cseq_truncated",
	  SIP_IN("SIP/2.0 200 OK\r\ni: r@x\r\nCSeq: 1 INVITE"),
	  .key = "r@x", .method = IP_VS_SIP_M_UNKNOWN,
	  .flags = F_RESP | F_TRUNC, .status = 200 },
	/* Response without Call-ID still reports status and method. */
	{ .name = "response_without_callid",
	  SIP_IN("SIP/2.0 486 Busy Here\r\nCSeq: 1 INVITE\r\n\r\n"),
	  .ret = -ENOENT, .method = IP_VS_SIP_M_INVITE, .flags = F_RESP,
	  .status = 486 },
	/* Lowest valid status code. */
	{ .name = "response_status_100",
	  SIP_IN("SIP/2.0 100 Trying\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_INVITE, .flags = F_RESP,
	  .status = 100 },
	/* Highest valid status code. */
	{ .name = "response_status_699",
	  SIP_IN("SIP/2.0 699 Odd\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .key = "r@x", .method = IP_VS_SIP_M_INVITE, .flags = F_RESP,
	  .status = 699 },
	/* Status below 100 is not SIP. */
	{ .name = "response_status_099",
	  SIP_IN("SIP/2.0 099 Low\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Status above 699 is not SIP. */
	{ .name = "response_status_700",
	  SIP_IN("SIP/2.0 700 High\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Four digits are not a status code. */
	{ .name = "response_status_4_digits",
	  SIP_IN("SIP/2.0 2000 OK\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Two digits are not a status code. */
	{ .name = "response_status_2_digits",
	  SIP_IN("SIP/2.0 20 OK\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* Letters are not digits (2OO). */
	{ .name = "response_status_letters",
	  SIP_IN("SIP/2.0 2OO OK\r\nCSeq: 1 INVITE\r\ni: r@x\r\n\r\n"),
	  .ret = -ENOENT },
	/* "SIP/2.0/UDP" (a Via value) is not a status line. */
	{ .name = "via_value_as_start_line",
	  SIP_IN("SIP/2.0/UDP 192.0.2.1\r\ni: r@x\r\n\r\n"),
	  .ret = -ENOENT },

	/* Requests, one per method: method table entry and enum order. */
	/* INVITE: dialog-creating, the main reason for the scheduler. */
	REQ_CASE(INVITE, "request_invite"),
	/* ACK for a 2xx must follow the INVITE. */
	REQ_CASE(ACK, "request_ack"),
	/* BYE ends the dialog on the same real server. */
	REQ_CASE(BYE, "request_bye"),
	/* CANCEL must reach the server that has the INVITE. */
	REQ_CASE(CANCEL, "request_cancel"),
	/* REGISTER: longest-but-one name, off-by-one in lengths. */
	REQ_CASE(REGISTER, "request_register"),
	/* OPTIONS: often a keepalive probe. */
	REQ_CASE(OPTIONS, "request_options"),
	/* PRACK (RFC 3262). */
	REQ_CASE(PRACK, "request_prack"),
	/* SUBSCRIBE: longest name in the table. */
	REQ_CASE(SUBSCRIBE, "request_subscribe"),
	/* NOTIFY (RFC 6665). */
	REQ_CASE(NOTIFY, "request_notify"),
	/* PUBLISH (RFC 3903). */
	REQ_CASE(PUBLISH, "request_publish"),
	/* INFO: shares its first letters with INVITE. */
	REQ_CASE(INFO, "request_info"),
	/* REFER: shares its first letters with REGISTER. */
	REQ_CASE(REFER, "request_refer"),
	/* MESSAGE (RFC 3428). */
	REQ_CASE(MESSAGE, "request_message"),
	/* UPDATE: last enum entry, table end handling. */
	REQ_CASE(UPDATE, "request_update"),

	/* Responses, one per method: CSeq method lookup for each entry. */
	/* Provisional response to INVITE. */
	RESP_CASE("180 Ringing", 180, INVITE, "response_invite"),
	/* A response to ACK does not exist, but the parser must not care. */
	RESP_CASE("200 OK", 200, ACK, "response_ack"),
	/* 200 to BYE. */
	RESP_CASE("200 OK", 200, BYE, "response_bye"),
	/* 481 to CANCEL. */
	RESP_CASE("481 Call/Transaction Does Not Exist", 481, CANCEL,
		  "response_cancel"),
	/* 401 challenge to REGISTER. */
	RESP_CASE("401 Unauthorized", 401, REGISTER, "response_register"),
	/* 200 to OPTIONS. */
	RESP_CASE("200 OK", 200, OPTIONS, "response_options"),
	/* 200 to PRACK. */
	RESP_CASE("200 OK", 200, PRACK, "response_prack"),
	/* 202 to SUBSCRIBE. */
	RESP_CASE("202 Accepted", 202, SUBSCRIBE, "response_subscribe"),
	/* 200 to NOTIFY. */
	RESP_CASE("200 OK", 200, NOTIFY, "response_notify"),
	/* 412 to PUBLISH. */
	RESP_CASE("412 Conditional Request Failed", 412, PUBLISH,
		  "response_publish"),
	/* 415 to INFO. */
	RESP_CASE("415 Unsupported Media Type", 415, INFO, "response_info"),
	/* 603 to REFER. */
	RESP_CASE("603 Decline", 603, REFER, "response_refer"),
	/* 503 to MESSAGE. */
	RESP_CASE("503 Service Unavailable", 503, MESSAGE,
		  "response_message"),
	/* 491 to UPDATE. */
	RESP_CASE("491 Request Pending", 491, UPDATE, "response_update"),
};

static void sip_parse_case_desc(const struct sip_parse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sip_parse, sip_parse_cases, sip_parse_case_desc);

/* Invariants that hold for every input, whatever the expected result. */
/* Invariants that hold for every input, whatever the expected result. */
static void sip_check_invariants(struct kunit *test, const u8 *buf,
				 size_t len, int ret,
				 const struct ip_vs_sip_msg *msg)
{
	size_t scan = min_t(size_t, len, IP_VS_SIP_HDR_MAX);

	KUNIT_EXPECT_TRUE(test, ret == 0 || ret == -ENOENT);
	KUNIT_EXPECT_EQ(test, ret == 0, msg->callid_len > 0);
	KUNIT_EXPECT_EQ(test, ret == 0, !!msg->callid);
	KUNIT_EXPECT_EQ(test, !!(msg->flags & IP_VS_SIP_F_OVERSIZED),
			msg->callid_len > IP_VS_SIP_CALLID_MAX);
	KUNIT_EXPECT_EQ(test, !!(msg->flags & IP_VS_SIP_F_RESPONSE),
			msg->status != 0);
	KUNIT_EXPECT_LE(test, (int)msg->method, (int)IP_VS_SIP_M_UPDATE);
	KUNIT_EXPECT_LE(test, (int)msg->callid_len, IP_VS_SIP_LINE_MAX);
	if (msg->callid) {
		KUNIT_EXPECT_TRUE(test, msg->callid >= buf);
		KUNIT_EXPECT_TRUE(test,
				  msg->callid + msg->callid_len <= buf + scan);
	}
}

/* Datagram source for ip_vs_sip_parse_chunks() in these tests. */
struct sip_src {
	const u8	*buf;
	size_t		len;
	unsigned int	copies;
};

static int sip_src_copy(void *ctx, size_t off, u8 *to, size_t len)
{
	struct sip_src *src = ctx;

	if (off > src->len || len > src->len - off)
		return -EFAULT;
	memcpy(to, src->buf + off, len);
	src->copies++;
	return 0;
}

static bool sip_same(const struct ip_vs_sip_msg *a,
		     const struct ip_vs_sip_msg *b)
{
	return a->callid_len == b->callid_len && a->status == b->status &&
	       a->method == b->method && a->flags == b->flags &&
	       !!a->callid == !!b->callid &&
	       (!a->callid || !memcmp(a->callid, b->callid, a->callid_len));
}

/*
 * The datagram @buf of @len bytes parsed in parts: the first @head bytes in
 * place, the rest through windows copied into @win, of @winlen bytes (an
 * exact-size allocation: KASAN catches reads past it). Return: the number
 * of copies made.
 */
static unsigned int sip_chunks(struct kunit *test, const u8 *buf, size_t len,
			       size_t head, u8 *win, size_t winlen,
			       struct ip_vs_sip_msg *msg, int *ret)
{
	struct sip_src src = { .buf = buf, .len = len };

	memset(msg, 0xa5, sizeof(*msg));
	*ret = ip_vs_sip_parse_chunks(buf, head, len, sip_src_copy, &src,
				      win, winlen, msg);
	if (msg->callid) {
		KUNIT_EXPECT_TRUE(test,
				  (msg->callid >= buf &&
				   msg->callid + msg->callid_len <= buf + head) ||
				  (msg->callid >= win &&
				   msg->callid + msg->callid_len <=
				   win + winlen));
		/* a key in the head is used in place, any other copied */
		KUNIT_EXPECT_EQ(test, msg->callid >= buf &&
				msg->callid < buf + head,
				(size_t)(msg->callid - buf) + msg->callid_len <=
				head);
		if (msg->callid < buf || msg->callid >= buf + head)
			KUNIT_EXPECT_GT(test, src.copies, 0U);
	}
	return src.copies;
}

/*
 * Cut @buf at every offset (or every @step-th): the parts must give the
 * same result as the whole, with the smallest and the kernel's window.
 */
static void sip_check_chunks(struct kunit *test, const u8 *buf, size_t len,
			     size_t step, int want,
			     const struct ip_vs_sip_msg *whole)
{
	static const size_t wins[] = { IP_VS_SIP_WIN_MIN, IP_VS_SIP_WIN };
	struct ip_vs_sip_msg msg;
	size_t head, w;
	bool ok = true;
	u8 *win;
	int ret;

	for (w = 0; w < ARRAY_SIZE(wins) && ok; w++) {
		win = kunit_kmalloc(test, wins[w], GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, win);
		for (head = 0; head <= len && ok; head += step) {
			sip_chunks(test, buf, len, head, win, wins[w], &msg,
				   &ret);
			ok = ret == want && sip_same(&msg, whole);
			if (!ok)
				KUNIT_FAIL(test,
					   "cut at %zu, window %zu: ret %d flags %#x key %u, whole: ret %d flags %#x key %u",
					   head, wins[w], ret, msg.flags,
					   msg.callid_len, want, whole->flags,
					   whole->callid_len);
		}
		kunit_kfree(test, win);
	}
}

static void sip_parse_check(struct kunit *test,
			    const struct sip_parse_case *c, const u8 *buf)
{
	struct ip_vs_sip_msg msg;
	int ret;

	/* Poison: every field must be written, also on -ENOENT. */
	memset(&msg, 0xa5, sizeof(msg));
	ret = ip_vs_sip_parse(buf, c->len, &msg);
	sip_check_invariants(test, buf, c->len, ret, &msg);

	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, (int)msg.method, (int)c->method);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, (int)c->flags);
	KUNIT_EXPECT_EQ(test, (int)msg.status, (int)c->status);
	if (!c->key) {
		KUNIT_EXPECT_EQ(test, (int)msg.callid_len, 0);
		KUNIT_EXPECT_NULL(test, msg.callid);
	} else {
		KUNIT_ASSERT_EQ(test, (size_t)msg.callid_len, strlen(c->key));
		KUNIT_ASSERT_NOT_NULL(test, msg.callid);
		KUNIT_EXPECT_TRUE_MSG(test,
				      !memcmp(msg.callid, c->key,
					      msg.callid_len),
				      "key '%.*s', expected '%s'",
				      (int)msg.callid_len, msg.callid, c->key);
	}
	/* The same in parts, cut anywhere. */
	sip_check_chunks(test, buf, c->len, 1, ret, &msg);
}

static void ip_vs_sip_parse_test_table(struct kunit *test)
{
	const struct sip_parse_case *c = test->param_value;
	u8 *copy;

	/* Exact-size copy: KASAN catches a read at or past @len. */
	copy = kunit_kmalloc(test, c->len ? c->len : 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, c->in, c->len);
	sip_parse_check(test, c, copy);

	/* In place: bytes past @len must not change the result either. */
	sip_parse_check(test, c, (const u8 *)c->in);
}

/* NULL buffer with length 0 must not be dereferenced. */
static void ip_vs_sip_parse_test_null(struct kunit *test)
{
	struct ip_vs_sip_msg msg;

	memset(&msg, 0xa5, sizeof(msg));
	KUNIT_EXPECT_EQ(test, ip_vs_sip_parse(NULL, 0, &msg), -ENOENT);
	KUNIT_EXPECT_NULL(test, msg.callid);
	KUNIT_EXPECT_EQ(test, (int)msg.callid_len, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.status, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.method, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, 0);
}

/* A window smaller than IP_VS_SIP_WIN_MIN is refused, @msg zeroed. */
static void ip_vs_sip_parse_test_small_window(struct kunit *test)
{
	static const char in[] = SIP_HEAD "Call-ID: w@x\r\n\r\n";
	struct ip_vs_sip_msg msg;
	u8 win[16];
	int ret;

	memset(&msg, 0xa5, sizeof(msg));
	ret = ip_vs_sip_parse_chunks((const u8 *)in, 10, sizeof(in) - 1,
				     sip_src_copy, NULL, win, sizeof(win),
				     &msg);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_NULL(test, msg.callid);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, 0);
}

#define SIP_AUTH_START \
	"Authorization: Digest username=\"alice\", " \
	"realm=\"atlanta.example.com\", uri=\"sip:bob@biloxi.example.com\", " \
	"response=\"7587245234b3434cc3412213e5f113a5432\", nonce=\""

/* Append @l bytes at @s to @buf at *@n. */
static void sip_put(u8 *buf, size_t *n, const char *s, size_t l)
{
	memcpy(buf + *n, s, l);
	*n += l;
}

/*
 * sip_proxied - an INVITE as proxies and SBCs send it: start line, Via,
 * then Record-Route headers and a Digest Authorization header (a long
 * quoted nonce) for at least @pad bytes, then To, From, "Call-ID: " @key,
 * CSeq, the empty line and a body. Sets *@len and *@key_at.
 */
static u8 *sip_proxied(struct kunit *test, size_t pad, const char *key,
		       size_t *len, size_t *key_at)
{
	static const char start[] = SIP_INVITE_LINE SIP_VIA;
	static const char auth[] = SIP_AUTH_START;
	static const char tail[] = "\r\n" SIP_CSEQ "Content-Length: 4\r\n\r\n"
				   "v=0\n";
	size_t cap = pad + 1024 + strlen(key), n = 0, i;
	u8 *buf = kunit_kmalloc(test, cap, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	sip_put(buf, &n, start, sizeof(start) - 1);
	for (i = 0; n < pad / 2; i++)
		n += scnprintf(buf + n, cap - n,
			       "Record-Route: <sip:p%zu.example.net;lr;ftag=%zx>\r\n",
			       i, i * 7919);
	sip_put(buf, &n, auth, sizeof(auth) - 1);
	for (; n < pad - 3; n++)
		buf[n] = 'a' + n % 26;
	sip_put(buf, &n, "\"\r\n", 3);
	n += scnprintf(buf + n, cap - n,
		       "To: Bob <sip:bob@biloxi.example.com>\r\n"
		       "From: Alice <sip:alice@atlanta.example.com>;tag=1928\r\n"
		       "Call-ID: ");
	*key_at = n;
	sip_put(buf, &n, key, strlen(key));
	sip_put(buf, &n, tail, sizeof(tail) - 1);
	KUNIT_ASSERT_LE(test, n, cap);
	*len = n;
	return buf;
}

/*
 * The reported bug: a Call-ID after 2,600 (and 8,000) bytes of
 * Record-Route and Authorization headers was not found (only the first
 * 2,048 bytes were read). Found in one buffer, and in parts cut at every
 * offset (as a fragmented datagram arrives).
 */
static void sip_parse_late(struct kunit *test, size_t pad, size_t step)
{
	struct ip_vs_sip_msg msg;
	size_t len, at;
	u8 *buf = sip_proxied(test, pad, "late@pc33.example.com", &len, &at);
	int ret;

	KUNIT_ASSERT_GT(test, at, (size_t)pad);
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.method, (int)IP_VS_SIP_M_INVITE);
	KUNIT_ASSERT_EQ(test, (int)msg.callid_len, 21);
	KUNIT_EXPECT_PTR_EQ(test, msg.callid, (const u8 *)buf + at);
	sip_check_chunks(test, buf, len, step, ret, &msg);
}

static void ip_vs_sip_parse_test_late_2600(struct kunit *test)
{
	sip_parse_late(test, 2600, 1);
}

static void ip_vs_sip_parse_test_late_8000(struct kunit *test)
{
	sip_parse_late(test, 8000, 1);
}

/*
 * A key in the linear part (the head) is used in place: no window is
 * copied at all when the answer is in the head, whatever follows.
 */
static void ip_vs_sip_parse_test_head_no_copy(struct kunit *test)
{
	static const char in[] = SIP_HEAD "Call-ID: head@x\r\n"
				 "CSeq: 1 INVITE\r\nX-Pad: 0123456789\r\n\r\n";
	size_t at = strstr(in, "head@x") - in;
	struct ip_vs_sip_msg msg;
	u8 *win = kunit_kmalloc(test, IP_VS_SIP_WIN, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, win);
	KUNIT_EXPECT_EQ(test, sip_chunks(test, (const u8 *)in, sizeof(in) - 1,
					 at + 9, win, IP_VS_SIP_WIN, &msg,
					 &ret),
			0U);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_PTR_EQ(test, msg.callid, (const u8 *)in + at);
}

/*
 * A response's Call-ID in the head and its CSeq far behind it: the key is
 * still returned whole (copied back into the window).
 */
static void ip_vs_sip_parse_test_response_key_early(struct kunit *test)
{
	size_t len = 6000, n, at;
	struct ip_vs_sip_msg msg, whole;
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL), *win;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	n = scnprintf(buf, len, "SIP/2.0 200 OK\r\ni: early@x\r\nX-Pad: ");
	at = 19;
	memset(buf + n, 'p', len - n);
	memcpy(buf + len - 17, "\r\nCSeq: 1 BYE\r\n\r\n", 17);
	KUNIT_EXPECT_EQ(test, ip_vs_sip_parse(buf, len, &whole), 0);
	KUNIT_EXPECT_EQ(test, (int)whole.method, (int)IP_VS_SIP_M_BYE);
	KUNIT_EXPECT_EQ(test, (int)whole.callid_len, 7);
	KUNIT_EXPECT_PTR_EQ(test, whole.callid, (const u8 *)buf + at);
	win = kunit_kmalloc(test, IP_VS_SIP_WIN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, win);
	/* the key is in the head, the CSeq in a window */
	KUNIT_EXPECT_GT(test, sip_chunks(test, buf, len, 100, win,
					 IP_VS_SIP_WIN, &msg, &ret), 0U);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, sip_same(&msg, &whole));
	sip_check_chunks(test, buf, len, 7, 0, &whole);
}

/*
 * sip_line_msg - "INVITE" start line, "Call-ID: " and a key of @klen bytes
 * (a Call-ID header of @klen + 11 bytes with its CRLF), then CSeq and the
 * empty line.
 */
static u8 *sip_line_msg(struct kunit *test, size_t klen, size_t *len)
{
	static const char head[] = SIP_INVITE_LINE "Call-ID: ";
	static const char tail[] = "\r\n" SIP_CSEQ "\r\n";
	u8 *buf;

	*len = sizeof(head) - 1 + klen + sizeof(tail) - 1;
	buf = kunit_kmalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'k', klen);
	memcpy(buf + sizeof(head) - 1 + klen, tail, sizeof(tail) - 1);
	return buf;
}

/*
 * IP_VS_SIP_LINE_MAX: a Call-ID header of exactly that many bytes is read
 * (its key is oversized: hashed, never bound); one byte more gives up with
 * TOOLONG, in one buffer and in parts alike.
 */
static void ip_vs_sip_parse_test_line_max(struct kunit *test)
{
	const size_t klen = IP_VS_SIP_LINE_MAX - 11;
	struct ip_vs_sip_msg msg;
	size_t len;
	u8 *buf;
	int ret;

	buf = sip_line_msg(test, klen, &len);
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, IP_VS_SIP_F_OVERSIZED);
	KUNIT_EXPECT_EQ(test, (size_t)msg.callid_len, klen);
	sip_check_chunks(test, buf, len, 1, ret, &msg);

	buf = sip_line_msg(test, klen + 1, &len);
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, -ENOENT);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, IP_VS_SIP_F_TOOLONG);
	KUNIT_EXPECT_EQ(test, (int)msg.method, (int)IP_VS_SIP_M_INVITE);
	KUNIT_EXPECT_NULL(test, msg.callid);
	sip_check_chunks(test, buf, len, 1, ret, &msg);
}

/* A start line longer than IP_VS_SIP_LINE_MAX: not SIP, but TOOLONG. */
static void ip_vs_sip_parse_test_start_line_max(struct kunit *test)
{
	size_t len = IP_VS_SIP_LINE_MAX + 64, uri;
	struct ip_vs_sip_msg msg;
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	/* "INVITE sip:uuu...u SIP/2.0\r\n" of exactly LINE_MAX bytes */
	uri = IP_VS_SIP_LINE_MAX - 7 - 4 - 10;
	memcpy(buf, "INVITE sip:", 11);
	memset(buf + 11, 'u', uri);
	memcpy(buf + 11 + uri, " SIP/2.0\r\n", 10);
	memcpy(buf + IP_VS_SIP_LINE_MAX, "Call-ID: s@x\r\n\r\n", 16);
	len = IP_VS_SIP_LINE_MAX + 16;
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, 0);
	sip_check_chunks(test, buf, len, 1, ret, &msg);

	/* one more byte of URI */
	memcpy(buf, "INVITE sip:", 11);
	memset(buf + 11, 'u', uri + 1);
	memcpy(buf + 12 + uri, " SIP/2.0\r\n", 10);
	memcpy(buf + IP_VS_SIP_LINE_MAX + 1, "Call-ID: s@x\r\n\r\n", 16);
	len = IP_VS_SIP_LINE_MAX + 17;
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, -ENOENT);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, IP_VS_SIP_F_TOOLONG);
	KUNIT_EXPECT_EQ(test, (int)msg.method, 0);
	sip_check_chunks(test, buf, len, 1, ret, &msg);
}

/* A response's CSeq past the cap: the key stands, method unknown. */
static void ip_vs_sip_parse_test_cseq_max(struct kunit *test)
{
	size_t len = 3000, n;
	struct ip_vs_sip_msg msg;
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	n = scnprintf(buf, len, "SIP/2.0 200 OK\r\ni: c@x\r\nCSeq: 1");
	memset(buf + n, ' ', len - n);
	memcpy(buf + len - 11, "BYE\r\n\r\n", 7);
	len -= 4;
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.flags,
			IP_VS_SIP_F_RESPONSE | IP_VS_SIP_F_TOOLONG);
	KUNIT_EXPECT_EQ(test, (int)msg.method, (int)IP_VS_SIP_M_UNKNOWN);
	KUNIT_EXPECT_EQ(test, (int)msg.callid_len, 3);
	sip_check_chunks(test, buf, len, 3, ret, &msg);
}

/*
 * IP_VS_SIP_HDR_MAX: a Call-ID beyond it is not read, the header section
 * is cut there (TRUNCATED | TOOLONG); one just before it is found.
 */
static void ip_vs_sip_parse_test_hdr_max(struct kunit *test)
{
	const size_t len = IP_VS_SIP_HDR_MAX + 100;
	struct ip_vs_sip_msg msg;
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	size_t at;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, SIP_INVITE_LINE "X-Pad: ", sizeof(SIP_INVITE_LINE) + 6);
	memset(buf + sizeof(SIP_INVITE_LINE) + 6, 'a',
	       len - sizeof(SIP_INVITE_LINE) - 6);
	/* "\r\ni: e@x\r\n\r\n" ending right at the cap */
	at = IP_VS_SIP_HDR_MAX - 12;
	memcpy(buf + at, "\r\ni: e@x\r\n\r\n", 12);
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, 0);
	sip_check_chunks(test, buf, len, 997, ret, &msg);

	/* one byte later: the empty line's LF is past the cap */
	memset(buf + at, 'a', 12);
	memcpy(buf + at + 1, "\r\ni: e@x\r\n\r\n", 12);
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, 0);
	/* the key is known once a byte follows its line end */
	KUNIT_EXPECT_EQ(test, (int)msg.flags, 0);

	/* two bytes later: no byte after the key's line end */
	memset(buf + at, 'a', 13);
	memcpy(buf + at + 2, "\r\ni: e@x\r\n\r\n", 12);
	ret = ip_vs_sip_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ(test, ret, -ENOENT);
	KUNIT_EXPECT_EQ(test, (int)msg.flags,
			IP_VS_SIP_F_TRUNCATED | IP_VS_SIP_F_TOOLONG);
	sip_check_chunks(test, buf, len, 997, ret, &msg);

	/* the same datagram ending at the cap is just truncated */
	ret = ip_vs_sip_parse(buf, IP_VS_SIP_HDR_MAX, &msg);
	KUNIT_EXPECT_EQ(test, ret, -ENOENT);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, IP_VS_SIP_F_TRUNCATED);
}

/*
 * Every prefix of one message, each in an exact-size buffer: the result must
 * change exactly at the documented boundaries and nothing may be read past
 * the prefix.
 */
static void ip_vs_sip_parse_test_every_prefix(struct kunit *test)
{
	static const char full[] = SIP_INVITE_LINE "Via: SIP/2.0/UDP h\r\n"
				   "Call-ID: pfx@x\r\nMax-Forwards: 70\r\n\r\n";
	const size_t len = sizeof(full) - 1;
	const size_t start_end = sizeof(SIP_INVITE_LINE) - 1;
	const size_t key_at = strstr(full, "Call-ID") - full + 9;
	/* first byte after the line end of "pfx@x" */
	const size_t key_line_end = key_at + 5 + 2;
	struct ip_vs_sip_msg msg;
	size_t l;
	int ret;

	for (l = 0; l <= len; l++) {
		u8 *buf = kunit_kmalloc(test, l ? l : 1, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
		memcpy(buf, full, l);
		ret = ip_vs_sip_parse(buf, l, &msg);
		sip_check_invariants(test, buf, l, ret, &msg);
		if (l < start_end) {
			/* start line incomplete: not SIP yet */
			KUNIT_EXPECT_EQ_MSG(test, ret, -ENOENT, "len %zu", l);
			KUNIT_EXPECT_EQ_MSG(test, (int)msg.method, 0,
					    "len %zu", l);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, (int)msg.method,
					    (int)IP_VS_SIP_M_INVITE,
					    "len %zu", l);
			/* key known once a byte follows its line end */
			KUNIT_EXPECT_EQ_MSG(test, ret,
					    l > key_line_end ? 0 : -ENOENT,
					    "len %zu", l);
			/* the scan stops once the key is known */
			KUNIT_EXPECT_EQ_MSG(test, (int)msg.flags,
					    l <= key_line_end ?
					    IP_VS_SIP_F_TRUNCATED : 0,
					    "len %zu", l);
		}
		if (!ret) {
			KUNIT_EXPECT_EQ(test, (int)msg.callid_len, 5);
			KUNIT_EXPECT_PTR_EQ(test, msg.callid,
					    (const u8 *)buf + key_at);
		}
		kunit_kfree(test, buf);
	}
}

static struct kunit_case ip_vs_sip_parse_test_cases[] = {
	KUNIT_CASE_PARAM(ip_vs_sip_parse_test_table, sip_parse_gen_params),
	KUNIT_CASE(ip_vs_sip_parse_test_null),
	KUNIT_CASE(ip_vs_sip_parse_test_small_window),
	KUNIT_CASE(ip_vs_sip_parse_test_late_2600),
	KUNIT_CASE(ip_vs_sip_parse_test_late_8000),
	KUNIT_CASE(ip_vs_sip_parse_test_head_no_copy),
	KUNIT_CASE(ip_vs_sip_parse_test_response_key_early),
	KUNIT_CASE(ip_vs_sip_parse_test_line_max),
	KUNIT_CASE(ip_vs_sip_parse_test_start_line_max),
	KUNIT_CASE(ip_vs_sip_parse_test_cseq_max),
	KUNIT_CASE(ip_vs_sip_parse_test_hdr_max),
	KUNIT_CASE(ip_vs_sip_parse_test_every_prefix),
	{}
};

static struct kunit_suite ip_vs_sip_parse_test_suite = {
	.name = "ip_vs_sip_parse",
	.test_cases = ip_vs_sip_parse_test_cases,
};

/* ---------------------------------------------------------------------- */

/*
 * ip_vs_sip_payload(): the scheduler's parse of a real skb, linear or not,
 * and its TooLong counter.
 */

/*
 * sip_skb - an skb holding an 8-byte UDP header and the @len bytes of
 * @payload: the header and the first @head bytes in the linear area, the
 * rest in parts of at most @part bytes: page fragments (as drivers and GRO
 * build them) or, with @fraglist, skbs on the frag_list (as IP reassembly
 * builds them). NULL when out of memory; kfree_skb() frees it all.
 */
static struct sk_buff *sip_skb(const u8 *payload, size_t len, size_t head,
			       size_t part, bool fraglist)
{
	struct sk_buff *skb = alloc_skb(sizeof(struct udphdr) + head,
					GFP_KERNEL), **tail;
	size_t off = head;

	if (!skb)
		return NULL;
	tail = &skb_shinfo(skb)->frag_list;
	skb_put_zero(skb, sizeof(struct udphdr));
	skb_put_data(skb, payload, head);
	while (off < len) {
		size_t n = min(part, len - off);

		if (fraglist) {
			struct sk_buff *f = alloc_skb(n, GFP_KERNEL);

			if (!f)
				goto err;
			skb_put_data(f, payload + off, n);
			*tail = f;
			tail = &f->next;
			skb->len += n;
			skb->data_len += n;
			skb->truesize += f->truesize;
		} else {
			struct page *pg;

			if (skb_shinfo(skb)->nr_frags == MAX_SKB_FRAGS)
				goto err;
			pg = alloc_page(GFP_KERNEL);
			if (!pg)
				goto err;
			memcpy(page_address(pg), payload + off, n);
			skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, pg, 0,
					n, PAGE_SIZE);
		}
		off += n;
	}
	return skb;
err:
	kfree_skb(skb);
	return NULL;
}

static u64 sip_toolong(struct ip_vs_kaff_stats __percpu *stats)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(stats, cpu)->cls[IP_VS_SIP_C_TOOLONG];
	return n;
}

/*
 * @buf as the payload of skbs of every shape: linear, and the first @head
 * bytes linear with the rest in page fragments or on the frag_list, for
 * @head from 0 to the whole in steps of @step. The result must be that of
 * ip_vs_sip_parse() on the buffer; a key in the linear area is used in
 * place (no copy), any other in this CPU's buffer.
 */
static void sip_check_skbs(struct kunit *test, const u8 *buf, size_t len,
			   size_t step, u64 toolong)
{
	struct ip_vs_kaff_stats __percpu *st;
	const struct ip_vs_iphdr iph = { .len = 0 };
	struct ip_vs_sip_msg whole, msg;
	int want = ip_vs_sip_parse(buf, len, &whole), ret, shape;
	bool ok = true, inplace;
	struct sk_buff *skb;
	u64 n = 0;
	size_t head;

	st = alloc_percpu(struct ip_vs_kaff_stats);
	KUNIT_ASSERT_NOT_NULL(test, st);
	for (shape = 0; shape < 3 && ok; shape++) {
		for (head = 0; head <= len && ok; head += step) {
			/* 0: linear; 1: page fragments; 2: frag_list */
			skb = sip_skb(buf, len, shape ? head : len, 1480,
				      shape == 2);
			if (!skb) {
				KUNIT_FAIL(test, "out of memory");
				ok = false;
				break;
			}
			local_bh_disable();
			ret = ip_vs_sip_payload(st, skb, &iph, &msg);
			ok = ret == want && sip_same(&msg, &whole);
			inplace = msg.callid >= skb->data &&
				  msg.callid < skb->data + skb_headlen(skb);
			local_bh_enable();
			kfree_skb(skb);
			n++;
			KUNIT_EXPECT_TRUE_MSG(test, ok,
					      "shape %d, linear %zu: ret %d flags %#x key %u, whole: ret %d flags %#x key %u",
					      shape, head, ret, msg.flags,
					      msg.callid_len, want, whole.flags,
					      whole.callid_len);
			if (!ret)
				KUNIT_EXPECT_EQ(test, inplace,
						whole.callid + whole.callid_len <=
						buf + (shape ? head : len));
			if (!shape)
				break;
		}
	}
	/* every parse that hit a cap counted once */
	if (ok)
		KUNIT_EXPECT_EQ(test, sip_toolong(st), toolong ? n : 0);
	free_percpu(st);
}

/* The reported bug, on skbs: the Call-ID after 2,600 bytes of headers. */
static void ip_vs_sip_payload_test_late(struct kunit *test)
{
	size_t len, at;
	u8 *buf = sip_proxied(test, 2600, "late@pc33.example.com", &len, &at);
	struct ip_vs_sip_msg msg;

	KUNIT_ASSERT_EQ(test, ip_vs_sip_parse(buf, len, &msg), 0);
	sip_check_skbs(test, buf, len, 1, 0);
}

/* ... and after 8,000 bytes, more windows. */
static void ip_vs_sip_payload_test_late_8000(struct kunit *test)
{
	size_t len, at;
	u8 *buf = sip_proxied(test, 8000, "late@pc33.example.com", &len, &at);
	struct ip_vs_sip_msg msg;

	KUNIT_ASSERT_EQ(test, ip_vs_sip_parse(buf, len, &msg), 0);
	sip_check_skbs(test, buf, len, 7, 0);
}

/* A response whose Call-ID is in the linear area and CSeq far behind. */
static void ip_vs_sip_payload_test_response(struct kunit *test)
{
	size_t len = 6000, n;
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	n = scnprintf(buf, len, "SIP/2.0 200 OK\r\ni: early@x\r\nX-Pad: ");
	memset(buf + n, 'p', len - n);
	memcpy(buf + len - 17, "\r\nCSeq: 1 BYE\r\n\r\n", 17);
	sip_check_skbs(test, buf, len, 11, 0);
}

/* A Call-ID header past IP_VS_SIP_LINE_MAX: no key, counted TooLong. */
static void ip_vs_sip_payload_test_toolong(struct kunit *test)
{
	const struct ip_vs_iphdr iph = { .len = 0 };
	struct ip_vs_sip_msg msg;
	struct sk_buff *skb;
	size_t len;
	u8 *buf = sip_line_msg(test, IP_VS_SIP_LINE_MAX, &len);
	int ret;

	sip_check_skbs(test, buf, len, 13, 1);
	/* without stats (real servers' requests): not counted, no crash */
	skb = sip_skb(buf, len, 100, 1480, true);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	local_bh_disable();
	ret = ip_vs_sip_payload(NULL, skb, &iph, &msg);
	local_bh_enable();
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, ret, -ENOENT);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, IP_VS_SIP_F_TOOLONG);
}

/* No payload at all (a bare UDP header). */
static void ip_vs_sip_payload_test_empty(struct kunit *test)
{
	const struct ip_vs_iphdr iph = { .len = 0 };
	struct sk_buff *skb = sip_skb((const u8 *)"", 0, 0, 1, false);
	struct ip_vs_sip_msg msg;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	memset(&msg, 0xa5, sizeof(msg));
	local_bh_disable();
	ret = ip_vs_sip_payload(NULL, skb, &iph, &msg);
	local_bh_enable();
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, ret, -ENOENT);
	KUNIT_EXPECT_NULL(test, msg.callid);
	KUNIT_EXPECT_EQ(test, (int)msg.flags, 0);
}

static struct kunit_case ip_vs_sip_payload_test_cases[] = {
	KUNIT_CASE(ip_vs_sip_payload_test_late),
	KUNIT_CASE(ip_vs_sip_payload_test_late_8000),
	KUNIT_CASE(ip_vs_sip_payload_test_response),
	KUNIT_CASE(ip_vs_sip_payload_test_toolong),
	KUNIT_CASE(ip_vs_sip_payload_test_empty),
	{}
};

static struct kunit_suite ip_vs_sip_payload_test_suite = {
	.name = "ip_vs_sip_payload",
	.test_cases = ip_vs_sip_payload_test_cases,
};

kunit_test_suites(&ip_vs_sip_parse_test_suite, &ip_vs_sip_payload_test_suite);

IPVS_UDP_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for the IPVS sip scheduler's SIP parser");
MODULE_LICENSE("GPL");
