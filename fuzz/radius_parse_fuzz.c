// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for ip_vs_radius_parse() and ip_vs_radius_key_of(), the
 * RADIUS classifier of the IPVS "radius" scheduler.
 *
 * Build this file together with kernel/ip_vs_radius_parse.c, from the top
 * of the tree, and run it on the seed corpus:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I kernel \
 *         -o radius-parse-fuzz fuzz/<this file> kernel/ip_vs_radius_parse.c
 *   ./radius-parse-fuzz -max_total_time=60 fuzz/corpus/radius/
 *
 * libFuzzer hands over an exact-size heap copy of each input, so
 * AddressSanitizer reports any read at or past @len. Each input is checked
 * against the invariants of the interface, and against properties that
 * relate the results for related inputs:
 *   - bytes appended to the datagram change nothing, unless the datagram
 *     was shorter than its Length field;
 *   - the Authenticator (bytes 4 to 19) never changes the result;
 *   - every reported value lies within the message's attributes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip_vs_radius_parse.h"
#include "fuzz_check.h"

static void check_val(const struct ip_vs_radius_val *v, const u8 *buf,
		      const struct ip_vs_radius_msg *m)
{
	if (!v->len) {
		CHECK(!v->p);
		return;
	}
	CHECK(v->p >= buf + IP_VS_RADIUS_HDR_LEN + 2);
	CHECK(v->p + v->len <= buf + m->length);
	CHECK(v->len <= 253);
}

static int same_val(const struct ip_vs_radius_val *a, const u8 *abuf,
		    const struct ip_vs_radius_val *b, const u8 *bbuf)
{
	if (a->len != b->len)
		return 0;
	if (!a->p || !b->p)
		return a->p == b->p;
	return a->p - abuf == b->p - bbuf;
}

static int same_msg(const struct ip_vs_radius_msg *a, const u8 *abuf,
		    const struct ip_vs_radius_msg *b, const u8 *bbuf)
{
	return a->code == b->code && a->ident == b->ident &&
	       a->length == b->length && a->nattrs == b->nattrs &&
	       same_val(&a->state, abuf, &b->state, bbuf) &&
	       same_val(&a->user_name, abuf, &b->user_name, bbuf) &&
	       same_val(&a->calling_id, abuf, &b->calling_id, bbuf) &&
	       same_val(&a->acct_session, abuf, &b->acct_session, bbuf) &&
	       same_val(&a->nas_id, abuf, &b->nas_id, bbuf) &&
	       same_val(&a->nas_ip, abuf, &b->nas_ip, bbuf) &&
	       same_val(&a->nas_ipv6, abuf, &b->nas_ipv6, bbuf);
}

static void check_key(const struct ip_vs_radius_msg *m,
		      const struct ip_vs_radius_key *k, int kind)
{
	CHECK(kind == k->kind);
	CHECK(kind >= IP_VS_RADIUS_K_ADDR && kind < IP_VS_RADIUS_K_STATE);
	if (kind == IP_VS_RADIUS_K_ADDR) {
		CHECK(k->len == 0);
		return;
	}
	CHECK(k->len >= 3 && k->len <= IP_VS_RADIUS_KEY_BUF);
	CHECK(k->buf[0] == kind);
	if (kind == IP_VS_RADIUS_K_ACCT)
		CHECK(m->code == IP_VS_RADIUS_ACCT_REQUEST);
	else
		CHECK(m->code == IP_VS_RADIUS_ACCESS_REQUEST);
	/* the value ends the key */
	if (kind == IP_VS_RADIUS_K_CALLING)
		CHECK(!memcmp(k->buf + k->len - m->calling_id.len,
			      m->calling_id.p, m->calling_id.len));
}

/*
 * libFuzzer's entry point, LLVMFuzzerTestOneInput(), by its assembler
 * label (as in sip_parse_fuzz.c).
 */
int radius_parse_fuzz_one(const u8 *data, size_t len)
	__asm__("LLVMFuzzerTestOneInput");

int radius_parse_fuzz_one(const u8 *data, size_t len)
{
	struct ip_vs_radius_msg m, m2;
	struct ip_vs_radius_key k, k2;
	int st, st2, kind;
	u8 *copy;

	st = ip_vs_radius_parse(data, len, &m);
	CHECK(st >= IP_VS_RADIUS_OK && st < IP_VS_RADIUS_NSTATUS);
	CHECK(m.nattrs <= IP_VS_RADIUS_MAX_ATTRS);
	if (st != IP_VS_RADIUS_OK && st != IP_VS_RADIUS_E_DUPSTATE) {
		CHECK(m.nattrs == 0 && !m.state.p && !m.user_name.p &&
		      !m.calling_id.p && !m.acct_session.p && !m.nas_id.p &&
		      !m.nas_ip.p && !m.nas_ipv6.p);
		if (len < IP_VS_RADIUS_HDR_LEN)
			CHECK(st == IP_VS_RADIUS_E_SHORT && m.length == 0);
	} else {
		CHECK(m.length >= IP_VS_RADIUS_HDR_LEN &&
		      m.length <= IP_VS_RADIUS_MAX_LEN && m.length <= len);
		check_val(&m.state, data, &m);
		check_val(&m.user_name, data, &m);
		check_val(&m.calling_id, data, &m);
		check_val(&m.acct_session, data, &m);
		check_val(&m.nas_id, data, &m);
		check_val(&m.nas_ip, data, &m);
		check_val(&m.nas_ipv6, data, &m);
		CHECK(!m.nas_ip.len || m.nas_ip.len == 4);
		CHECK(!m.nas_ipv6.len || m.nas_ipv6.len == 16);
		if (st == IP_VS_RADIUS_E_DUPSTATE)
			CHECK(!m.state.p);
		kind = ip_vs_radius_key_of(&m, &k);
		check_key(&m, &k, kind);
	}

	/* Appended bytes and another Authenticator change nothing */
	copy = malloc(len + 64);
	CHECK(copy);
	if (len)
		memcpy(copy, data, len);
	memset(copy + len, 0x1f, 64);
	if (len >= IP_VS_RADIUS_HDR_LEN)
		memset(copy + 4, 0xee, 16);
	st2 = ip_vs_radius_parse(copy, len + 64, &m2);
	if (st != IP_VS_RADIUS_E_SHORT) {
		CHECK(st2 == st);
		CHECK(same_msg(&m, data, &m2, copy));
		if (st == IP_VS_RADIUS_OK || st == IP_VS_RADIUS_E_DUPSTATE) {
			ip_vs_radius_key_of(&m2, &k2);
			CHECK(k.kind == k2.kind && k.len == k2.len &&
			      !memcmp(k.buf, k2.buf, k.len));
		}
	}
	free(copy);
	return 0;
}
