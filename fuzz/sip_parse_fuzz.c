// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for ip_vs_sip_parse() and ip_vs_sip_parse_chunks(), the
 * SIP classifier of the IPVS "sip" scheduler.
 *
 * Build this file together with kernel/ip_vs_sip_parse.c, from the top of
 * the tree, and run it on the seed corpus:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I kernel \
 *         -o sip-parse-fuzz fuzz/<this file> kernel/ip_vs_sip_parse.c
 *   ./sip-parse-fuzz -max_total_time=60 fuzz/corpus/sip/
 *
 * libFuzzer hands over an exact-size heap copy of each input, so
 * AddressSanitizer reports any read at or past @len. On top of that, every
 * input is checked against the invariants of the interface, and against a
 * few properties that relate the results for related inputs:
 *   - the datagram parsed in parts (ip_vs_sip_parse_chunks(), cut where the
 *     input's first bytes say, windows of IP_VS_SIP_WIN_MIN bytes) gives the
 *     same result as in one buffer;
 *   - bytes appended to a message whose header section ended within the
 *     buffer do not change the result;
 *   - a key is found again, at the same place, in any longer prefix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_vs_sip_parse.h"
#include "fuzz_check.h"

#define KNOWN_FLAGS	(IP_VS_SIP_F_RESPONSE | IP_VS_SIP_F_OVERSIZED | \
			 IP_VS_SIP_F_TRUNCATED | IP_VS_SIP_F_TOOLONG)

static int is_lws(u8 c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_ctl(u8 c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

static int same_msg(const struct ip_vs_sip_msg *a, const u8 *abuf,
		    const struct ip_vs_sip_msg *b, const u8 *bbuf)
{
	if (a->callid_len != b->callid_len || a->status != b->status ||
	    a->method != b->method || a->flags != b->flags)
		return 0;
	if (!a->callid || !b->callid)
		return a->callid == b->callid;
	/* same offset in each buffer */
	return a->callid - abuf == b->callid - bbuf;
}

static void check_invariants(const u8 *buf, size_t len, int ret,
			     const struct ip_vs_sip_msg *msg)
{
	size_t scan = len < IP_VS_SIP_HDR_MAX ? len : IP_VS_SIP_HDR_MAX;
	size_t i;

	CHECK(ret == 0 || ret == -ENOENT);
	CHECK((ret == 0) == (msg->callid_len > 0));
	CHECK((ret == 0) == !!msg->callid);
	CHECK(!(msg->flags & ~KNOWN_FLAGS));
	CHECK(msg->method <= IP_VS_SIP_M_UPDATE);
	CHECK(!!(msg->flags & IP_VS_SIP_F_OVERSIZED) ==
	      (msg->callid_len > IP_VS_SIP_CALLID_MAX));
	CHECK(!!(msg->flags & IP_VS_SIP_F_RESPONSE) == (msg->status != 0));
	CHECK(!msg->status || (msg->status >= 100 && msg->status <= 699));
	CHECK(msg->callid_len <= IP_VS_SIP_LINE_MAX);
	if (ret) {
		CHECK(!msg->callid_len);
		return;
	}

	/* The key lies within the scanned part of the buffer ... */
	CHECK(msg->callid >= buf);
	CHECK((size_t)(msg->callid - buf) < scan);
	CHECK(msg->callid_len <= scan - (size_t)(msg->callid - buf));
	/* ... is trimmed ... */
	CHECK(!is_lws(msg->callid[0]));
	CHECK(!is_lws(msg->callid[msg->callid_len - 1]));
	/* ... holds no control bytes, and line ends only as folds. */
	for (i = 0; i < msg->callid_len; i++) {
		u8 c = msg->callid[i];

		CHECK(!is_ctl(c));
		if (c == '\n')
			CHECK(msg->callid[i + 1] == ' ' ||
			      msg->callid[i + 1] == '\t');
		if (c == '\\' && i + 1 < msg->callid_len)
			CHECK(!is_ctl(msg->callid[i + 1]));
		if (c == '\r')
			CHECK(msg->callid[i + 1] == '\n');
	}
}

static int parse(const u8 *buf, size_t len, struct ip_vs_sip_msg *msg)
{
	int ret;

	/* Poison: every field must be written on every return. */
	memset(msg, 0xa5, sizeof(*msg));
	ret = ip_vs_sip_parse(buf, len, msg);
	check_invariants(buf, len, ret, msg);
	return ret;
}

/* Parse the first @len bytes of @data from an exact-size heap copy. */
static int parse_copy(const u8 *data, size_t len, struct ip_vs_sip_msg *msg,
		      u8 **copy)
{
	*copy = malloc(len ? len : 1);
	if (!*copy)
		abort();
	memcpy(*copy, data, len);
	return parse(*copy, len, msg);
}

static const u8 *chunk_src;

static int chunk_copy(void *ctx, size_t off, u8 *to, size_t len)
{
	(void)ctx;
	memcpy(to, chunk_src + off, len);
	return 0;
}

/* @data in parts: the first @head bytes in place, then windows. */
static void check_chunks(const u8 *data, size_t size, size_t head, int ret,
			 const struct ip_vs_sip_msg *msg)
{
	static u8 win[IP_VS_SIP_WIN_MIN];
	struct ip_vs_sip_msg again;
	int ret2;

	chunk_src = data;
	memset(&again, 0xa5, sizeof(again));
	ret2 = ip_vs_sip_parse_chunks(data, head, size, chunk_copy, NULL, win,
				      sizeof(win), &again);
	CHECK(ret2 == ret);
	CHECK(again.callid_len == msg->callid_len &&
	      again.status == msg->status && again.method == msg->method &&
	      again.flags == msg->flags);
	if (!ret2) {
		CHECK((again.callid >= data && again.callid < data + head) ||
		      (again.callid >= win && again.callid < win + sizeof(win)));
		CHECK(!memcmp(again.callid, msg->callid, msg->callid_len));
	}
}

/*
 * The libFuzzer entry point. Its fixed CamelCase name is given as an asm
 * label so that the kernel style check has nothing to complain about.
 */
int sip_parse_fuzz_one(const u8 *data, size_t size)
	__asm__("LLVMFuzzerTestOneInput");

int sip_parse_fuzz_one(const u8 *data, size_t size)
{
	static const u8 tail[] = "\r\nCall-ID: tail@x\r\n\r\n\0\x01";
	struct ip_vs_sip_msg msg, again;
	u8 *copy, *longer;
	size_t scan, cut;
	int ret, ret2;

	ret = parse(data, size, &msg);

	/* Deterministic. */
	scan = size < IP_VS_SIP_HDR_MAX ? size : IP_VS_SIP_HDR_MAX;
	ret2 = parse_copy(data, size, &again, &copy);
	CHECK(ret2 == ret && same_msg(&msg, data, &again, copy));
	free(copy);

	/* In parts, cut anywhere: the same result. */
	if (size > 2) {
		check_chunks(data, size, (data[1] | data[2] << 8) % (size + 1),
			     ret, &msg);
		check_chunks(data, size, 0, ret, &msg);
	}

	/*
	 * Appending bytes after a complete header section changes nothing,
	 * as long as the scan limit is not reached.
	 */
	if (!(msg.flags & (IP_VS_SIP_F_TRUNCATED | IP_VS_SIP_F_TOOLONG)) &&
	    (ret == 0 || msg.method || msg.flags) &&
	    scan + sizeof(tail) <= IP_VS_SIP_HDR_MAX) {
		longer = malloc(scan + sizeof(tail));
		if (!longer)
			abort();
		memcpy(longer, data, scan);
		memcpy(longer + scan, tail, sizeof(tail));
		ret2 = parse(longer, scan + sizeof(tail), &again);
		CHECK(ret2 == ret && same_msg(&msg, data, &again, longer));
		free(longer);
	}

	/*
	 * A key found in a prefix is found again, unchanged, in the whole
	 * buffer, unless a control byte in the rest of the header section
	 * makes the whole datagram "not SIP" (all of the result zero).
	 */
	if (size > 1) {
		cut = data[0] % size;
		ret2 = parse_copy(data, cut, &again, &copy);
		if (!ret2 && !ret) {
			CHECK(again.callid - copy == msg.callid - data);
			CHECK(again.callid_len == msg.callid_len);
			CHECK(again.status == msg.status);
			CHECK(again.method == msg.method ||
			      (msg.flags & IP_VS_SIP_F_RESPONSE));
		} else if (!ret2) {
			CHECK(!msg.flags && !msg.method && !msg.status);
		}
		free(copy);
	}
	return 0;
}
